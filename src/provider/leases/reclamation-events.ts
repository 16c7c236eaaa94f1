import type {EventHub} from '../events.js'
import type {EventOptions, LeaseId, RuntimeEvent} from '../runtime/types.js'

/** What a reclamation needs to be told: the chain's deadline and reason, and the operator's words. */
export interface ReclamationNotice {
  deadline: number
  reason: string
  note?: string
}

/**
 * A reclamation (AEP-82) as a lease event: a warning naming why and when the provider closes the
 * lease. The gateway serves it as a `kubeevents` frame, so any client of the lease's events (edge,
 * Akash's console, provider-services) tells the tenant, not only edge reading the chain.
 */
export function reclamationEvent(lease: LeaseId, r: ReclamationNotice, ts: number): RuntimeEvent {
  return {
    type: 'lease.warning',
    ts,
    lease,
    severity: 'warning',
    reason: 'Reclaiming',
    message: `The provider is reclaiming this lease's resources (${r.note ?? r.reason}): it closes the lease at ${new Date(r.deadline).toISOString()}.`,
  }
}

/**
 * A lease's events led by its reclamation, when one is open; while following, a reclamation that
 * starts later is told as soon as the provider sees it. Ends when the runtime's events end.
 */
export async function* withReclamationEvents(
  events: AsyncIterable<RuntimeEvent>,
  o: {lease: LeaseId; key: string; open?: ReclamationNotice & {recordedAt: number}; hub?: EventHub; options: EventOptions},
): AsyncGenerator<RuntimeEvent> {
  if (o.open) yield reclamationEvent(o.lease, o.open, o.open.recordedAt)
  if (!o.options.follow || !o.hub || o.open) {
    yield* events
    return
  }
  const sub = o.hub.subscribe()
  const stop = () => sub.close()
  o.options.signal?.addEventListener('abort', stop, {once: true})
  const runtime = events[Symbol.asyncIterator]()
  const provider = sub[Symbol.asyncIterator]()
  let nextRuntime = runtime.next()
  let nextProvider = provider.next()
  try {
    for (;;) {
      const first = await Promise.race([nextRuntime.then((r) => ({from: 'runtime' as const, r})), nextProvider.then((r) => ({from: 'provider' as const, r}))])
      if (first.from === 'runtime') {
        if (first.r.done) return
        nextRuntime = runtime.next()
        yield first.r.value
        continue
      }
      if (first.r.done) {
        // The hub ended (provider stopping): the runtime's stream says the rest.
        nextProvider = new Promise(() => {})
        continue
      }
      nextProvider = provider.next()
      const e = first.r.value
      if (e.type === 'lease.reclaiming' && e.lease === o.key) {
        yield reclamationEvent(o.lease, {deadline: Date.parse(e.deadline), reason: e.reason, ...(e.note ? {note: e.note} : {})}, Date.parse(e.ts))
      }
    }
  } finally {
    stop()
    o.options.signal?.removeEventListener('abort', stop)
    await runtime.return?.().catch(() => undefined)
  }
}
