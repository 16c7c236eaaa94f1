/**
 * One verdict per check, so `edge verify` can print each as a line of text or a JSON object and a
 * tenant sees exactly which part of the evidence failed and what to do about it.
 */

export type CheckStatus = 'pass' | 'fail' | 'mock' | 'skip'

export type CheckId =
  | 'quote.parse'
  | 'quote.platform'
  | 'quote.tls_binding'
  | 'quote.gpu_count'
  | 'mock.report'
  | 'mock.nonce'
  | 'snp.parse'
  | 'snp.signing_key'
  | 'snp.chain'
  | 'snp.chip_id'
  | 'snp.tcb'
  | 'snp.signature'
  | 'snp.unsigned_bytes'
  | 'snp.policy'
  | 'snp.nonce'
  | 'snp.measurement'
  | 'snp.host_data'
  | 'tdx.parse'
  | 'tdx.pck_chain'
  | 'tdx.crl'
  | 'tdx.qe_report_signature'
  | 'tdx.attestation_key_binding'
  | 'tdx.quote_signature'
  | 'tdx.collateral'
  | 'tdx.tcb_info'
  | 'tdx.qe_identity'
  | 'tdx.tcb_status'
  | 'tdx.td_attributes'
  | 'tdx.nonce'
  | 'tdx.measurement'
  | 'gpu.parse'
  | 'gpu.chain'
  | 'gpu.signature'
  | 'gpu.fwid'
  | 'gpu.nonce'
  | 'gpu.remote'

export interface Check {
  check: CheckId
  status: CheckStatus
  /** Plain words a tenant can act on: what was compared, what was found, what to do. */
  reason: string
  /** Which of several same-kind items this is about, e.g. `gpu 3`. */
  subject?: string
  /** Values behind the verdict (hex digests, names, dates), for `--json` and for receipts. */
  evidence?: Record<string, string>
}

export interface Verdict {
  status: CheckStatus
  checks: Check[]
}

export function pass(check: CheckId, reason: string, evidence?: Record<string, string>): Check {
  return {check, status: 'pass', reason, ...(evidence ? {evidence} : {})}
}

export function fail(check: CheckId, reason: string, evidence?: Record<string, string>): Check {
  return {check, status: 'fail', reason, ...(evidence ? {evidence} : {})}
}

export function skip(check: CheckId, reason: string, evidence?: Record<string, string>): Check {
  return {check, status: 'skip', reason, ...(evidence ? {evidence} : {})}
}

export function mock(check: CheckId, reason: string, evidence?: Record<string, string>): Check {
  return {check, status: 'mock', reason, ...(evidence ? {evidence} : {})}
}

/**
 * A failure anywhere fails the whole; a mock is never promoted to a pass; checks that were all
 * skipped prove nothing, so they stay `skip`.
 */
export function overall(checks: readonly Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail'
  if (checks.some((c) => c.status === 'mock')) return 'mock'
  if (checks.some((c) => c.status === 'pass')) return 'pass'
  return 'skip'
}

export function verdict(checks: Check[]): Verdict {
  return {status: overall(checks), checks}
}

/** Runs one check; an exception (malformed input the parser missed) becomes a failed check, not a crash. */
export function guarded(check: CheckId, run: () => Check | Check[]): Check[] {
  try {
    const result = run()
    return Array.isArray(result) ? result : [result]
  } catch (error) {
    return [fail(check, `could not evaluate: ${error instanceof Error ? error.message : String(error)}`)]
  }
}

export function withSubject(checks: Check[], subject: string): Check[] {
  return checks.map((c) => ({...c, subject}))
}

/** One line per check, for text output: `FAIL gpu.nonce  [gpu 3] reason`, then the overall status. */
export function verdictLines(v: Verdict): string[] {
  const width = Math.max(0, ...v.checks.map((c) => c.check.length))
  return [
    ...v.checks.map((c) => `${c.status.toUpperCase().padEnd(4)} ${c.check.padEnd(width)}  ${c.subject ? `[${c.subject}] ` : ''}${c.reason}`),
    `overall: ${v.status}`,
  ]
}
