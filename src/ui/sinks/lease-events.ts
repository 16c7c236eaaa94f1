/** How a lease's provider-side events look: `edge events`, as lines, table rows and JSONL. */
import type {EventSinks} from '../../output/sinks.js'
import type {LeaseEvent} from '../../services/lease/streams.js'

export function leaseEventLine(e: LeaseEvent): string {
  return `${e.type.padEnd(8)} ${e.reason.padEnd(16)} ${e.object.kind}/${e.object.name}: ${e.note}`
}

/** Kubernetes calls its severity `type` (Normal, Warning); in JSONL `type` names the event, so it moves to `eventType`. */
export type LeaseEventJson = Omit<LeaseEvent, 'type'> & {type: 'lease_event'; ts: string; eventType: LeaseEvent['type']}

export function leaseEventJson(e: LeaseEvent): LeaseEventJson {
  return {...e, type: 'lease_event', ts: new Date().toISOString(), eventType: e.type}
}

/** Lines only while following: otherwise the events are the result, printed once at the end. */
export function leaseEventSinks(follow: boolean): EventSinks<LeaseEvent> {
  return {lines: 'stdout', ...(follow ? {line: leaseEventLine} : {}), json: leaseEventJson}
}
