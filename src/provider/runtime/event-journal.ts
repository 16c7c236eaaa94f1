import {AsyncQueue} from '../../lib/async-queue.js'
import {leaseKey} from './labels.js'
import type {EventOptions, LeaseId, RuntimeEvent} from './types.js'

/**
 * Recent events per lease, in memory, plus live subscribers. Bounded per lease; what a restart
 * loses is rebuilt (roughly) from the engine by the runtime's `history` callback.
 */
export class EventJournal {
  private readonly byLease = new Map<string, RuntimeEvent[]>()
  private readonly listeners = new Map<string, Set<(event: RuntimeEvent) => void>>()

  constructor(private readonly limitPerLease = 1000) {}

  emit(event: RuntimeEvent): void {
    const key = leaseKey(event.lease)
    let list = this.byLease.get(key)
    if (!list) {
      list = []
      this.byLease.set(key, list)
    }
    list.push(event)
    if (list.length > this.limitPerLease) list.splice(0, list.length - this.limitPerLease)
    for (const listener of this.listeners.get(key) ?? []) listener(event)
  }

  history(lease: LeaseId): RuntimeEvent[] {
    return [...(this.byLease.get(leaseKey(lease)) ?? [])]
  }

  subscribe(lease: LeaseId, listener: (event: RuntimeEvent) => void): () => void {
    const key = leaseKey(lease)
    let set = this.listeners.get(key)
    if (!set) {
      set = new Set()
      this.listeners.set(key, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(key)
    }
  }

  forget(lease: LeaseId): void {
    this.byLease.delete(leaseKey(lease))
  }

  /**
   * The lease's events: `extraHistory` (rebuilt from the engine) merged with the journal by time,
   * then, with `follow`, new events as they happen.
   */
  stream(lease: LeaseId, options: EventOptions = {}, extraHistory: RuntimeEvent[] = []): AsyncIterable<RuntimeEvent> {
    const wanted = (e: RuntimeEvent) =>
      !options.services || options.services.length === 0 || e.service === undefined || options.services.includes(e.service)
    let unsubscribe: (() => void) | undefined
    const onAbort = () => queue.end()
    const queue = new AsyncQueue<RuntimeEvent>({
      highWater: Number.MAX_SAFE_INTEGER,
      onClose: () => {
        unsubscribe?.()
        options.signal?.removeEventListener('abort', onAbort)
      },
    })
    const history = [...extraHistory, ...this.history(lease)].sort((a, b) => a.ts - b.ts).filter(wanted)
    queue.pushAll(history)
    if (options.follow && !options.signal?.aborted) {
      unsubscribe = this.subscribe(lease, (e) => {
        if (wanted(e)) queue.push(e)
      })
      options.signal?.addEventListener('abort', onAbort, {once: true})
    } else {
      queue.end()
    }
    return queue
  }
}
