/**
 * The one check shape `edge verify` prints, for every source of evidence: the hardware probe, the
 * demand tests, receipts, redundant execution, and the TEE attestation verdicts (whose `Check` is
 * a narrower form of this one, so attestation checks go into the same list unchanged).
 *
 * `warn` exists here and not in attestation: a probe or a demand test can see something that is
 * worth saying but is not proof of a lie (a busy host, a volume that shares the root disk).
 */
import type {Check as AttestationCheck, CheckStatus as AttestationStatus} from './attestation/verdict.js'

export type VerifyStatus = AttestationStatus | 'warn'

export interface VerifyCheck {
  /** Stable id, e.g. `probe.cpu`, `demand.memory`, `receipt.signature`, `snp.chain`. */
  check: string
  status: VerifyStatus
  /** Plain words a tenant can act on: what was compared, what was found, what differs. */
  reason: string
  /** Which of several same-kind items this is about, e.g. `gpu 3`, `volume data`. */
  subject?: string
  /** Values behind the verdict (numbers as strings), for `--json` and receipts. */
  evidence?: Record<string, string>
}

export interface VerifyReport {
  status: VerifyStatus
  checks: VerifyCheck[]
}

/** Attestation checks are VerifyChecks as they are; this fails to compile if that stops being so. */
export const fromAttestation = (checks: readonly AttestationCheck[]): VerifyCheck[] => [...checks]

type Evidence = Record<string, string | number | bigint | boolean | undefined>

function make(check: string, status: VerifyStatus, reason: string, evidence?: Evidence, subject?: string): VerifyCheck {
  const ev = evidence ? cleanEvidence(evidence) : undefined
  return {check, status, reason, ...(subject ? {subject} : {}), ...(ev && Object.keys(ev).length > 0 ? {evidence: ev} : {})}
}

/** Evidence values are strings in JSON (bigints cannot be JSON numbers); undefined ones are dropped. */
export function cleanEvidence(evidence: Evidence): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(evidence)) if (v !== undefined) out[k] = String(v)
  return out
}

export const passCheck = (check: string, reason: string, evidence?: Evidence, subject?: string) => make(check, 'pass', reason, evidence, subject)
export const failCheck = (check: string, reason: string, evidence?: Evidence, subject?: string) => make(check, 'fail', reason, evidence, subject)
export const warnCheck = (check: string, reason: string, evidence?: Evidence, subject?: string) => make(check, 'warn', reason, evidence, subject)
export const skipCheck = (check: string, reason: string, evidence?: Evidence, subject?: string) => make(check, 'skip', reason, evidence, subject)

const RANK: Record<VerifyStatus, number> = {fail: 4, mock: 3, warn: 2, pass: 1, skip: 0}

/**
 * A failure anywhere fails the whole; a mock is never promoted; a warning is kept visible over
 * passes; checks that were all skipped prove nothing, so they stay `skip` (as in attestation).
 */
export function overallStatus(checks: readonly VerifyCheck[]): VerifyStatus {
  let worst: VerifyStatus = 'skip'
  for (const c of checks) if (RANK[c.status] > RANK[worst]) worst = c.status
  return worst
}

export function report(checks: VerifyCheck[]): VerifyReport {
  return {status: overallStatus(checks), checks}
}

/** One line per check (`FAIL probe.cpu  [web] reason`), then the overall status, for text output. */
export function checkLines(checks: readonly VerifyCheck[]): string[] {
  const width = Math.max(0, ...checks.map((c) => c.check.length))
  return [
    ...checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.check.padEnd(width)}  ${c.subject ? `[${c.subject}] ` : ''}${c.reason}`),
    `overall: ${overallStatus(checks)}`,
  ]
}

/** Bytes in words: `4 GiB`, `1.5 GiB`, `512 MiB`. Reasons name differences; these must read well. */
export function formatBytes(bytes: bigint | number): string {
  const n = Number(bytes)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const text = Number.isInteger(v) ? String(v) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2).replace(/\.?0+$/, '')
  return `${text} ${units[i]}`
}

/** CPUs as a number: `4`, `0.5`, `1.25`. */
export function formatCpus(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : String(Math.round(cpus * 1000) / 1000)
}

/** CPUs in words: `1 CPU`, `0.5 CPU`, `4 CPUs`. */
export const cpusText = (cpus: number) => `${formatCpus(cpus)} CPU${cpus > 1 ? 's' : ''}`

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
