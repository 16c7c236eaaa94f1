import {toHex} from '../bytes.js'
import type {PckInfo} from './pck.js'
import type {QeReport, TdReportBody} from './quote.js'

/** Intel's TCB statuses, from best to worst. */
export type TcbStatus =
  | 'UpToDate'
  | 'SWHardeningNeeded'
  | 'ConfigurationNeeded'
  | 'ConfigurationAndSWHardeningNeeded'
  | 'OutOfDate'
  | 'OutOfDateConfigurationNeeded'
  | 'Revoked'

const RANK: Record<TcbStatus, number> = {
  UpToDate: 0,
  SWHardeningNeeded: 1,
  ConfigurationNeeded: 2,
  ConfigurationAndSWHardeningNeeded: 3,
  OutOfDate: 4,
  OutOfDateConfigurationNeeded: 5,
  Revoked: 6,
}

interface Level<T> {
  tcb: T
  tcbDate: string
  tcbStatus: TcbStatus
  advisoryIDs?: string[]
}

/** TCB info v3 for TDX (Intel PCS `tdx/certification/v4/tcb`). */
export interface TcbInfo {
  id: string
  version: number
  issueDate: string
  nextUpdate: string
  fmspc: string
  pceId: string
  tcbEvaluationDataNumber: number
  tdxModule?: {mrsigner: string; attributes: string; attributesMask: string}
  tdxModuleIdentities?: Array<{id: string; mrsigner: string; attributes: string; attributesMask: string; tcbLevels: Array<Level<{isvsvn: number}>>}>
  tcbLevels: Array<Level<{sgxtcbcomponents: Array<{svn: number}>; pcesvn: number; tdxtcbcomponents?: Array<{svn: number}>}>>
}

/** QE identity v2 (Intel PCS `tdx/certification/v4/qe/identity`). */
export interface QeIdentity {
  id: string
  version: number
  issueDate: string
  nextUpdate: string
  tcbEvaluationDataNumber: number
  miscselect: string
  miscselectMask: string
  attributes: string
  attributesMask: string
  mrsigner: string
  isvprodid: number
  tcbLevels: Array<Level<{isvsvn: number}>>
}

export interface TcbOutcome {
  status?: TcbStatus
  advisories: string[]
  /** Why no status could be derived, or what decided it. */
  detail: string
}

/**
 * The first (newest) TCB level whose SGX components and PCE SVN the PCK certificate meets and
 * whose TDX components TEE_TCB_SVN meets. When the TDX module reports a major version
 * (TEE_TCB_SVN[1] > 0) its first two bytes are judged by the module identity instead.
 */
export function platformTcb(info: TcbInfo, pck: PckInfo, body: TdReportBody): TcbOutcome {
  const svn = body.teeTcbSvn
  const from = svn[1] > 0 ? 2 : 0
  for (const level of info.tcbLevels) {
    const sgx = level.tcb.sgxtcbcomponents.every((c, i) => pck.sgxTcbComponents[i] >= c.svn)
    const tdx = (level.tcb.tdxtcbcomponents ?? []).every((c, i) => i < from || svn[i] >= c.svn)
    if (sgx && pck.pceSvn >= level.tcb.pcesvn && tdx) {
      return {status: level.tcbStatus, advisories: level.advisoryIDs ?? [], detail: `TCB level of ${level.tcbDate}`}
    }
  }
  const lowest = info.tcbLevels[info.tcbLevels.length - 1]
  const below = lowest
    ? [
        ...lowest.tcb.sgxtcbcomponents.flatMap((c, i) => (pck.sgxTcbComponents[i] < c.svn ? [`SGX component ${i + 1} is ${pck.sgxTcbComponents[i]} (needs ≥ ${c.svn})`] : [])),
        ...(pck.pceSvn < lowest.tcb.pcesvn ? [`PCE SVN is ${pck.pceSvn} (needs ≥ ${lowest.tcb.pcesvn})`] : []),
        ...(lowest.tcb.tdxtcbcomponents ?? []).flatMap((c, i) => (i >= from && svn[i] < c.svn ? [`TDX component ${i + 1} is ${svn[i]} (needs ≥ ${c.svn})`] : [])),
      ]
    : []
  return {advisories: [], detail: `no TCB level in Intel's TCB info matches this platform${below.length ? ` (the oldest level needs more: ${below.join(', ')})` : ''}`}
}

/** The TDX module's own level, from the module identity named by TEE_TCB_SVN[1]. */
export function moduleTcb(info: TcbInfo, body: TdReportBody): TcbOutcome & {mismatch?: string} {
  const major = body.teeTcbSvn[1]
  if (major === 0) {
    const m = info.tdxModule
    if (m && !matchesMasked(body.mrSignerSeam, body.seamAttributes, m)) return {advisories: [], detail: 'the TDX module signer or attributes differ from the TCB info', mismatch: 'module'}
    return {status: 'UpToDate', advisories: [], detail: 'TDX module 0.x (judged by the TDX components)'}
  }
  const id = `TDX_${major.toString(16).padStart(2, '0').toUpperCase()}`
  const identity = info.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === id)
  if (!identity) return {advisories: [], detail: `the TCB info has no module identity ${id}`, mismatch: 'module'}
  if (!matchesMasked(body.mrSignerSeam, body.seamAttributes, identity)) return {advisories: [], detail: `the TDX module signer or attributes differ from ${id}`, mismatch: 'module'}
  const level = identity.tcbLevels.find((l) => body.teeTcbSvn[0] >= l.tcb.isvsvn)
  if (!level) return {advisories: [], detail: `TDX module ${id} SVN ${body.teeTcbSvn[0]} is below every level Intel lists`}
  return {status: level.tcbStatus, advisories: level.advisoryIDs ?? [], detail: `${id} SVN ${body.teeTcbSvn[0]} ≥ ${level.tcb.isvsvn}`}
}

function matchesMasked(mrSigner: Uint8Array, attributes: Uint8Array, expected: {mrsigner: string; attributes: string; attributesMask: string}): boolean {
  return toHex(mrSigner) === expected.mrsigner.toLowerCase() && masked(attributes, expected.attributesMask) === expected.attributes.toLowerCase()
}

function masked(value: Uint8Array, maskHex: string): string {
  const mask = Buffer.from(maskHex, 'hex')
  return toHex(value.map((b, i) => b & (mask[i] ?? 0)))
}

/**
 * Whether this QE report comes from Intel's TD quoting enclave, and at what level. MISCSELECT is
 * read from the JSON as a big-endian number and compared with the report's (little-endian) value.
 */
export function qeTcb(identity: QeIdentity, qe: QeReport): TcbOutcome & {mismatch?: string} {
  const miscMask = Buffer.from(identity.miscselectMask, 'hex').readUInt32BE(0)
  const miscExpected = Buffer.from(identity.miscselect, 'hex').readUInt32BE(0)
  if (toHex(qe.mrSigner) !== identity.mrsigner.toLowerCase()) return {advisories: [], detail: 'the quoting enclave is not signed by Intel (MRSIGNER differs)', mismatch: 'mrsigner'}
  if (qe.isvProdId !== identity.isvprodid) return {advisories: [], detail: `the quoting enclave's product id ${qe.isvProdId} is not ${identity.isvprodid}`, mismatch: 'isvprodid'}
  if (((qe.miscSelect & miscMask) >>> 0) !== miscExpected) return {advisories: [], detail: 'the quoting enclave MISCSELECT differs from the QE identity', mismatch: 'miscselect'}
  if (masked(qe.attributes, identity.attributesMask) !== identity.attributes.toLowerCase()) return {advisories: [], detail: 'the quoting enclave attributes differ from the QE identity (e.g. a debug enclave)', mismatch: 'attributes'}
  const level = identity.tcbLevels.find((l) => qe.isvSvn >= l.tcb.isvsvn)
  if (!level) return {advisories: [], detail: `the quoting enclave SVN ${qe.isvSvn} is below every level Intel lists`}
  return {status: level.tcbStatus, advisories: level.advisoryIDs ?? [], detail: `QE SVN ${qe.isvSvn} ≥ ${level.tcb.isvsvn}`}
}

/**
 * The worse of two statuses, except where Intel names the combination: out of date and needing
 * configuration, or needing both configuration and software hardening.
 */
export function combine(a: TcbStatus, b: TcbStatus): TcbStatus {
  const both = [a, b]
  if (both.includes('Revoked')) return 'Revoked'
  const outOfDate = both.some((s) => s.startsWith('OutOfDate'))
  const config = both.some((s) => s.includes('Configuration'))
  if (outOfDate && config) return 'OutOfDateConfigurationNeeded'
  if (!outOfDate && config && both.some((s) => s.includes('SWHardening'))) return 'ConfigurationAndSWHardeningNeeded'
  return RANK[a] >= RANK[b] ? a : b
}
