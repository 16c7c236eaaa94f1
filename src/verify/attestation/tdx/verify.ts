import {X509Certificate, createHash, createPublicKey, verify} from 'node:crypto'

import {describeError, equalBytes, isZero, toHex} from '../bytes.js'
import {type Check, type Verdict, fail, guarded, pass, skip, verdict} from '../verdict.js'
import {chainEvidence, parseCertificates, verifyChain} from '../x509.js'
import type {TdxCollateral} from './collateral.js'
import {crlCheck, qeIdentityCheck, tcbInfoCheck} from './collateral-checks.js'
import {type PckInfo, intelRoot, readPckInfo} from './pck.js'
import {type TdxQuote, parseTdxQuote, tdDebug} from './quote.js'
import {type TcbStatus, combine, moduleTcb, platformTcb} from './tcb.js'

export interface TdxExpected {
  mrTd?: Uint8Array
  mrConfigId?: Uint8Array
  mrOwner?: Uint8Array
  mrOwnerConfig?: Uint8Array
  rtmrs?: Array<Uint8Array | undefined>
}

export interface TdxVerifyOptions {
  /** Intel's collateral for this platform (see CollateralSource); without it the TCB cannot be judged. */
  collateral?: TdxCollateral
  at?: Date
  expectedReportData?: Uint8Array
  expected?: TdxExpected
  /** TCB statuses that pass; the default takes only a platform with nothing left to patch or configure. */
  acceptTcbStatuses?: readonly TcbStatus[]
  allowDebug?: boolean
}

export interface TdxVerdict extends Verdict {
  quote?: TdxQuote
  pck?: PckInfo
  tcbStatus?: TcbStatus
}

export const DEFAULT_ACCEPTED_TCB: readonly TcbStatus[] = ['UpToDate', 'SWHardeningNeeded']

export function verifyTdxQuote(bytes: Uint8Array, options: TdxVerifyOptions = {}): TdxVerdict {
  const at = options.at ?? new Date()
  let quote: TdxQuote
  let pckCerts: X509Certificate[]
  let pck: PckInfo
  try {
    quote = parseTdxQuote(bytes)
    pckCerts = parseCertificates(quote.pckChainPem, 'the PCK chain in the quote')
    pck = readPckInfo(pckCerts[0])
  } catch (error) {
    return verdict([fail('tdx.parse', describeError(error))])
  }
  const checks: Check[] = [pass('tdx.parse', `TDX quote v${quote.version} (${quote.bodyType === 3 ? 'TDX 1.5' : 'TDX 1.0'} body)`, quoteEvidence(quote, pck))]
  const chain = verifyChain(pckCerts, [intelRoot()], at, 'the pinned Intel SGX Root CA')
  checks.push(
    chain.ok
      ? pass('tdx.pck_chain', `the PCK certificate chains to Intel's pinned SGX Root CA at ${at.toISOString()}`, chainEvidence(chain.path))
      : fail('tdx.pck_chain', `the PCK certificate does not chain to Intel: ${chain.reason}`, chainEvidence(chain.path)),
  )
  checks.push(
    ...guarded('tdx.qe_report_signature', () =>
      verify('sha256', quote.qeReport.bytes, {key: pckCerts[0].publicKey, dsaEncoding: 'ieee-p1363'}, quote.qeReportSignature)
        ? pass('tdx.qe_report_signature', "the quoting enclave's report is signed by the platform's PCK key")
        : fail('tdx.qe_report_signature', "the quoting enclave's report is not signed by this PCK key: the QE report was altered or comes from another platform"),
    ),
  )
  checks.push(bindingCheck(quote))
  checks.push(...guarded('tdx.quote_signature', () => quoteSignatureCheck(quote)))
  checks.push(...guarded('tdx.collateral', () => collateralChecks(quote, pck, chain.ok ? chain.path : pckCerts, options, at)))
  checks.push(
    !tdDebug(quote.body) || options.allowDebug
      ? pass('tdx.td_attributes', tdDebug(quote.body) ? 'the TD is a debug TD (accepted because debug was allowed explicitly)' : 'the TD is not a debug TD', {td_attributes: toHex(quote.body.tdAttributes)})
      : fail('tdx.td_attributes', 'the TD is a debug TD (TD_ATTRIBUTES.DEBUG): the host can read and change its memory, so nothing in it is confidential', {td_attributes: toHex(quote.body.tdAttributes)}),
  )
  checks.push(nonceCheck(quote, options.expectedReportData))
  checks.push(measurementCheck(quote, options.expected))
  const tcbStatus = checks.find((c) => c.check === 'tdx.tcb_status')?.evidence?.status as TcbStatus | undefined
  return {...verdict(checks), quote, pck, tcbStatus}
}

/** The QE vouches for the attestation key by putting SHA-256(key ‖ auth data) in its report data. */
function bindingCheck(quote: TdxQuote): Check {
  const digest = createHash('sha256').update(quote.attestationKey).update(quote.qeAuthData).digest()
  const bound = equalBytes(quote.qeReport.reportData.subarray(0, 32), digest) && isZero(quote.qeReport.reportData.subarray(32))
  return bound
    ? pass('tdx.attestation_key_binding', 'the attestation key is the one the quoting enclave certified')
    : fail('tdx.attestation_key_binding', 'the QE report does not certify this attestation key (SHA-256(key ‖ auth data) ≠ QE report data): the key was swapped')
}

function quoteSignatureCheck(quote: TdxQuote): Check {
  let key
  try {
    const xy = Buffer.from(quote.attestationKey)
    key = createPublicKey({key: {kty: 'EC', crv: 'P-256', x: xy.subarray(0, 32).toString('base64url'), y: xy.subarray(32).toString('base64url')}, format: 'jwk'})
  } catch {
    return fail('tdx.quote_signature', 'the attestation key in the quote is not a valid P-256 public key')
  }
  return verify('sha256', quote.signedBytes, {key, dsaEncoding: 'ieee-p1363'}, quote.signature)
    ? pass('tdx.quote_signature', 'the quote (header and TD report) is signed by the attestation key')
    : fail('tdx.quote_signature', 'the quote signature does not verify: the TD report or header was altered after signing')
}

function collateralChecks(quote: TdxQuote, pck: PckInfo, pckPath: X509Certificate[], options: TdxVerifyOptions, at: Date): Check[] {
  const c = options.collateral
  if (!c) {
    return [
      fail('tdx.collateral', `no Intel collateral for FMSPC ${pck.fmspc}: the TCB level, quoting enclave identity and revocation cannot be checked; give a collateral cache or allow the network`),
    ]
  }
  const checks: Check[] = [pass('tdx.collateral', `collateral given for FMSPC ${pck.fmspc}`)]
  const tcb = tcbInfoCheck(c, pck, at)
  const qe = qeIdentityCheck(c, quote.qeReport, at)
  checks.push(tcb.check, qe.check)
  checks.push(...guarded('tdx.crl', () => crlCheck(c, pckPath, [tcb.signer, qe.signer].filter((s): s is X509Certificate => s !== undefined), at)))
  if (!tcb.info) {
    checks.push(skip('tdx.tcb_status', 'not derived: the TCB info could not be used'))
    return checks
  }
  const platform = platformTcb(tcb.info, pck, quote.body)
  const module = moduleTcb(tcb.info, quote.body)
  if (!platform.status) return [...checks, fail('tdx.tcb_status', `${platform.detail}: its firmware/microcode is older than any level Intel still lists, so treat it as out of date`)]
  if (module.mismatch || !module.status) return [...checks, fail('tdx.tcb_status', module.detail)]
  let status = combine(platform.status, module.status)
  if (qe.outcome?.status) status = combine(status, qe.outcome.status)
  const advisories = [...new Set([...platform.advisories, ...module.advisories, ...(qe.outcome?.advisories ?? [])])]
  const evidence = {status, advisories: advisories.join(',') || 'none', platform: platform.detail, module: module.detail}
  const accepted = options.acceptTcbStatuses ?? DEFAULT_ACCEPTED_TCB
  const text = `TCB status ${status}${advisories.length ? ` (advisories ${advisories.join(', ')})` : ''}`
  if (accepted.includes(status)) return [...checks, pass('tdx.tcb_status', text, evidence)]
  return [...checks, fail('tdx.tcb_status', `${text}: the provider must update the platform's firmware/microcode or configuration`, evidence)]
}

function nonceCheck(quote: TdxQuote, expected: Uint8Array | undefined): Check {
  const evidence = {actual: toHex(quote.body.reportData)}
  if (!expected) return skip('tdx.nonce', 'no expected REPORT_DATA given; reported as evidence only', evidence)
  return equalBytes(quote.body.reportData, expected)
    ? pass('tdx.nonce', 'REPORT_DATA matches the expected value', evidence)
    : fail('tdx.nonce', 'REPORT_DATA does not match the nonce sent with the request (the quote may be replayed or belong to another request)', {...evidence, expected: toHex(expected)})
}

function measurementCheck(quote: TdxQuote, expected: TdxExpected | undefined): Check {
  const b = quote.body
  const pairs: Array<[string, Uint8Array, Uint8Array | undefined]> = [
    ['MRTD', b.mrTd, expected?.mrTd],
    ['MRCONFIGID', b.mrConfigId, expected?.mrConfigId],
    ['MROWNER', b.mrOwner, expected?.mrOwner],
    ['MROWNERCONFIG', b.mrOwnerConfig, expected?.mrOwnerConfig],
    ...b.rtmrs.map((r, i): [string, Uint8Array, Uint8Array | undefined] => [`RTMR${i}`, r, expected?.rtmrs?.[i]]),
  ]
  const given = pairs.filter(([, , e]) => e !== undefined)
  const evidence = Object.fromEntries(pairs.map(([name, actual]) => [name.toLowerCase(), toHex(actual)]))
  if (given.length === 0) return skip('tdx.measurement', 'no reference measurements given; MRTD and RTMRs are reported as evidence only', evidence)
  const wrong = given.filter(([, actual, e]) => !equalBytes(actual, e as Uint8Array)).map(([name]) => name)
  if (wrong.length > 0) return fail('tdx.measurement', `${wrong.join(', ')} ${wrong.length > 1 ? 'do' : 'does'} not match the reference: the TD runs other firmware, kernel or configuration than expected`, evidence)
  return pass('tdx.measurement', `${given.map(([n]) => n).join(', ')} match the reference`, evidence)
}

function quoteEvidence(q: TdxQuote, pck: PckInfo): Record<string, string> {
  const b = q.body
  return {
    version: String(q.version),
    qe_vendor_id: toHex(q.qeVendorId),
    tee_tcb_svn: toHex(b.teeTcbSvn),
    mrseam: toHex(b.mrSeam),
    td_attributes: toHex(b.tdAttributes),
    xfam: toHex(b.xfam),
    mrtd: toHex(b.mrTd),
    mrconfigid: toHex(b.mrConfigId),
    report_data: toHex(b.reportData),
    fmspc: pck.fmspc,
    pce_svn: String(pck.pceSvn),
    pck_issuer: pck.ca,
    ...(q.trailingBytes ? {trailing_bytes: String(q.trailingBytes)} : {}),
  }
}

/** Which collateral a quote needs (its FMSPC and PCK CA), to ask a CollateralSource before verifying. */
export function tdxCollateralQuery(bytes: Uint8Array): {fmspc: string; ca: 'platform' | 'processor'} | undefined {
  try {
    const pck = readPckInfo(parseCertificates(parseTdxQuote(bytes).pckChainPem, 'the PCK chain')[0])
    return {fmspc: pck.fmspc, ca: pck.ca}
  } catch {
    return undefined
  }
}
