import type {Lease} from '../../market/market.js'
import type {ProviderMsg, TxOutcome} from '../chain/messages.js'
import {TxRejected} from '../chain/messages.js'
import type {ReclaimRule} from '../config/provider-config.js'
import type {EventHub} from '../events.js'
import {orderKey, parseOrderKey} from '../state/keys.js'
import type {LeaseRow, ProviderStore, ReclamationRow} from '../state/store.js'

/** market/38: the chain's "reclamation window has not elapsed" (our clock ran ahead of its blocks). */
const WINDOW_NOT_ELAPSED = 38
/** market/37: "reclamation not started": a lease with reclamation closes only after MsgLeaseStartReclaim. */
const RECLAMATION_NOT_STARTED = 37

/** The chain's provider reasons a reclamation may give (market v1 LeaseClosedReason 10000–10002). */
export const RECLAIM_REASONS = ['decommission', 'unstable', 'unspecified'] as const

/** The reason sent on chain for the operator's words, and the words themselves when they are not a reason name. */
export function reclaimReason(text: string): {reason: string; note?: string} {
  const words = text.trim()
  if ((RECLAIM_REASONS as readonly string[]).includes(words)) return {reason: words}
  return words ? {reason: 'unspecified', note: words} : {reason: 'unspecified'}
}

export interface ReclamationOptions {
  address: string
  store: ProviderStore
  tx: {submit(msg: ProviderMsg): Promise<TxOutcome>}
  events: EventHub
  now(): number
  /** The lease row if it still runs here. */
  liveRow(orderKey: string): LeaseRow | undefined
  /** Tears the workload down once the chain closed the lease. */
  closeLocal(row: LeaseRow, reason: string): Promise<void>
  /** `reclamation.rules` of provider.yaml: leases the provider reclaims by itself. */
  rules?: ReclaimRule[]
}

/**
 * Resource reclamation (AEP-82), the provider's half. The chain never closes a reclaiming lease
 * itself: the provider must close its bid once the deadline has passed (Akash's provider does not,
 * provider#432, so such leases linger and bill). Here each reclaiming lease the chain lists has its
 * deadline written to the provider's SQLite store at once, and every block whose time has reached a
 * deadline sends MsgCloseBid, then tears the workload down. Because the deadline is on disk, a
 * provider stopped (or killed) across it closes the lease as soon as it is back: at start-up, and
 * again at each block until the chain accepts.
 */
export class Reclamations {
  private readonly closing = new Set<string>()
  /** Leases whose reclamation this process has announced (once per run). */
  private readonly announced = new Set<string>()
  /** Leases a rule started (or warned about) in this run; a failed start is forgotten, so retried. */
  private readonly ruled = new Set<string>()
  /** The operator's words for a reclamation started here, kept until the chain's deadline is recorded. */
  private readonly notes = new Map<string, string>()

  constructor(private readonly o: ReclamationOptions) {}

  /** A lease the chain lists: record its deadline the first time it is seen reclaiming. */
  observe(lease: Lease): void {
    const r = lease.reclamation
    if (lease.state !== 'reclaiming' || !r?.deadline) return
    const key = orderKey(lease.id)
    const known = this.o.store.reclamation(key)
    const deadline = r.deadline.getTime()
    if (known?.deadline !== deadline) {
      const note = this.notes.get(key)
      this.o.store.putReclamation({
        orderKey: key,
        deadline,
        reason: r.reason ?? 'unspecified',
        ...(note ? {note} : {}),
        ...(r.startedAt !== undefined ? {startedHeight: r.startedAt} : {}),
        recordedAt: this.o.now(),
      })
    }
    if (this.announced.has(key)) return
    this.announced.add(key)
    const note = this.o.store.reclamation(key)?.note
    this.o.events.emit({type: 'lease.reclaiming', lease: key, deadline: r.deadline.toISOString(), reason: r.reason ?? 'unspecified', ...(note ? {note} : {})})
  }

  /** Whether a refused MsgCloseBid means the lease must be reclaimed first (market/37). */
  needsReclaimToClose(error: unknown): boolean {
    return (error instanceof TxRejected && error.code === RECLAMATION_NOT_STARTED) || /reclamation not started/.test((error as Error)?.message ?? '')
  }

  /**
   * Starts reclaiming a lease this provider wants to end (MsgLeaseStartReclaim); the chain's
   * deadline is recorded when the next block lists the lease reclaiming. Resolves with whether
   * the chain took it.
   */
  async start(row: LeaseRow, reason: string, note?: string): Promise<boolean> {
    const id = parseOrderKey(row.orderKey)
    if (note) this.notes.set(row.orderKey, note)
    try {
      await this.o.tx.submit({type: 'leaseStartReclaim', lease: {...id, provider: this.o.address, bseq: row.bseq}, reason})
      return true
    } catch (error) {
      this.notes.delete(row.orderKey)
      this.o.events.emit({type: 'warning', message: `starting reclamation of ${row.orderKey} failed (will retry): ${(error as Error).message}`})
      return false
    }
  }

  /**
   * `reclamation.rules`: an active lease holding a GPU the operator wants back is reclaimed with
   * the rule's reason. A lease made without a reclamation window cannot be (its tenant did not
   * agree): the operator is told once, and it runs until its tenant closes it. Does not wait for
   * the transaction (the block loop goes on); a start the chain refused is tried at a later block.
   */
  applyRules(lease: Lease): void {
    const rules = this.o.rules ?? []
    if (rules.length === 0 || lease.state !== 'active') return
    const key = orderKey(lease.id)
    if (this.ruled.has(key) || this.o.store.reclamation(key)) return
    const row = this.o.liveRow(key)
    if (!row) return
    const held = Object.values(row.reservation.gpus).flat()
    const rule = rules.find((r) => r.gpus.some((g) => held.includes(g)))
    if (!rule) return
    this.ruled.add(key)
    const wanted = rule.gpus.filter((g) => held.includes(g)).join(', ')
    if (!lease.reclamation) {
      this.o.events.emit({
        type: 'warning',
        message: `lease ${key} holds GPU ${wanted}, which reclamation.rules wants back, but was made without a reclamation window: it runs until its tenant closes it`,
      })
      return
    }
    const {reason, note} = reclaimReason(rule.reason)
    void this.start(row, reason, note).then((ok) => {
      if (!ok) this.ruled.delete(key)
    })
  }

  /** Reclamations not closed yet (for status and the dashboard). */
  open(): ReclamationRow[] {
    return this.o.store.openReclamations()
  }

  /**
   * Closes every reclamation whose deadline `at` has reached (a block's time; at start-up, the
   * clock). The MsgCloseBid lands in the next block. Resolves once each close was tried.
   */
  async closeDue(at: Date): Promise<void> {
    const work: Promise<void>[] = []
    for (const rec of this.o.store.openReclamations()) {
      if (rec.deadline > at.getTime() || this.closing.has(rec.orderKey)) continue
      const row = this.o.liveRow(rec.orderKey)
      if (!row) {
        // Closed already (by the tenant, or by us before a crash): nothing left to do.
        this.o.store.closeReclamation(rec.orderKey, this.o.now())
        continue
      }
      work.push(this.close(rec, row))
    }
    await Promise.all(work)
  }

  private async close(rec: ReclamationRow, row: LeaseRow): Promise<void> {
    const key = rec.orderKey
    this.closing.add(key)
    const id = parseOrderKey(key)
    try {
      const outcome = await this.o.tx.submit({type: 'closeBid', bid: {...id, provider: this.o.address, bseq: row.bseq}, reason: rec.reason})
      const now = this.o.now()
      this.o.store.closeReclamation(key, now)
      if (this.o.store.bid(key)) this.o.store.setBidState(key, 'closed', now, 'reclaimed')
      this.o.events.emit({type: 'lease.reclaimed', lease: key, deadline: new Date(rec.deadline).toISOString(), height: outcome.height, txHash: outcome.txHash})
      await this.o.closeLocal(row, 'reclaimed')
    } catch (error) {
      // Our clock may be ahead of the chain's blocks: the next block tries again, quietly.
      if (!(error instanceof TxRejected && error.code === WINDOW_NOT_ELAPSED) && !/window has not elapsed/.test((error as Error).message)) {
        this.o.events.emit({type: 'warning', message: `closing reclaimed lease ${key} failed (will retry): ${(error as Error).message}`})
      }
    } finally {
      this.closing.delete(key)
    }
  }
}
