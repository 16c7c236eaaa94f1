import {X509Certificate, verify} from 'node:crypto'

import {EvidenceError, equalBytes} from './bytes.js'
import {Tag, children, contextTag, expectTag, integerHex, readOid, readTime, readTlv} from './der.js'
import {commonName, subjectDer} from './x509.js'

/** A parsed X.509 CRL: enough to check who signed it, when it is current, and whom it revokes. */
export interface Crl {
  issuer: Uint8Array
  thisUpdate: Date
  nextUpdate?: Date
  /** Revoked serial numbers, lower-case hex without leading zeros. */
  revoked: Set<string>
  tbs: Uint8Array
  algorithm: string
  signature: Uint8Array
}

/** Intel signs its CRLs with ECDSA; RSA-PSS (AMD's KDS CRLs) is not supported yet. */
const HASH_BY_OID: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
}

export function parseCrl(der: Uint8Array, what = 'CRL'): Crl {
  try {
    const [tbsTlv, algTlv, sigTlv] = children(expectTag(readTlv(der), Tag.sequence, what))
    const fields = children(expectTag(tbsTlv, Tag.sequence, `${what} body`))
    let i = fields[0].tag === Tag.integer ? 1 : 0
    i++ // the inner signature algorithm repeats the outer one
    const issuer = fields[i++].raw
    const thisUpdate = readTime(fields[i++])
    let nextUpdate: Date | undefined
    if (fields[i] && (fields[i].tag === Tag.utcTime || fields[i].tag === Tag.generalizedTime)) nextUpdate = readTime(fields[i++])
    const revoked = new Set<string>()
    if (fields[i] && fields[i].tag === Tag.sequence) {
      for (const entry of children(fields[i])) revoked.add(integerHex(children(entry)[0]))
      i++
    }
    if (fields[i] && fields[i].tag !== contextTag(0, true)) throw new EvidenceError(`${what} has an unexpected field`)
    const bits = expectTag(sigTlv, Tag.bitString, `${what} signature`).value
    return {issuer, thisUpdate, nextUpdate, revoked, tbs: tbsTlv.raw, algorithm: readOid(children(algTlv)[0]), signature: bits.subarray(1)}
  } catch (error) {
    if (error instanceof EvidenceError) throw new EvidenceError(`${what} is malformed: ${error.message}`)
    throw error
  }
}

/** Why the CRL cannot be relied on at `at` when issued by `issuer`, or undefined when it can. */
export function crlProblem(crl: Crl, issuer: X509Certificate, at: Date, what = 'CRL'): string | undefined {
  if (!equalBytes(crl.issuer, subjectDer(issuer))) return `the ${what} is not issued by "${commonName(issuer)}"`
  const hash = HASH_BY_OID[crl.algorithm]
  if (!hash) return `the ${what} uses an unsupported signature algorithm ${crl.algorithm}`
  if (!verify(hash, crl.tbs, issuer.publicKey, crl.signature)) return `the ${what} signature by "${commonName(issuer)}" is invalid: the CRL was altered`
  if (at < crl.thisUpdate) return `the ${what} is not valid before ${crl.thisUpdate.toISOString()} (checked at ${at.toISOString()})`
  if (crl.nextUpdate && at >= crl.nextUpdate) return `the ${what} expired at ${crl.nextUpdate.toISOString()} (checked at ${at.toISOString()}): fetch a fresh one`
  return undefined
}

export function serialHex(cert: X509Certificate): string {
  const hex = cert.serialNumber.toLowerCase().replace(/^0+/, '')
  return hex === '' ? '0' : hex
}

export function isRevoked(crl: Crl, cert: X509Certificate): boolean {
  return crl.revoked.has(serialHex(cert))
}
