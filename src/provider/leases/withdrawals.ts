import type {ProviderMsg, TxOutcome} from '../chain/messages.js'
import type {EventHub} from '../events.js'
import {parseOrderKey} from '../state/keys.js'
import type {LeaseRow, ProviderStore} from '../state/store.js'

export interface WithdrawResultSummary {
  leases: string[]
  txHashes: string[]
  failed: Array<{lease: string; message: string}>
}

/**
 * Lease earnings: MsgWithdrawLease for every lease this provider runs, on a timer (every
 * `intervalMs`, 0 = never) and on demand. One run at a time; a second call while one runs
 * returns nothing withdrawn.
 */
export class Withdrawals {
  private last: number
  private running = false

  constructor(
    private readonly o: {
      address: string
      store: ProviderStore
      tx: {submit(msg: ProviderMsg): Promise<TxOutcome>}
      events: EventHub
      intervalMs: number
      now(): number
      /** The leases to withdraw from (those that run and bill, reclaiming ones included). */
      leases(): LeaseRow[]
    },
  ) {
    this.last = o.now()
  }

  /** Starts a withdrawal in the background when the interval has passed. */
  tick(now: number): void {
    if (this.o.intervalMs > 0 && now - this.last >= this.o.intervalMs) {
      this.last = now
      void this.withdrawAll()
    }
  }

  async withdrawAll(): Promise<WithdrawResultSummary> {
    if (this.running) return {leases: [], txHashes: [], failed: []}
    this.running = true
    try {
      return await this.withdrawLeases(this.o.leases())
    } finally {
      this.running = false
    }
  }

  /** MsgWithdrawLease for these leases (the funds monitor's, for a lease whose deposit ran out). */
  async withdrawLeases(rows: LeaseRow[]): Promise<WithdrawResultSummary> {
    const out: WithdrawResultSummary = {leases: [], txHashes: [], failed: []}
    const results = await Promise.allSettled(
      rows.map((row) => {
        const id = parseOrderKey(row.orderKey)
        return this.o.tx.submit({type: 'withdrawLease', lease: {...id, provider: this.o.address, bseq: row.bseq}})
      }),
    )
    const byTx = new Map<string, {height: number; leases: string[]}>()
    results.forEach((r, i) => {
      const key = rows[i].orderKey
      if (r.status === 'fulfilled') {
        this.o.store.updateLease(key, {lastWithdrawAt: this.o.now()})
        this.o.store.recordWithdrawal(key, this.o.now(), r.value.txHash, r.value.height)
        const entry = byTx.get(r.value.txHash) ?? {height: r.value.height, leases: []}
        entry.leases.push(key)
        byTx.set(r.value.txHash, entry)
        out.leases.push(key)
      } else {
        out.failed.push({lease: key, message: (r.reason as Error).message})
      }
    })
    for (const [txHash, entry] of byTx) {
      out.txHashes.push(txHash)
      this.o.events.emit({type: 'earnings.withdrawn', leases: entry.leases, txHash, height: entry.height})
    }
    return out
  }
}
