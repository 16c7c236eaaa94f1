import {X509Certificate, verify} from 'node:crypto'

import {describeError, equalBytes, isZero, toHex} from '../bytes.js'
import {type Check, type Verdict, fail, guarded, pass, skip, verdict} from '../verdict.js'
import {chainEvidence, parseCertificates, verifyChain} from '../x509.js'
import {type AmdProduct, type SnpReport, SNP_SIGNED_END, debugAllowed, decodeTcb, parseSnpReport, productFromCpuid, tcbText} from './report.js'
import {type AmdKeyCertificate, amdRoots, amdSigningKeys, readAmdKeyCertificate} from './vcek.js'

export interface SnpVerifyOptions {
  /**
   * The VCEK or VLEK (DER or PEM), first, then any ASK/ASVK/ARK that came with it. The bundled
   * ASKs are used when none is given; the pinned ARKs are the only trust anchors either way.
   */
  certificates?: Array<string | Uint8Array>
  /** When to judge certificate validity; verifying old evidence needs a time inside its windows. */
  at?: Date
  /** The 64 bytes REPORT_DATA must hold (the tenant's nonce, or its TLS binding). */
  expectedReportData?: Uint8Array
  expectedMeasurement?: Uint8Array
  expectedHostData?: Uint8Array
  /** A debug guest lets the host read its memory; refused unless the caller says otherwise. */
  allowDebug?: boolean
}

export interface SnpVerdict extends Verdict {
  report?: SnpReport
  product?: AmdProduct
}

export function verifySnpReport(bytes: Uint8Array, options: SnpVerifyOptions = {}): SnpVerdict {
  let report: SnpReport
  try {
    report = parseSnpReport(bytes)
  } catch (error) {
    return verdict([fail('snp.parse', describeError(error))])
  }
  const checks: Check[] = [pass('snp.parse', `SEV-SNP report v${report.version}`, reportEvidence(report))]
  let key: AmdKeyCertificate | undefined
  let certs: X509Certificate[] = []
  try {
    certs = (options.certificates ?? []).flatMap((c, i) => parseCertificates(c, i === 0 ? 'the VCEK/VLEK' : `certificate ${i + 1}`))
    if (certs.length > 0) key = readAmdKeyCertificate(certs[0])
  } catch (error) {
    checks.push(fail('snp.signing_key', describeError(error)))
  }
  const product = key?.product ?? productFromCpuid(report)
  const at = options.at ?? new Date()
  if (!checks.some((c) => c.status === 'fail')) checks.push(signingKeyCheck(report, key))
  if (key) {
    checks.push(...guarded('snp.chain', () => chainCheck(key, certs.slice(1), at)))
    checks.push(...guarded('snp.chip_id', () => chipIdCheck(report, key)))
    checks.push(...guarded('snp.tcb', () => tcbCheck(report, key, product)))
    checks.push(...guarded('snp.signature', () => signatureCheck(report, key)))
  }
  checks.push(
    isZero(report.unsignedPadding)
      ? pass('snp.unsigned_bytes', 'the bytes outside the signature (r/s padding, reserved tail) are zero')
      : fail('snp.unsigned_bytes', 'bytes outside the signed range and the signature are not zero: someone appended data the firmware did not sign'),
  )
  checks.push(policyCheck(report, options.allowDebug ?? false))
  checks.push(compare('snp.nonce', 'REPORT_DATA', report.reportData, options.expectedReportData, 'the nonce sent with the request (the report may be replayed or belong to another request)'))
  checks.push(compare('snp.measurement', 'MEASUREMENT (launch digest)', report.measurement, options.expectedMeasurement, 'the reference measurement: the guest launched with other firmware, kernel or initrd than expected'))
  checks.push(compare('snp.host_data', 'HOST_DATA', report.hostData, options.expectedHostData, 'the expected HOST_DATA (e.g. the initdata digest): the guest policy/config differs'))
  return {...verdict(checks), report, product}
}

function signingKeyCheck(report: SnpReport, key: AmdKeyCertificate | undefined): Check {
  const expected = report.signingKey === 0 ? 'VCEK' : report.signingKey === 1 ? 'VLEK' : undefined
  if (!expected) return fail('snp.signing_key', `the report says it is not signed (key_info signing key ${report.signingKey}); nothing can vouch for it`)
  if (report.signatureAlgorithm !== 1) return fail('snp.signing_key', `unknown signature algorithm ${report.signatureAlgorithm} (expected 1, ECDSA P-384 with SHA-384)`)
  if (!key) {
    return fail('snp.signing_key', `the report is signed by a ${expected} but none was given: fetch it from AMD KDS (the Akash sidecar sends an empty cert_chain) and verify again`)
  }
  if (key.kind !== expected) return fail('snp.signing_key', `the report is signed by a ${expected} but the certificate given is a ${key.kind}`)
  return pass('snp.signing_key', `signed by a ${expected}${key.cspId ? ` issued to ${key.cspId}` : ''}`, {kind: expected, ...(key.product ? {product: key.product} : {})})
}

function chainCheck(key: AmdKeyCertificate, extra: X509Certificate[], at: Date): Check {
  const result = verifyChain([key.cert, ...extra, ...amdSigningKeys()], amdRoots(), at, "AMD's pinned ARK (Milan, Genoa or Turin)")
  const evidence = chainEvidence(result.path)
  if (!result.ok) return fail('snp.chain', `the ${key.kind} does not chain to AMD: ${result.reason}`, evidence)
  return pass('snp.chain', `${key.kind} → ${key.kind === 'VLEK' ? 'ASVK' : 'ASK'} → ARK chain verifies to AMD's pinned root at ${at.toISOString()}`, evidence)
}

function chipIdCheck(report: SnpReport, key: AmdKeyCertificate): Check {
  if (key.kind === 'VLEK') return skip('snp.chip_id', 'a VLEK is not bound to one chip; CHIP_ID is not compared')
  if (!key.hwid) return fail('snp.chip_id', 'the VCEK has no hardware ID extension to compare with CHIP_ID')
  if (report.chipIdMasked) return skip('snp.chip_id', 'the guest masked CHIP_ID (key_info MASK_CHIP_ID); it cannot be compared')
  // Turin VCEKs carry only the first 8 bytes of the chip ID.
  if (key.hwid.length !== 64 && key.hwid.length !== 8) return fail('snp.chip_id', `the VCEK hardware ID has an unexpected length (${key.hwid.length} bytes)`)
  if (!equalBytes(report.chipId.subarray(0, key.hwid.length), key.hwid)) {
    return fail('snp.chip_id', 'the VCEK belongs to another chip than the one in the report (hardware ID ≠ CHIP_ID)', {vcek_hwid: toHex(key.hwid), chip_id: toHex(report.chipId)})
  }
  return pass('snp.chip_id', 'the VCEK was issued for the chip named in the report', {chip_id: toHex(report.chipId)})
}

/** The VCEK is derived from the chip and its REPORTED_TCB; a VCEK for other levels means the wrong key. */
function tcbCheck(report: SnpReport, key: AmdKeyCertificate, product: AmdProduct | undefined): Check {
  const tcb = decodeTcb(report.reportedTcb, product)
  const pairs: Array<[string, number | undefined, number | undefined]> = [
    ['bootloader', key.spl.bootloader, tcb.bootloader],
    ['tee', key.spl.tee, tcb.tee],
    ['snp', key.spl.snp, tcb.snp],
    ['microcode', key.spl.microcode, tcb.microcode],
    ['fmc', key.spl.fmc, tcb.fmc],
  ]
  const present = pairs.filter(([, cert]) => cert !== undefined)
  const evidence = {reported_tcb: tcbText(tcb), current_tcb: tcbText(decodeTcb(report.currentTcb, product))}
  if (present.length === 0) return skip('snp.tcb', `the ${key.kind} carries no TCB extensions to compare`, evidence)
  const diff = present.filter(([, cert, rep]) => cert !== rep)
  if (diff.length > 0) {
    const text = diff.map(([name, cert, rep]) => `${name} ${cert} in the ${key.kind} vs ${rep} reported`).join(', ')
    return fail('snp.tcb', `the ${key.kind} was issued for other firmware levels than REPORTED_TCB (${text}): fetch the ${key.kind} for the reported TCB`, evidence)
  }
  return pass('snp.tcb', `the ${key.kind} matches REPORTED_TCB (${tcbText(tcb)})`, evidence)
}

function signatureCheck(report: SnpReport, key: AmdKeyCertificate): Check {
  const ok = verify('sha384', report.bytes.subarray(0, SNP_SIGNED_END), {key: key.cert.publicKey, dsaEncoding: 'ieee-p1363'}, report.signature)
  return ok
    ? pass('snp.signature', `the report is signed by this ${key.kind} (ECDSA P-384)`)
    : fail('snp.signature', `the report signature does not verify with this ${key.kind}: the report was altered, or the ${key.kind} belongs to another chip or TCB`)
}

function policyCheck(report: SnpReport, allowDebug: boolean): Check {
  const evidence = {policy: `0x${report.policy.toString(16)}`, vmpl: String(report.vmpl)}
  if (!debugAllowed(report)) return pass('snp.policy', 'the guest policy forbids debugging', evidence)
  if (allowDebug) return pass('snp.policy', 'the guest policy allows debugging (accepted because debug was allowed explicitly)', evidence)
  return fail('snp.policy', 'the guest policy allows debugging (policy bit 19): the host can read and change the guest memory, so nothing in it is confidential', evidence)
}

function compare(check: 'snp.nonce' | 'snp.measurement' | 'snp.host_data', field: string, actual: Uint8Array, expected: Uint8Array | undefined, meaning: string): Check {
  const evidence = {actual: toHex(actual)}
  if (!expected) return skip(check, `no expected ${field} given; reported as evidence only`, evidence)
  if (equalBytes(actual, expected)) return pass(check, `${field} matches the expected value`, evidence)
  return fail(check, `${field} does not match ${meaning}`, {...evidence, expected: toHex(expected)})
}

function reportEvidence(r: SnpReport): Record<string, string> {
  const product = productFromCpuid(r)
  return {
    version: String(r.version),
    policy: `0x${r.policy.toString(16)}`,
    vmpl: String(r.vmpl),
    signing_key: r.signingKey === 0 ? 'VCEK' : r.signingKey === 1 ? 'VLEK' : `none (${r.signingKey})`,
    reported_tcb: toHex(r.reportedTcb),
    current_tcb: toHex(r.currentTcb),
    firmware: `${r.firmware.major}.${r.firmware.minor} build ${r.firmware.build}`,
    measurement: toHex(r.measurement),
    host_data: toHex(r.hostData),
    report_data: toHex(r.reportData),
    chip_id: toHex(r.chipId),
    guest_svn: String(r.guestSvn),
    ...(product ? {product} : {}),
  }
}
