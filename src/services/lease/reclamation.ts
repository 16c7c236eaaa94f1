/**
 * What a tenant sees of a lease's reclamation (AEP-82): the window agreed in the winning bid and,
 * once the provider started reclaiming, the deadline after which it may close the lease and why.
 * The chain does not close the lease at the deadline; the provider does, any time after it.
 */
import type {Lease} from '../../market/market.js'
import {formatDuration} from '../ledger/guards.js'

export interface ReclamationView {
  /** The notice agreed in the winning bid, in seconds. */
  windowSeconds: number
  /** Whether the provider started reclaiming. */
  started: boolean
  /** The height at which it started. */
  startedAtHeight?: number
  /** ISO time from which the provider may close the lease. */
  deadline?: string
  /** Milliseconds until the deadline; 0 or less once it passed. */
  deadlineLeftMs?: number
  /** The provider's reason (`decommission`, `unstable`, `unspecified`, `manifest_timeout`). */
  reason?: string
}

export function reclamationView(lease: Lease, now: number): ReclamationView | undefined {
  const r = lease.reclamation
  if (!r) return undefined
  const started = lease.state === 'reclaiming' || r.startedAt !== undefined
  return {
    windowSeconds: r.windowSeconds,
    started,
    ...(r.startedAt !== undefined ? {startedAtHeight: r.startedAt} : {}),
    ...(r.deadline ? {deadline: r.deadline.toISOString(), deadlineLeftMs: r.deadline.getTime() - now} : {}),
    ...(r.reason ? {reason: r.reason} : {}),
  }
}

/** Seconds as edge shows a window: 5s, 90s, 30m, 1h, 720h. */
export function formatWindow(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`
  if (seconds >= 600 && seconds % 60 === 0) return `${seconds / 60}m`
  return `${seconds}s`
}

/** "2026-12-07 14:03:12 UTC (in 4m10s)" or "… (10s ago)". */
export function deadlineText(view: ReclamationView): string {
  if (!view.deadline) return 'not started'
  const when = view.deadline.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
  const left = view.deadlineLeftMs ?? 0
  return left > 0 ? `${when} (in ${formatDuration(left)})` : `${when} (${formatDuration(-left)} ago)`
}

/** One sentence for a reclaiming lease, what the tenant needs to act on. */
export function reclamationNotice(view: ReclamationView): string {
  const why = view.reason ? ` (${view.reason})` : ''
  const passed = (view.deadlineLeftMs ?? 0) <= 0
  return passed
    ? `the provider is reclaiming its resources${why} and may close the lease at any moment: its deadline was ${deadlineText(view)}`
    : `the provider is reclaiming its resources${why} and may close the lease from ${deadlineText(view)}`
}
