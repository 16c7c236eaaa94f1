import type {SkipReason} from './bidding/decide.js'
import type {DseqText} from '../protocol/json-fields.js'

/** A lease or order as events name it: `owner/dseq/gseq/oseq`. */
export type OrderRef = string

export interface Utilisation {
  /** Fractions 0..1 of what the provider offers, held by open bids and leases. */
  cpu: number
  memory: number
  storage: number
  gpu: number
}

/**
 * Everything a running provider reports. One stream feeds both sinks: the Ink dashboard and the
 * JSONL writer (architecture.md: one event source, two sinks). `ts` is an ISO time.
 */
export type ProviderEvent = {ts: string} & (
  | {
      type: 'provider.started'
      address: string
      network: string
      hostUri: string
      gatewayUrl: string
      /** The gRPC status service (akash.provider.v1.ProviderRPC). */
      grpcUrl: string
      ingressUrl: string
      runtime: string
      attributes: Array<{key: string; value: string}>
      resumedLeases: number
    }
  | {type: 'provider.registered'; address: string; action: 'created' | 'updated' | 'unchanged'; txHash?: string}
  | {type: 'certificate.generated' | 'certificate.published' | 'certificate.reused'; serial: string}
  | {type: 'block'; height: number; openOrders: number}
  | {type: 'order.seen'; order: OrderRef; height: number}
  | {type: 'bid.skipped'; order: OrderRef; reason: SkipReason; message: string}
  | {type: 'bid.sent'; order: OrderRef; price: string; denom: string; usdPerHour?: string}
  | {type: 'bid.placed'; order: OrderRef; height: number; orderHeight: number; blocks: number; ms: number; txHash: string}
  | {type: 'bid.failed'; order: OrderRef; message: string}
  | {type: 'bid.lost'; order: OrderRef}
  | {type: 'bid.closed'; order: OrderRef; reason: string}
  | {type: 'lease.won'; lease: OrderRef; price: string; denom: string; manifestDeadline: string}
  | {type: 'lease.resumed'; lease: OrderRef; state: string}
  | {type: 'manifest.received'; owner: string; dseq: DseqText; version: string; leases: OrderRef[]}
  | {type: 'manifest.rejected'; owner: string; dseq: DseqText; status: number; message: string}
  | {type: 'lease.deploying'; lease: OrderRef}
  | {type: 'lease.deployed'; lease: OrderRef; uris: string[]}
  | {type: 'lease.deploy_failed'; lease: OrderRef; message: string}
  | {type: 'lease.manifest_timeout'; lease: OrderRef}
  | {type: 'lease.closed'; lease: OrderRef; reason: string}
  | {type: 'lease.removed'; lease: OrderRef}
  /** AEP-82: the provider started taking the lease back; at `deadline` it closes the bid. */
  | {type: 'lease.reclaiming'; lease: OrderRef; deadline: string; reason: string; note?: string}
  | {type: 'lease.reclaimed'; lease: OrderRef; deadline: string; height: number; txHash: string}
  | {type: 'lease.hostname_migrated'; lease: OrderRef; hostname: string}
  | {type: 'earnings.withdrawn'; leases: OrderRef[]; txHash: string; height: number}
  | {type: 'runtime.event'; lease: OrderRef; reason: string; message: string; severity: 'normal' | 'warning'; service?: string}
  | {type: 'gateway.request'; method: string; path: string; status: number; ms: number; owner?: string}
  | {type: 'gateway.auth_failed'; path: string; status: number; message: string; detail: string}
  | {
      type: 'stats'
      height: number
      ordersSeen: number
      bidsOpen: number
      bidsPlaced: number
      leasesWon: number
      leasesActive: number
      utilisation: Utilisation
      /** Sum of active lease prices, USD per hour (decimal string). */
      earningsUsdPerHour: string
    }
  | {type: 'warning'; message: string}
  /** The chain answers again after a `warning` that it did not; `downMs`: how long it was gone. */
  | {type: 'chain.recovered'; height: number; downMs: number}
  | {type: 'provider.stopped'}
)


type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never
export type ProviderEventInput = DistributiveOmit<ProviderEvent, 'ts'>

/**
 * Fans events out to any number of async-iterable subscribers. A slow subscriber buffers (up to
 * a bound, dropping its oldest `block`/`stats` events first) so it never stalls the provider.
 */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>()
  private ended = false

  constructor(private readonly now: () => Date = () => new Date()) {}

  emit(input: ProviderEventInput): void {
    const event = {ts: this.now().toISOString(), ...input} as ProviderEvent
    for (const s of this.subscribers) s.push(event)
  }

  subscribe(options: {bufferLimit?: number} = {}): AsyncIterable<ProviderEvent> & {close(): void} {
    const sub = new Subscriber(options.bufferLimit ?? 10_000, () => this.subscribers.delete(sub))
    if (this.ended) sub.end()
    else this.subscribers.add(sub)
    return sub
  }

  end(): void {
    this.ended = true
    for (const s of this.subscribers) s.end()
    this.subscribers.clear()
  }
}

class Subscriber implements AsyncIterable<ProviderEvent> {
  private readonly buffer: ProviderEvent[] = []
  private waiting?: (r: IteratorResult<ProviderEvent>) => void
  private done = false

  constructor(
    private readonly limit: number,
    private readonly onClose: () => void,
  ) {}

  push(event: ProviderEvent): void {
    if (this.done) return
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w({value: event, done: false})
      return
    }
    this.buffer.push(event)
    if (this.buffer.length > this.limit) {
      const i = this.buffer.findIndex((e) => e.type === 'block' || e.type === 'stats' || e.type === 'gateway.request')
      this.buffer.splice(i === -1 ? 0 : i, 1)
    }
  }

  end(): void {
    this.done = true
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w({value: undefined, done: true})
    }
  }

  close(): void {
    this.end()
    this.onClose()
  }

  [Symbol.asyncIterator](): AsyncIterator<ProviderEvent> {
    return {
      next: () => {
        const value = this.buffer.shift()
        if (value) return Promise.resolve({value, done: false})
        if (this.done) return Promise.resolve({value: undefined, done: true})
        return new Promise((resolve) => (this.waiting = resolve))
      },
      return: () => {
        this.close()
        return Promise.resolve({value: undefined, done: true})
      },
    }
  }
}
