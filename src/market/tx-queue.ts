import type {BatchMsg, Broadcaster, SignerSequence} from './market.js'
import {TxRejected, type TxOutcome, describeMsg} from './tx-messages.js'

export interface TxQueueOptions {
  /** Messages per transaction. */
  maxPerTx?: number
  /** Extra margin over the broadcaster's gas limit (which already carries the market's fee policy); default none. */
  gasMultiplier?: number
  /** How long to wait for inclusion before assuming the transaction was dropped. */
  inclusionTimeoutMs?: number
  /** Attempts per message before it is rejected. */
  maxAttempts?: number
  onEvent?: (event: TxQueueEvent) => void
}

export type TxQueueEvent =
  | {type: 'tx.broadcast'; hash: string; messages: number; sequence: number}
  | {type: 'tx.included'; hash: string; height: number; messages: number}
  | {type: 'tx.failed'; hash?: string; message: string; messages: number}

interface Pending {
  msg: BatchMsg
  attempts: number
  /** Sent alone after a batch failed without saying which message was at fault. */
  solo?: boolean
  resolve(outcome: TxOutcome): void
  reject(error: Error): void
}

const MSG_INDEX = /message index:?\s*(\d+)/i
const WRONG_SEQUENCE = /account sequence mismatch|incorrect account sequence|wrong sequence/i

/**
 * Every transaction of a running provider goes through one queue, so one account never races
 * itself for sequence numbers. Messages waiting when a transaction is built ride together (200
 * bids in one block become a few transactions, not 200 blocks of them), transactions are
 * pipelined with consecutive sequences, and a message the chain refuses is taken out — by the
 * message index Cosmos reports — while the others are sent again. Its chain side is the Market's
 * batch broadcaster (`market.tx.batchBroadcaster()`); `edge provide withdraw` and `reclaim` use the
 * same queue without a running provider.
 */
export class TxQueue {
  private readonly queue: Pending[] = []
  private readonly inflight = new Set<Promise<void>>()
  private nextSequence?: SignerSequence
  private pumping = false
  private closed = false
  /** Gas one message of each type needed in the last simulation, for sizing without simulating. */
  private readonly gasPerMsg = new Map<BatchMsg['type'], number>()
  private readonly maxPerTx: number
  private readonly multiplier: number
  private readonly inclusionTimeoutMs: number
  private readonly maxAttempts: number
  /** Grows when the chain says out of gas: Akash's simulation can fall short of delivery. */
  private boost = 1

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly options: TxQueueOptions = {},
  ) {
    this.maxPerTx = options.maxPerTx ?? 50
    this.multiplier = options.gasMultiplier ?? 1
    this.inclusionTimeoutMs = options.inclusionTimeoutMs ?? 60_000
    this.maxAttempts = options.maxAttempts ?? 3
  }

  /** Resolves once the message is in a block; rejects with TxRejected when the chain refuses it. */
  submit(msg: BatchMsg): Promise<TxOutcome> {
    if (this.closed) return Promise.reject(new Error('the transaction queue is closed'))
    return new Promise<TxOutcome>((resolve, reject) => {
      this.queue.push({msg, attempts: 0, resolve, reject})
      queueMicrotask(() => void this.pump())
    })
  }

  get pending(): number {
    return this.queue.length
  }

  /** Waits for what is in flight; new submissions are refused. */
  async close(): Promise<void> {
    this.closed = true
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
    for (const p of this.queue.splice(0)) p.reject(new Error('the provider is stopping'))
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.queue.length > 0) {
        let batch: Pending[]
        if (this.queue[0].solo) batch = [this.queue.shift()!]
        else {
          let n = 0
          while (n < this.queue.length && n < this.maxPerTx && !this.queue[n].solo) n++
          batch = this.queue.splice(0, n)
        }
        await this.sendBatch(batch)
      }
    } finally {
      this.pumping = false
    }
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    if (!this.nextSequence) {
      // Only the committed sequence is knowable; let what is in flight land first.
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight])
      try {
        this.nextSequence = await this.broadcaster.sequence()
      } catch (error) {
        this.retryOrReject(batch, error as Error)
        return
      }
    }
    const signer = {...this.nextSequence}
    const msgs = batch.map((p) => p.msg)
    let gas = this.estimateFromCache(msgs)
    if (gas === undefined || this.inflight.size === 0) {
      try {
        const simulated = await this.broadcaster.simulate(msgs, signer)
        this.learnGas(msgs, simulated)
        gas = Math.ceil(simulated * this.multiplier * this.boost)
      } catch (error) {
        if (gas === undefined || !WRONG_SEQUENCE.test(String((error as Error).message))) {
          this.handleFailure(batch, error as Error)
          return
        }
      }
    }
    let hash: string
    try {
      hash = await this.broadcaster.broadcast(msgs, gas, signer)
    } catch (error) {
      if (WRONG_SEQUENCE.test(String((error as Error).message))) {
        this.nextSequence = undefined
        this.requeue(batch, false)
        return
      }
      this.handleFailure(batch, error as Error)
      return
    }
    this.nextSequence = {accountNumber: signer.accountNumber, sequence: signer.sequence + 1}
    this.options.onEvent?.({type: 'tx.broadcast', hash, messages: msgs.length, sequence: signer.sequence})
    const waiting = this.awaitInclusion(hash, batch)
    this.inflight.add(waiting)
    void waiting.finally(() => this.inflight.delete(waiting))
  }

  private async awaitInclusion(hash: string, batch: Pending[]): Promise<void> {
    let result: {height: number; code: number; log: string}
    try {
      result = await this.broadcaster.waitFor(hash, this.inclusionTimeoutMs)
    } catch (error) {
      // Dropped or unknown: the sequence may not have been used; read it again before resending.
      this.nextSequence = undefined
      this.options.onEvent?.({type: 'tx.failed', hash, message: (error as Error).message, messages: batch.length})
      this.retryOrReject(batch, error as Error)
      void this.pump()
      return
    }
    if (result.code === 0) {
      this.options.onEvent?.({type: 'tx.included', hash, height: result.height, messages: batch.length})
      for (const p of batch) p.resolve({txHash: hash, height: result.height})
      return
    }
    this.options.onEvent?.({type: 'tx.failed', hash, message: result.log, messages: batch.length})
    if (result.code === 11 && /out of gas/i.test(result.log)) {
      // Only the fee was spent: send the same messages again with more gas.
      this.boost = Math.min(this.boost * 1.5, 4)
      this.retryOrReject(batch, new TxRejected(result.log, result.code, result.log))
      void this.pump()
      return
    }
    this.handleFailure(batch, new TxRejected(result.log || `transaction failed with code ${result.code}`, result.code, result.log))
    void this.pump()
  }

  /** One message failed: reject it and send the rest again; unknown which: split the batch. */
  private handleFailure(batch: Pending[], error: Error): void {
    const text = String(error.message ?? error)
    const index = MSG_INDEX.exec(text)
    if (batch.length === 1) {
      batch[0].reject(asRejected(error, batch[0].msg))
      return
    }
    if (index && Number(index[1]) < batch.length) {
      const i = Number(index[1])
      batch[i].reject(asRejected(error, batch[i].msg))
      this.requeue(batch.filter((_, j) => j !== i), false)
      return
    }
    // No index: send each alone so one bad message cannot sink the others.
    for (const p of batch) {
      p.attempts++
      if (p.attempts >= this.maxAttempts) p.reject(asRejected(error, p.msg))
    }
    const again = batch.filter((p) => p.attempts < this.maxAttempts)
    for (const p of again.reverse()) {
      p.solo = true
      this.queue.unshift(p)
    }
  }

  private requeue(batch: Pending[], countAttempt: boolean): void {
    for (const p of [...batch].reverse()) {
      if (countAttempt) p.attempts++
      this.queue.unshift(p)
    }
  }

  private retryOrReject(batch: Pending[], error: Error): void {
    const keep: Pending[] = []
    for (const p of batch) {
      p.attempts++
      if (p.attempts >= this.maxAttempts) p.reject(asRejected(error, p.msg))
      else keep.push(p)
    }
    this.requeue(keep, false)
  }

  private estimateFromCache(msgs: BatchMsg[]): number | undefined {
    let total = 0
    for (const m of msgs) {
      const g = this.gasPerMsg.get(m.type)
      if (g === undefined) return undefined
      total += g
    }
    return Math.ceil(total * this.multiplier * this.boost * 1.2)
  }

  private learnGas(msgs: BatchMsg[], gas: number): void {
    const types = new Set(msgs.map((m) => m.type))
    if (types.size !== 1) return
    const per = Math.ceil(gas / msgs.length)
    const type = msgs[0].type
    this.gasPerMsg.set(type, Math.max(per, this.gasPerMsg.get(type) ?? 0))
  }
}

function asRejected(error: Error, msg: BatchMsg): Error {
  if (error instanceof TxRejected) return new TxRejected(`${describeMsg(msg)}: ${error.message}`, error.code, error.log)
  return new TxRejected(`${describeMsg(msg)}: ${error.message ?? String(error)}`)
}
