/**
 * `ParseAndValidateCertificate` (pkg.akt.dev/go/node/cert/v1/cert.go) on node:crypto: the public
 * key must be a PEM "EC PUBLIC KEY" (PKIX, ECDSA), the certificate a PEM "CERTIFICATE" whose
 * signature verifies with that key over SHA-256 of its TBS part, and whose subject CN is the owner.
 */
import {createPublicKey, type KeyObject, verify, X509Certificate} from 'node:crypto'

import {decodeAddress} from '../common/address.js'
import {plainError} from '../common/errors.js'
import {CertErr} from './errors.js'

export const PEM_CERTIFICATE = 'CERTIFICATE'
export const PEM_EC_PUBLIC_KEY = 'EC PUBLIC KEY'

/** Go's `pem.Decode`: the first block and whatever follows its END line. */
export function pemDecode(data: Uint8Array): {type: string; der: Uint8Array; rest: string} | undefined {
  const text = Buffer.from(data).toString('latin1')
  const match = /(?:^|\n)-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n([\s\S]*?)-----END \1-----[ \t]*(?:\r?\n)?/.exec(text)
  if (!match) return undefined
  const body = match[2].replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return undefined
  const rest = text.slice(match.index + match[0].length)
  return {type: match[1], der: new Uint8Array(Buffer.from(body, 'base64')), rest}
}

/** Reads one DER TLV at `offset`: where its whole encoding ends and where its content starts. */
function readTlv(der: Uint8Array, offset: number): {start: number; contentStart: number; end: number} {
  if (offset + 2 > der.length) throw new Error('truncated')
  let len = der[offset + 1]
  let contentStart = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || contentStart + n > der.length) throw new Error('bad length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + der[contentStart + i]
    contentStart += n
  }
  const end = contentStart + len
  if (end > der.length) throw new Error('truncated')
  return {start: offset, contentStart, end}
}

/** Splits a certificate into its raw TBS bytes and signature (BIT STRING content). */
function splitCertificate(der: Uint8Array): {tbs: Uint8Array; signature: Uint8Array} {
  const outer = readTlv(der, 0)
  const tbs = readTlv(der, outer.contentStart)
  const alg = readTlv(der, tbs.end)
  const sig = readTlv(der, alg.end)
  if (der[sig.start] !== 0x03) throw new Error('signature is not a BIT STRING')
  // The first content byte of a BIT STRING counts unused bits.
  return {tbs: der.slice(tbs.start, tbs.end), signature: der.slice(sig.contentStart + 1, sig.end)}
}

function commonName(subject: string): string {
  let cn = ''
  for (const line of subject.split('\n')) if (line.startsWith('CN=')) cn = line.slice(3)
  return cn
}

/** Validates the pair; returns the certificate serial number. Throws the chain's errors. */
export function parseAndValidateCertificate(owner: string, crt: Uint8Array, pub: Uint8Array): bigint {
  const pubBlock = pemDecode(pub)
  if (!pubBlock || pubBlock.rest.length > 0) throw CertErr.invalidPubkeyValue()
  if (pubBlock.type !== PEM_EC_PUBLIC_KEY) throw CertErr.invalidPubkeyValue.with('invalid pem block type')
  let key: KeyObject
  try {
    key = createPublicKey({key: Buffer.from(pubBlock.der), format: 'der', type: 'spki'})
  } catch (err) {
    throw CertErr.invalidPubkeyValue.with(`x509: ${(err as Error).message}`)
  }
  if (key.asymmetricKeyType !== 'ec') throw CertErr.invalidPubkeyValue.with('invalid public key type')

  const certBlock = pemDecode(crt)
  if (!certBlock || certBlock.rest.length > 0) throw CertErr.invalidCertificateValue()
  if (certBlock.type !== PEM_CERTIFICATE) throw CertErr.invalidCertificateValue.with('invalid pem block type')

  let cert: X509Certificate
  let parts: {tbs: Uint8Array; signature: Uint8Array}
  try {
    cert = new X509Certificate(Buffer.from(certBlock.der))
    parts = splitCertificate(certBlock.der)
  } catch (err) {
    // x509.ParseCertificate's error is a plain Go error.
    throw plainError(`x509: malformed certificate: ${(err as Error).message}`)
  }

  const ok = verify('sha256', parts.tbs, {key, dsaEncoding: 'der'}, parts.signature)
  if (!ok) throw CertErr.invalidCertificateValue.with('invalid certificate signature')

  const cn = commonName(cert.subject)
  const decoded = decodeAddress(cn)
  if ('error' in decoded) throw CertErr.invalidCertificateValue.with(decoded.error)
  const ownerBytes = decodeAddress(owner)
  if (!('bytes' in ownerBytes) || Buffer.compare(Buffer.from(ownerBytes.bytes), Buffer.from(decoded.bytes)) !== 0) {
    throw CertErr.invalidCertificateValue.with('CommonName does not match owner')
  }
  return BigInt(`0x${cert.serialNumber}`)
}
