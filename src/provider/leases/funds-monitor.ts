/**
 * The lease funds monitor: Akash's provider (balance_checker.go) watches each lease's escrow and,
 * once the deployment's deposit cannot pay another block, sends MsgWithdrawLease. That withdrawal
 * is what makes the chain settle the account, find it overdrawn and close the deployment and its
 * leases (`insufficient_funds`): node v2.1 settles lazily, on transactions only, never per block.
 * Without this a deposit sized to a TTL would run dry and nobody would tell the chain until the next
 * periodic withdrawal (every `withdrawIntervalS`) or the tenant's own close.
 *
 * Akash turns "blocks left" into a timer with an average block time; we count blocks, since we
 * are told about every block. The check interval caps how long a lease goes unchecked, as
 * `--lease-funds-monitor-interval` does.
 */
import type {Deployment, Lease, LeaseFilter} from '../../market/market.js'
import {parseOrderKey} from '../state/keys.js'
import type {LeaseRow} from '../state/store.js'

/** A failed check is retried after this long (Akash: one minute). */
const RETRY_MS = 60_000

export interface FundsMonitorOptions {
  market: {deployment(id: {owner: string; dseq: bigint}): Promise<Deployment | undefined>; leases(filter: LeaseFilter): Promise<Lease[]>}
  /** Longest time between two checks of one lease (Akash's default: 10 minutes). */
  checkIntervalMs: number
  /** The leases to watch (those that run and bill). */
  leases(): LeaseRow[]
  /** Withdraws from one lease: the chain settles and, out of funds, closes it. */
  withdraw(row: LeaseRow): Promise<unknown>
  /** How long after a lease is first seen its first check comes (default: random, see FIRST_CHECK_SPREAD_MS). */
  firstCheckDelayMs?: () => number
}

/**
 * A lease's first check comes at a random time within this (or the check interval, if shorter),
 * as Akash's does: after a restart every lease is new to the monitor, and checking them all in
 * the same block would send two queries per lease at once.
 */
const FIRST_CHECK_SPREAD_MS = 60_000

interface Watch {
  /** Check again at this height (when the deposit runs out), or at `dueAt`, whichever comes first. */
  dueHeight?: number
  dueAt: number
  checking: boolean
}

/**
 * Blocks the deployment's escrow still pays for at the leases' total rate, as Akash's
 * `LeaseCalcBlocksRemain(LeaseCalcBalanceRemain(...))`: funds less what was owed since the last
 * settlement, over the rate, truncated toward zero (so it is 0 with less than one block left).
 */
export function blocksRemaining(escrow: {funds: Array<{denom: string; amount: bigint}>; settledAt: number}, height: number, rate: {denom: string; amount: bigint}): bigint {
  if (rate.amount <= 0n) return BigInt(Number.MAX_SAFE_INTEGER)
  const funds = escrow.funds.find((f) => f.denom === rate.denom)?.amount ?? 0n
  const remain = funds - BigInt(height - escrow.settledAt) * rate.amount
  return remain / rate.amount
}

export class FundsMonitor {
  private readonly watched = new Map<string, Watch>()

  private readonly firstCheckDelayMs: () => number

  constructor(private readonly o: FundsMonitorOptions) {
    const spread = Math.min(FIRST_CHECK_SPREAD_MS, o.checkIntervalMs)
    this.firstCheckDelayMs = o.firstCheckDelayMs ?? (() => Math.floor(Math.random() * spread))
  }

  /** Called every block: checks the leases that are due (new ones within a minute, spread). */
  tick(now: number, height: number | undefined): void {
    const rows = this.o.leases()
    const live = new Set(rows.map((r) => r.orderKey))
    for (const key of this.watched.keys()) if (!live.has(key)) this.watched.delete(key)
    for (const row of rows) {
      let w = this.watched.get(row.orderKey)
      if (!w) {
        w = {dueAt: now + this.firstCheckDelayMs(), checking: false}
        this.watched.set(row.orderKey, w)
      }
      const due = now >= w.dueAt || (height !== undefined && w.dueHeight !== undefined && height >= w.dueHeight)
      if (!due || w.checking || height === undefined) continue
      w.checking = true
      void this.check(row, w, now, height).finally(() => (w.checking = false))
    }
  }

  private async check(row: LeaseRow, w: Watch, now: number, height: number): Promise<void> {
    const id = parseOrderKey(row.orderKey)
    try {
      const [deployment, leases] = await Promise.all([
        this.o.market.deployment({owner: id.owner, dseq: id.dseq}),
        this.o.market.leases({owner: id.owner, dseq: id.dseq, state: 'active'}),
      ])
      const escrow = deployment?.escrow
      if (!escrow || leases.length === 0) {
        // Closed or not listed yet: the lease reconciler decides; look again later.
        w.dueHeight = undefined
        w.dueAt = now + RETRY_MS
        return
      }
      const denom = leases[0].price.denom
      const rate = {denom, amount: leases.filter((l) => l.price.denom === denom).reduce((sum, l) => sum + l.price.amount, 0n)}
      const left = blocksRemaining(escrow, height, rate)
      if (left <= 0n) {
        // Out of funds: withdrawing makes the chain settle and close what it can no longer pay
        // for. Akash looks again after a fixed ten minutes (a deposit that ran out exactly, with
        // nothing owed yet, is found overdrawn then); we use the check interval, 10 minutes too by
        // default, so that edge dev can make it short.
        w.dueHeight = undefined
        w.dueAt = now + this.o.checkIntervalMs
        await this.o.withdraw(row)
        return
      }
      w.dueHeight = height + Number(left)
      w.dueAt = now + this.o.checkIntervalMs
    } catch {
      w.dueHeight = undefined
      w.dueAt = now + RETRY_MS
    }
  }
}
