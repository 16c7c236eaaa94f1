import type {AuditedAttributes, Attribute, BlockInfo, Coin, Lease, MarketQueries, Order} from '../../market/market.js'
import type {ReclamationConfig} from '../config/provider-config.js'
import type {Capacity} from '../capacity/capacity.js'
import {demandOf} from '../capacity/demand.js'
import type {ProviderMsg, TxOutcome} from '../chain/messages.js'
import type {EventHub} from '../events.js'
import type {LeaseManager} from '../leases/lease-manager.js'
import {ACTIVE_LEASE_STATES} from '../leases/live.js'
import {orderKey, parseOrderKey} from '../state/keys.js'
import type {ProviderStore} from '../state/store.js'
import {type BidDecision, type EvaluateOptions, type Pricer, type SkipReason, decideBid} from './decide.js'
import {resourcesOffer} from './offer.js'

export interface BidEngineOptions {
  address: string
  market: Pick<MarketQueries, 'orders' | 'bids' | 'leases' | 'provider' | 'auditedAttributes'> & Partial<Pick<MarketQueries, 'reclamationWindows'>>
  tx: {submit(msg: ProviderMsg): Promise<TxOutcome>}
  store: ProviderStore
  capacity: Capacity
  events: EventHub
  pricer: Pricer
  leases: LeaseManager
  /** The bid deposit (the chain's minimum unless configured). */
  deposit: Coin
  /** Attributes to match with until the chain's provider record has been read. */
  attributes: Attribute[]
  bidTimeoutMs: number
  maxOpenBids: number
  /** Whether and with how much notice to bid on orders that allow reclamation (AEP-82); default: accept, the order's minimum. */
  reclamation?: ReclamationConfig
  now?: () => number
}

/** Orders re-examined when capacity frees up (other reasons do not change by waiting). */
const RETRYABLE: ReadonlySet<SkipReason> = new Set(['capacity', 'max_bids', 'pricing_error', 'reclamation'])
const REFRESH_PROVIDER_BLOCKS = 100

/**
 * Each block: read the open orders, bid on new ones this machine can serve (see decide.ts), and
 * keep bids and leases in step with the chain. Bids are submitted without waiting, so every new
 * order of a block is decided at once and their MsgCreateBid share the next transaction: the bid
 * lands in the block after the order. Decisions and skip reasons are events, never silent
 * (field.md pain 1: "why no bids?").
 */
export class BidEngine {
  private readonly now: () => number
  /** Orders decided on, with the skip reason when skipped. */
  private readonly decided = new Map<string, SkipReason | 'bid'>()
  /** Bids submitted and not yet in a block. */
  private readonly inflight = new Set<string>()
  private readonly closingBids = new Set<string>()
  /** Block heights → times, for latency in ms. */
  private readonly blockTimes = new Map<number, number>()
  private attributes: Attribute[]
  private audited: AuditedAttributes[] = []
  private reclamationBounds?: {minSeconds: number; maxSeconds: number}
  private lastProviderRefresh = -Infinity
  private capacityFreed = false
  private lastRetryHeight = 0
  private running?: Promise<void>
  private pendingBlock?: BlockInfo
  /** The last stats emitted, without the height: a new `stats` event only when a figure moves. */
  private lastStats?: string
  readonly stats = {ordersSeen: 0, bidsPlaced: 0, leasesWon: 0, lastHeight: 0, openOrders: 0}

  constructor(private readonly o: BidEngineOptions) {
    this.now = o.now ?? Date.now
    this.attributes = o.attributes
    const counts = o.store.countBids()
    this.stats.bidsPlaced = counts.open + counts.won + counts.lost + counts.closed
    this.stats.leasesWon = o.store.countLeases()
    // Counters span restarts, as bids and leases do (they are counted from the state DB): every bid was an order
    // seen, so after a restart "orders seen" never reads lower than "bids placed" (D38). Orders skipped before the
    // restart are not stored, so this is a lower bound.
    this.stats.ordersSeen = this.stats.bidsPlaced
    for (const bid of o.store.bids('open')) {
      this.decided.set(bid.orderKey, 'bid')
      if (!o.capacity.has(bid.orderKey)) o.capacity.restore(bid.orderKey, bid.reservation)
    }
  }

  /** Handles one block; a block arriving while the last is still handled is coalesced. */
  onBlock(block: BlockInfo): Promise<void> {
    this.blockTimes.set(block.height, block.time.getTime())
    // Heights arrive in order, so the first key is the oldest.
    if (this.blockTimes.size > 2000) this.blockTimes.delete(this.blockTimes.keys().next().value!)
    if (this.running) {
      this.pendingBlock = block
      return this.running
    }
    this.running = (async () => {
      let next: BlockInfo | undefined = block
      while (next) {
        this.pendingBlock = undefined
        try {
          await this.handle(next)
        } catch (error) {
          this.o.events.emit({type: 'warning', message: `block ${next.height}: ${(error as Error).message}`})
        }
        next = this.pendingBlock
      }
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async handle(block: BlockInfo): Promise<void> {
    const height = block.height
    this.stats.lastHeight = height
    if (height - this.lastProviderRefresh >= REFRESH_PROVIDER_BLOCKS) await this.refreshProvider(height)

    const [orders, openBids, active, reclaiming] = await Promise.all([
      this.o.market.orders({state: 'open'}),
      this.o.market.bids({provider: this.o.address, state: 'open'}),
      this.o.market.leases({provider: this.o.address, state: 'active'}),
      // A reclaiming lease still runs and bills (AEP-82) until this provider closes it.
      this.o.market.leases({provider: this.o.address, state: 'reclaiming'}),
    ])
    const leases = [...active, ...reclaiming]
    this.stats.openOrders = orders.length
    this.o.events.emit({type: 'block', height, openOrders: orders.length})

    const retry = this.capacityFreed || height - this.lastRetryHeight >= 10
    if (retry) {
      this.capacityFreed = false
      this.lastRetryHeight = height
    }
    const fresh: Order[] = []
    for (const order of orders) {
      const key = orderKey(order.id)
      if (this.inflight.has(key)) continue
      const prior = this.decided.get(key)
      if (prior === undefined) {
        this.stats.ordersSeen++
        this.o.events.emit({type: 'order.seen', order: key, height})
        fresh.push(order)
      } else if (retry && prior !== 'bid' && RETRYABLE.has(prior)) {
        fresh.push(order)
      }
    }
    for (const order of fresh) await this.consider(order)
    // Forget orders that are no longer open, so a provider running for months stays small.
    const open = new Set(orders.map((o) => orderKey(o.id)))
    for (const key of this.decided.keys()) if (!open.has(key) && !this.inflight.has(key)) this.decided.delete(key)

    await this.o.leases.reconcile(leases, height)
    await this.reconcileBids(height, new Set(orders.map((o) => orderKey(o.id))), openBids, leases, orders)
    await this.o.leases.tick(block)
    this.emitStats(height)
  }

  private async consider(order: Order): Promise<void> {
    const key = orderKey(order.id)
    const prior = this.decided.get(key)
    const decision: BidDecision = await decideBid(order, {...this.evaluationContext(), capacity: this.o.capacity, key})
    if (decision.action === 'skip') {
      // A skip is reported once per reason, not every block it is re-examined.
      if (prior !== decision.reason) this.o.events.emit({type: 'bid.skipped', order: key, reason: decision.reason, message: decision.message})
      this.decided.set(key, decision.reason)
      return
    }
    this.decided.set(key, 'bid')
    this.inflight.add(key)
    this.o.events.emit({
      type: 'bid.sent',
      order: key,
      price: decision.price.amount.toString(),
      denom: decision.price.denom,
      ...(decision.usdPerHour !== undefined ? {usdPerHour: decision.usdPerHour.toString()} : {}),
    })
    const sentAt = this.now()
    this.o.tx
      .submit({
        type: 'createBid',
        order: order.id,
        price: decision.price,
        deposit: this.o.deposit,
        resourcesOffer: resourcesOffer(order.spec, decision.gpusByUnit),
        ...(decision.reclamationWindowSeconds !== undefined ? {reclamationWindowSeconds: decision.reclamationWindowSeconds} : {}),
      })
      .then(
        (outcome) => {
          this.inflight.delete(key)
          const now = this.now()
          this.o.store.putBid({
            orderKey: key,
            state: 'open',
            denom: decision.price.denom,
            amount: decision.price.amount,
            ...(decision.usdPerHour !== undefined ? {usdPerHour: decision.usdPerHour} : {}),
            reservation: decision.reservation,
            gpus: decision.gpusByUnit,
            createdHeight: outcome.height,
            createdAt: now,
            updatedAt: now,
          })
          this.stats.bidsPlaced++
          const orderTime = this.blockTimes.get(order.createdAt)
          const bidTime = this.blockTimes.get(outcome.height)
          this.o.events.emit({
            type: 'bid.placed',
            order: key,
            height: outcome.height,
            orderHeight: order.createdAt,
            blocks: outcome.height - order.createdAt,
            ms: orderTime !== undefined && bidTime !== undefined ? bidTime - orderTime : now - sentAt,
            txHash: outcome.txHash,
          })
        },
        (error: Error) => {
          this.inflight.delete(key)
          this.o.capacity.release(key)
          this.capacityFreed = true
          this.decided.set(key, 'pricing_error')
          this.o.events.emit({type: 'bid.failed', order: key, message: error.message})
        },
      )
  }

  /**
   * Our bids against the chain: a bid the chain no longer lists as open was won (the lease
   * manager adopts it), lost to another provider, or closed — its capacity is freed. A bid still
   * open whose order is gone, or nobody leased within the bid timeout, is closed (MsgCloseBid).
   * A bid on chain we have no row for (we crashed between broadcast and write) gets one.
   */
  private async reconcileBids(height: number, openOrderKeys: Set<string>, openBids: Awaited<ReturnType<MarketQueries['bids']>>, leases: Lease[], orders: Order[]): Promise<void> {
    const chainOpen = new Map(openBids.map((b) => [orderKey(b.id), b]))
    const leased = new Set(leases.map((l) => orderKey(l.id)))
    const now = this.now()

    for (const [key, bid] of chainOpen) {
      if (this.o.store.bid(key) || this.inflight.has(key)) continue
      const order = orders.find((o) => orderKey(o.id) === key)
      const fit = order ? this.o.capacity.reserve(key, demandOf(order.spec)) : undefined
      this.o.store.putBid({
        orderKey: key,
        state: 'open',
        denom: bid.price.denom,
        amount: bid.price.amount,
        reservation: fit?.ok ? fit.reservation : {cpuMillis: 0n, memoryBytes: 0n, ephemeralBytes: 0n, persistentBytes: {}, gpus: {}},
        gpus: fit?.ok ? fit.gpuModels : {},
        createdHeight: bid.createdAt,
        createdAt: now,
        updatedAt: now,
      })
      this.decided.set(key, 'bid')
    }

    for (const row of this.o.store.bids('open')) {
      const key = row.orderKey
      // Included after the snapshot this block's queries saw: judge it next block.
      if (row.createdHeight > height) continue
      if (leased.has(key) || this.o.store.lease(key)) {
        this.o.store.setBidState(key, 'won', now)
        continue
      }
      const onChain = chainOpen.get(key)
      if (!onChain) {
        this.o.store.setBidState(key, 'lost', now, 'no longer open on chain')
        if (this.o.capacity.release(key)) this.capacityFreed = true
        this.o.events.emit({type: 'bid.lost', order: key})
        continue
      }
      const orderGone = !openOrderKeys.has(key)
      const timedOut = now - row.createdAt > this.o.bidTimeoutMs
      if ((orderGone || timedOut) && !this.closingBids.has(key)) {
        this.closingBids.add(key)
        const id = parseOrderKey(key)
        const reason = orderGone ? 'order closed' : 'bid timeout'
        this.o.tx.submit({type: 'closeBid', bid: {...id, provider: this.o.address, bseq: onChain.id.bseq}, reason: 'unspecified'}).then(
          () => {
            this.closingBids.delete(key)
            this.o.store.setBidState(key, 'closed', this.now(), reason)
            if (this.o.capacity.release(key)) this.capacityFreed = true
            this.o.events.emit({type: 'bid.closed', order: key, reason})
          },
          (error: Error) => {
            this.closingBids.delete(key)
            this.o.events.emit({type: 'warning', message: `closing bid ${key} failed: ${error.message}`})
          },
        )
      }
    }
  }

  /**
   * What a decision needs to know of this provider now: its attributes as the chain has them, the
   * capacity free, the price, open bids and reclamation terms. The bid screening service decides
   * with the same context, so it answers what this engine would do.
   */
  evaluationContext(): EvaluateOptions {
    return {
      provider: {address: this.o.address, attributes: this.attributes, audited: this.audited},
      capacity: this.o.capacity,
      pricer: this.o.pricer,
      openBids: this.o.store.countBids().open + this.inflight.size,
      maxOpenBids: this.o.maxOpenBids,
      reclamation: {config: this.o.reclamation ?? {accept: true}, ...(this.reclamationBounds ? {chain: this.reclamationBounds} : {})},
    }
  }

  private async refreshProvider(height: number): Promise<void> {
    try {
      const [info, audited, bounds] = await Promise.all([
        this.o.market.provider(this.o.address),
        this.o.market.auditedAttributes(this.o.address),
        this.o.market.reclamationWindows?.().catch(() => undefined),
      ])
      if (info) this.attributes = info.attributes
      this.audited = audited
      if (bounds) this.reclamationBounds = bounds
      this.lastProviderRefresh = height
    } catch {
      // Keep the last known attributes; the next block tries again.
    }
  }

  private emitStats(height: number): void {
    const totals = this.o.capacity.totals()
    const held = this.o.capacity.reserved()
    const frac = (a: bigint, b: bigint) => (b > 0n ? Number((a * 10000n) / b) / 10000 : 0)
    const persistentTotal = Object.values(totals.persistentBytes).reduce((a, b) => a + b, 0n)
    const persistentHeld = Object.values(held.persistentBytes).reduce((a, b) => a + b, 0n)
    const stats = {
      ordersSeen: this.stats.ordersSeen,
      bidsOpen: this.o.store.countBids().open + this.inflight.size,
      bidsPlaced: this.stats.bidsPlaced,
      leasesWon: (this.stats.leasesWon = this.o.store.countLeases()),
      leasesActive: this.o.store.countLeases(ACTIVE_LEASE_STATES),
      utilisation: {
        cpu: frac(held.cpuMillis, totals.cpuMillis),
        memory: frac(held.memoryBytes, totals.memoryBytes),
        storage: frac(held.ephemeralBytes + persistentHeld, totals.ephemeralBytes + persistentTotal),
        gpu: totals.gpus > 0 ? held.gpus / totals.gpus : 0,
      },
      earningsUsdPerHour: this.earningsPerHour?.() ?? '0',
    }
    // Only when a figure moved: a provider log holds a line per change, not per block (D37). The height is in
    // every `block` event already.
    const key = JSON.stringify(stats)
    if (key === this.lastStats) return
    this.lastStats = key
    this.o.events.emit({type: 'stats', height, ...stats})
  }

  /** Set by the provider: USD per hour of the active leases, as a decimal string. */
  earningsPerHour?: () => string
}
