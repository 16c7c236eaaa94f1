/** How a lease's provider-side events look: `edge events`, as lines, table rows and JSONL. */
import type {EventSinks} from '../../output/sinks.js'
import type {LeaseEvent} from '../../services/lease/streams.js'

/** "  12s ago Normal   Started   Pod/web-0: …": how long ago first (ux-test D25), "-" when the provider did not say. */
export function leaseEventLine(e: LeaseEvent, now: number = Date.now()): string {
  const age = e.time === null ? '-' : `${formatAge(now - Date.parse(e.time))} ago`
  return `${age.padStart(8)} ${e.type.padEnd(8)} ${e.reason.padEnd(16)} ${e.object.kind}/${e.object.name}: ${e.note}`
}

/** 42_000 → "42s", 300_000 → "5m", 7_500_000 → "2h5m", 180_000_000 → "2d2h" (a clock a little ahead counts as 0s). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`
}

/**
 * Kubernetes calls its severity `type` (Normal, Warning); in JSONL `type` names the event, so it
 * moves to `eventType`. `ts` is when the event happened when the provider says (`time`), else when
 * edge printed it.
 */
export type LeaseEventJson = Omit<LeaseEvent, 'type'> & {type: 'lease_event'; ts: string; eventType: LeaseEvent['type']}

export function leaseEventJson(e: LeaseEvent): LeaseEventJson {
  return {...e, type: 'lease_event', ts: e.time ?? new Date().toISOString(), eventType: e.type}
}

/** Lines only while following: otherwise the events are the result, printed once at the end. */
export function leaseEventSinks(follow: boolean): EventSinks<LeaseEvent> {
  return {lines: 'stdout', ...(follow ? {line: (e: LeaseEvent) => leaseEventLine(e)} : {}), json: leaseEventJson}
}
