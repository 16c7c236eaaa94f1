/**
 * One restart and readiness policy for both runtimes (docker and process), so a failing workload
 * behaves the same whatever runs it:
 *
 * - A replica that exits (with any code, as Akash's Kubernetes Deployments restart every exit) is
 *   restarted by the provider after an exponential back-off: 1 s, 2 s, 4 s … up to 5 min, as
 *   Kubernetes' CrashLoopBackOff does. A replica that ran for 10 min before it exited starts the
 *   back-off over.
 * - A replica counts as available only once it has run for a grace period since its last (re)start:
 *   a command that exits at once is never "ready", however the status poll falls.
 * - A replica that is not running, or that restarted and has not yet run through the grace period,
 *   is a failure the provider reports at once (lease status `errors` and the `edge` extension, and
 *   a lease event), with its exit code and the last lines it printed.
 */
import {backoffDelay} from '../../lib/backoff.js'
import type {ReplicaFailure, ReplicaStatus} from './types.js'

export interface RestartPolicy {
  /** Delay before the first restart. */
  initialMs: number
  /** The delay doubles up to this. */
  maxMs: number
  /** A replica that ran this long before it exited starts the back-off over. */
  resetAfterMs: number
}

export const RESTART_POLICY: RestartPolicy = {initialMs: 1000, maxMs: 300_000, resetAfterMs: 600_000}

/** How long a replica must stay up after a (re)start to count as available. */
export const READY_GRACE_MS = 2000

/** Lines of a failing replica's output that go with its failure. */
export const FAILURE_LOG_LINES = 10
const MAX_LINE_CHARS = 300

/** The delay before restart number `crashes` + 1 (crashes = consecutive exits so far, from 0). */
export function restartDelayMs(crashes: number, policy: RestartPolicy = RESTART_POLICY): number {
  return backoffDelay(policy, crashes)
}

/**
 * Consecutive crashes after a replica that ran `ranMs` exited: a long run starts the count over
 * (the exit just seen is then the first), else it is one more.
 */
export function nextCrashCount(previousCrashes: number, ranMs: number, policy: RestartPolicy = RESTART_POLICY): number {
  return ranMs >= policy.resetAfterMs ? 1 : previousCrashes + 1
}

export interface ReplicaAssessment {
  /** Running, and up for the grace period since its last start. */
  available: boolean
  /** Not running (exited), or restarted and not yet through the grace period. */
  failing: boolean
}

/** Is this replica available, failing, or neither yet (starting)? */
export function assessReplica(r: Pick<ReplicaStatus, 'state' | 'startedAt' | 'restarts'>, now: number, graceMs = READY_GRACE_MS): ReplicaAssessment {
  if (r.state === 'exited' || r.state === 'dead') return {available: false, failing: true}
  if (r.state !== 'running' && r.state !== 'restarting') return {available: false, failing: false}
  const started = r.startedAt ? Date.parse(r.startedAt) : Number.NaN
  const upFor = Number.isFinite(started) ? now - started : Number.POSITIVE_INFINITY
  const settled = upFor >= graceMs
  if (r.state === 'restarting') return {available: false, failing: true}
  return {available: settled, failing: !settled && (r.restarts ?? 0) > 0}
}

/** "web replica 0 exited with code 3 (restarted 2 times; next restart in 4 s)". */
export function failureMessage(f: Omit<ReplicaFailure, 'message'>, now?: number, nextRestartAt?: number): string {
  const who = `${f.service} replica ${f.replica}`
  const code = f.exitCode !== undefined ? ` with code ${f.exitCode}` : ''
  const restarts = f.restarts > 0 ? `restarted ${f.restarts} time${f.restarts === 1 ? '' : 's'}` : ''
  const next = nextRestartAt !== undefined && now !== undefined && nextRestartAt > now ? `next restart in ${Math.ceil((nextRestartAt - now) / 1000)} s` : ''
  const extra = [restarts, next].filter(Boolean).join('; ')
  let what: string
  switch (f.reason) {
    case 'crash_loop':
      what = `${who} keeps exiting${code ? ` (last${code})` : ''}`
      break
    case 'start_failed':
      what = `${who} could not start its command${code}`
      break
    default:
      what = `${who} exited${code}`
  }
  return `${what}${extra ? ` (${extra})` : ''}`
}

/** The status `errors` line of a failure: its message and the last lines the replica printed. */
export function failureErrorLine(f: ReplicaFailure): string {
  return f.lastLines.length > 0 ? `${f.message}; last log lines: ${f.lastLines.join(' | ')}` : f.message
}

/** The last `FAILURE_LOG_LINES` non-empty lines, each cut to a readable length. */
export function lastLines(lines: readonly string[], count = FAILURE_LOG_LINES): string[] {
  return lines
    .map((l) => l.replace(/\r/g, '').trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
    .map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l))
}
