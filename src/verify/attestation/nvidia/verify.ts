import {X509Certificate, verify} from 'node:crypto'

import {EvidenceError, describeError, equalBytes, toHex} from '../bytes.js'
import {Tag, children, descendants, readOid, readString, readTlv} from '../der.js'
import {type Check, type Verdict, fail, guarded, pass, skip, verdict} from '../verdict.js'
import {chainEvidence, commonName, extensionValue, parseCertificates, sha256Hex, verifyChain} from '../x509.js'
import {NVIDIA_DEVICE_IDENTITY_CA} from './nvidia-root.js'
import {type GpuEvidence, OpaqueType, gpuFacts, parseGpuEvidence} from './spdm.js'

/** TCG DICE TcbInfo: the leaf certificate names the firmware (FWID) that holds its key. */
const DICE_TCB_INFO = '2.23.133.5.4.1'
const SUBJECT_ALT_NAME = '2.5.29.17'
const HASH_OIDS = new Set(['2.16.840.1.101.3.4.2.1', '2.16.840.1.101.3.4.2.2', '2.16.840.1.101.3.4.2.3'])

export interface GpuVerifyOptions {
  at?: Date
  /** The 32-byte nonce the GPU must have signed (on Akash: the first 32 bytes of REPORT_DATA). */
  expectedNonce?: Uint8Array
}

/**
 * A second opinion from a remote service (NVIDIA NRAS, which also checks OCSP and reference
 * measurements). Not implemented here; the local checks need no network. An appraiser returns
 * `gpu.remote` checks.
 */
export interface RemoteGpuAppraiser {
  appraise(evidence: Uint8Array, certChainPem: string, nonce: Uint8Array): Promise<Check[]>
}

export interface GpuVerdict extends Verdict {
  evidence?: GpuEvidence
  /** e.g. NVIDIA:GH100:48B02D92494BADF4, from the leaf certificate. */
  deviceId?: string
}

export function verifyGpuEvidence(evidenceBytes: Uint8Array, certChain: string | Uint8Array, options: GpuVerifyOptions = {}): GpuVerdict {
  const at = options.at ?? new Date()
  let evidence: GpuEvidence
  let certs: X509Certificate[]
  try {
    evidence = parseGpuEvidence(evidenceBytes)
    certs = parseCertificates(certChain, 'the GPU certificate chain')
  } catch (error) {
    return verdict([fail('gpu.parse', describeError(error))])
  }
  const deviceId = deviceIdOf(certs[0])
  const facts = {...gpuFacts(evidence), ...(deviceId ? {device_id: deviceId} : {}), ...(evidence.trailingBytes ? {trailing_bytes: String(evidence.trailingBytes)} : {})}
  const checks: Check[] = [pass('gpu.parse', `SPDM ${evidence.spdmVersion === 0x11 ? '1.1' : '1.2'} measurements from ${deviceId ?? commonName(certs[0])}`, facts)]
  checks.push(...guarded('gpu.chain', () => chainCheck(certs, at)))
  checks.push(
    ...guarded('gpu.signature', () =>
      verify('sha384', evidence.signedBytes, {key: certs[0].publicKey, dsaEncoding: 'ieee-p1363'}, evidence.signature)
        ? pass('gpu.signature', "the measurements are signed by the GPU's attestation key (ECDSA P-384)")
        : fail('gpu.signature', "the measurement signature does not verify with the leaf certificate's key: the evidence was altered, or the chain belongs to another GPU"),
    ),
  )
  checks.push(...guarded('gpu.fwid', () => fwidCheck(certs[0], evidence)))
  checks.push(nonceCheck(evidence, options.expectedNonce))
  return {...verdict(checks), evidence, deviceId}
}

let root: X509Certificate | undefined

export function nvidiaRoot(): X509Certificate {
  if (!root) {
    const cert = new X509Certificate(NVIDIA_DEVICE_IDENTITY_CA.pem)
    if (sha256Hex(cert) !== NVIDIA_DEVICE_IDENTITY_CA.sha256) throw new EvidenceError('the pinned NVIDIA Device Identity CA does not match its fingerprint')
    root = cert
  }
  return root
}

function chainCheck(certs: X509Certificate[], at: Date): Check {
  if (certs[0].ca) {
    return fail('gpu.chain', `the chain starts with the CA "${commonName(certs[0])}", not the GPU's attestation leaf: the signing certificate is missing`)
  }
  const result = verifyChain(certs, [nvidiaRoot()], at, "NVIDIA's pinned Device Identity CA")
  return result.ok
    ? pass('gpu.chain', `the device certificate chains to NVIDIA's pinned Device Identity CA (${result.path.length} certificates)`, chainEvidence(result.path))
    : fail('gpu.chain', `the GPU certificate chain does not reach NVIDIA: ${result.reason}`, chainEvidence(result.path))
}

/** The firmware that signed must be the firmware the leaf certificate was issued to. */
function fwidCheck(leaf: X509Certificate, evidence: GpuEvidence): Check {
  const reported = evidence.opaque.get(OpaqueType.fwid)
  let certified: Uint8Array[]
  try {
    certified = certificateFwids(leaf)
  } catch (error) {
    return fail('gpu.fwid', `the leaf certificate's DICE TcbInfo extension is malformed: ${describeError(error)}`)
  }
  if (!reported) return skip('gpu.fwid', 'the evidence carries no FWID field; the firmware binding was not checked')
  if (certified.length === 0) return fail('gpu.fwid', 'the leaf certificate names no firmware (no DICE TcbInfo FWID), so the signing firmware cannot be bound to it')
  return certified.some((f) => equalBytes(f, reported))
    ? pass('gpu.fwid', 'the FWID in the evidence matches the firmware the leaf certificate was issued to', {fwid: toHex(reported)})
    : fail('gpu.fwid', 'the FWID in the evidence differs from the one in the leaf certificate: the evidence and the certificate come from different firmware', {evidence_fwid: toHex(reported), certificate_fwids: certified.map(toHex).join(',')})
}

function certificateFwids(leaf: X509Certificate): Uint8Array[] {
  const value = extensionValue(leaf, DICE_TCB_INFO)
  if (!value) return []
  return descendants(readTlv(value)).flatMap((t) => {
    if (t.tag !== Tag.sequence) return []
    const parts = children(t)
    return parts.length === 2 && parts[0].tag === Tag.oid && HASH_OIDS.has(readOid(parts[0])) && parts[1].tag === Tag.octetString ? [parts[1].value] : []
  })
}

function deviceIdOf(leaf: X509Certificate): string | undefined {
  try {
    const san = extensionValue(leaf, SUBJECT_ALT_NAME)
    if (!san) return undefined
    const strings = descendants(readTlv(san)).filter((t) => t.tag === Tag.utf8String || t.tag === Tag.ia5String || t.tag === Tag.printableString)
    return strings.map(readString).find((s) => s.startsWith('NVIDIA:')) ?? strings.map(readString)[0]
  } catch {
    return undefined
  }
}

function nonceCheck(evidence: GpuEvidence, expected: Uint8Array | undefined): Check {
  const actual = {nonce: toHex(evidence.nonce)}
  if (!expected) return skip('gpu.nonce', 'no expected nonce given; reported as evidence only', actual)
  return equalBytes(evidence.nonce, expected)
    ? pass('gpu.nonce', 'the GPU signed the expected nonce', actual)
    : fail('gpu.nonce', 'the GPU signed another nonce than the one sent with this request (replayed or foreign evidence)', {...actual, expected: toHex(expected)})
}
