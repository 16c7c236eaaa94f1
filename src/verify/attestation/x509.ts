import {X509Certificate, createHash} from 'node:crypto'

import {EvidenceError} from './bytes.js'
import {Tag, children, contextTag, expectTag, readOid, readTlv} from './der.js'

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** Every certificate in a PEM text, in order. */
export function splitPem(text: string): string[] {
  return text.match(PEM_BLOCK) ?? []
}

/** One or more PEM certificates, or a single DER certificate. */
export function parseCertificates(input: string | Uint8Array, what: string): X509Certificate[] {
  const text = typeof input === 'string' ? input : looksLikePem(input) ? Buffer.from(input).toString('latin1') : undefined
  try {
    if (text === undefined) return [new X509Certificate(input as Uint8Array)]
    const blocks = splitPem(text)
    if (blocks.length === 0) throw new EvidenceError(`${what} holds no PEM certificate`)
    return blocks.map((b) => new X509Certificate(b))
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    throw new EvidenceError(`${what} is not a valid certificate (${error instanceof Error ? error.message : String(error)})`)
  }
}

function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN')
}

export function sha256Hex(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex')
}

export function commonName(cert: X509Certificate, field: 'subject' | 'issuer' = 'subject'): string {
  const line = cert[field].split('\n').find((l) => l.startsWith('CN='))
  return line ? line.slice(3) : cert[field].replaceAll('\n', ', ')
}

export function validity(cert: X509Certificate): {notBefore: Date; notAfter: Date} {
  return {notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo)}
}

/** The contents of the extension's OCTET STRING, or undefined when the certificate lacks it. */
export function extensionValue(cert: X509Certificate, oid: string): Uint8Array | undefined {
  const [tbs] = children(expectTag(readTlv(cert.raw), Tag.sequence, 'certificate'))
  const wrapper = children(tbs).find((t) => t.tag === contextTag(3, true))
  if (!wrapper) return undefined
  for (const ext of children(readTlv(wrapper.value))) {
    const parts = children(ext)
    if (readOid(parts[0]) === oid) return expectTag(parts[parts.length - 1], Tag.octetString, `extension ${oid}`).value
  }
  return undefined
}

/** The DER of the certificate's subject Name, for matching a CRL's issuer byte for byte. */
export function subjectDer(cert: X509Certificate): Uint8Array {
  const fields = children(children(readTlv(cert.raw))[0])
  const offset = fields[0].tag === contextTag(0, true) ? 1 : 0
  return fields[offset + 4].raw
}

export type ChainResult = {ok: true; path: X509Certificate[]} | {ok: false; reason: string; path: X509Certificate[]}

/**
 * Walks leaf → issuer → … until a certificate signed by (or equal to) one of the pinned anchors.
 * Intermediates come from `certs` (any order after the leaf); only the anchors are trusted, so a
 * self-signed root shipped with the evidence counts only if it is byte-identical to a pinned one.
 */
export function verifyChain(certs: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date, names = 'the pinned root'): ChainResult {
  try {
    return walkChain(certs, anchors, at, names)
  } catch (error) {
    return {ok: false, reason: `a certificate in the chain is malformed (${error instanceof Error ? error.message : String(error)})`, path: [...certs]}
  }
}

function walkChain(certs: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date, names: string): ChainResult {
  if (certs.length === 0) return {ok: false, reason: 'no certificate was given', path: []}
  const path: X509Certificate[] = [certs[0]]
  const pool = certs.slice(1)
  const pinned = new Set(anchors.map(sha256Hex))
  for (let depth = 0; depth < 8; depth++) {
    const current = path[path.length - 1]
    const timeProblem = outsideValidity(current, at)
    if (timeProblem) return {ok: false, reason: timeProblem, path}
    if (pinned.has(sha256Hex(current))) return {ok: true, path}
    const anchor = anchors.find((a) => current.checkIssued(a))
    if (anchor) {
      if (!current.verify(anchor.publicKey)) return {ok: false, reason: `the signature on "${commonName(current)}" by ${names} "${commonName(anchor)}" is invalid: the certificate was altered or not issued by it`, path}
      path.push(anchor)
      continue
    }
    const issuer = pool.find((c) => c !== current && current.checkIssued(c))
    if (!issuer) {
      if (current.checkIssued(current)) {
        return {ok: false, reason: `the chain ends at the self-signed "${commonName(current)}" (sha256 ${sha256Hex(current)}), which is not ${names}`, path}
      }
      return {ok: false, reason: `no issuer for "${commonName(current)}" (issued by "${commonName(current, 'issuer')}"): the chain is incomplete or leads to a root other than ${names}`, path}
    }
    if (!current.verify(issuer.publicKey)) return {ok: false, reason: `the signature on "${commonName(current)}" by "${commonName(issuer)}" is invalid: the certificate was altered or not issued by it`, path}
    if (!issuer.ca) return {ok: false, reason: `"${commonName(issuer)}" signs "${commonName(current)}" but is not a CA certificate`, path}
    pool.splice(pool.indexOf(issuer), 1)
    path.push(issuer)
  }
  return {ok: false, reason: 'the certificate chain is too long', path}
}

export function outsideValidity(cert: X509Certificate, at: Date): string | undefined {
  const {notBefore, notAfter} = validity(cert)
  if (at < notBefore) return `"${commonName(cert)}" is not valid before ${notBefore.toISOString()} (checked at ${at.toISOString()})`
  if (at > notAfter) return `"${commonName(cert)}" expired at ${notAfter.toISOString()} (checked at ${at.toISOString()})`
  return undefined
}

export function chainEvidence(path: readonly X509Certificate[]): Record<string, string> {
  return Object.fromEntries(path.map((c, i) => [`cert${i}`, `${commonName(c)} (sha256 ${sha256Hex(c)}, valid to ${validity(c).notAfter.toISOString()})`]))
}
