import {describe, expect, it} from 'vitest'

import type {BatchMsg as ProviderMsg, Broadcaster, SignerSequence} from '../../../src/market/market.js'
import {TxQueue} from '../../../src/market/tx-queue.js'
import {OWNER} from '../provider/fakes.js'

const bid = (dseq: number): ProviderMsg => ({
  type: 'createBid',
  order: {owner: OWNER, dseq: BigInt(dseq), gseq: 1, oseq: 1},
  price: {denom: 'uact', amount: 1n},
  deposit: {denom: 'uakt', amount: 500000n},
  resourcesOffer: [],
})

/** A chain that includes every CheckTx-accepted tx in the next "block" and checks sequences. */
class FakeChain implements Broadcaster {
  readonly address = 'akash1provider'
  seq = 7
  height = 100
  txs: Array<{msgs: ProviderMsg[]; sequence: number}> = []
  /** Messages (by dseq) that fail at delivery, with the index Cosmos reports. */
  failing = new Set<number>()
  checkSequence = true
  simulations = 0
  /** Gas delivery really needs per message (above the simulated 50,000 = out of gas). */
  deliveredGasPerMsg = 50_000
  gasSent: number[] = []

  async sequence(): Promise<SignerSequence> {
    return {accountNumber: 3, sequence: this.seq}
  }
  /** 50,000 simulated per message, with the market's 1.5 margin (the fee policy is the broadcaster's). */
  async simulate(msgs: ProviderMsg[]): Promise<number> {
    this.simulations++
    return 75_000 * msgs.length
  }
  private pendingSeq = 0
  async broadcast(msgs: ProviderMsg[], gas: number, signer: SignerSequence): Promise<string> {
    this.gasSent.push(gas)
    const expected = this.seq + this.pendingSeq
    if (this.checkSequence && signer.sequence !== expected) {
      throw new Error(`account sequence mismatch, expected ${expected}, got ${signer.sequence}: incorrect account sequence`)
    }
    this.pendingSeq++
    this.txs.push({msgs, sequence: signer.sequence})
    return `H${this.txs.length}`
  }
  async waitFor(hash: string): Promise<{height: number; code: number; log: string}> {
    await new Promise((r) => setTimeout(r, 5))
    const tx = this.txs[Number(hash.slice(1)) - 1]
    this.seq = Math.max(this.seq, tx.sequence + 1)
    this.pendingSeq = Math.max(0, this.pendingSeq - 1)
    const gas = this.gasSent[Number(hash.slice(1)) - 1]
    if (gas < this.deliveredGasPerMsg * tx.msgs.length) {
      return {height: this.height, code: 11, log: `out of gas in location: WritePerByte; gasWanted: ${gas}, gasUsed: ${this.deliveredGasPerMsg * tx.msgs.length}: out of gas`}
    }
    const bad = tx.msgs.findIndex((m) => m.type === 'createBid' && this.failing.has(Number(m.order.dseq)))
    if (bad >= 0) return {height: this.height, code: 10, log: `failed to execute message; message index: ${bad}: bid exists`}
    return {height: this.height, code: 0, log: ''}
  }
}

describe('TxQueue', () => {
  it('sends again with more gas when delivery runs out of gas (the simulation fell short)', async () => {
    const chain = new FakeChain()
    chain.deliveredGasPerMsg = 90_000
    const q = new TxQueue(chain)
    const result = await q.submit(bid(1))
    expect(result.height).toBe(100)
    expect(chain.txs).toHaveLength(2)
    expect(chain.gasSent[1]).toBeGreaterThan(chain.gasSent[0])
    expect(chain.txs.map((t) => t.sequence)).toEqual([7, 8])
  })

  it('packs messages submitted together into one transaction', async () => {
    const chain = new FakeChain()
    const q = new TxQueue(chain)
    const results = await Promise.all(Array.from({length: 30}, (_, i) => q.submit(bid(i + 1))))
    expect(chain.txs).toHaveLength(1)
    expect(chain.txs[0].msgs).toHaveLength(30)
    expect(new Set(results.map((r) => r.txHash)).size).toBe(1)
    expect(results[0].height).toBe(100)
  })

  it('splits large batches into several transactions with consecutive sequences', async () => {
    const chain = new FakeChain()
    const q = new TxQueue(chain, {maxPerTx: 50})
    await Promise.all(Array.from({length: 200}, (_, i) => q.submit(bid(i + 1))))
    expect(chain.txs.map((t) => t.msgs.length)).toEqual([50, 50, 50, 50])
    expect(chain.txs.map((t) => t.sequence)).toEqual([7, 8, 9, 10])
  })

  it('takes out the message the chain names by index and sends the others again', async () => {
    const chain = new FakeChain()
    chain.failing.add(3)
    const q = new TxQueue(chain)
    const results = await Promise.allSettled([1, 2, 3, 4].map((d) => q.submit(bid(d))))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect((results[2] as PromiseRejectedResult).reason.message).toMatch(/bid on .*\/3\/1\/1: .*bid exists/)
    expect(chain.txs[1].msgs.map((m) => (m.type === 'createBid' ? Number(m.order.dseq) : 0))).toEqual([1, 2, 4])
  })

  it('re-reads the sequence after a mismatch (another client used the account)', async () => {
    const chain = new FakeChain()
    const q = new TxQueue(chain)
    await q.submit(bid(1))
    chain.seq += 5 // someone else sent five transactions
    await expect(q.submit(bid(2))).resolves.toMatchObject({height: 100})
    expect(chain.txs.at(-1)!.sequence).toBe(13)
  })

  it('waits for what is in flight when closed, then refuses new messages', async () => {
    const chain = new FakeChain()
    const q = new TxQueue(chain)
    let included = false
    const inFlight = q.submit(bid(1)).then((r) => {
      included = true
      return r
    })
    await new Promise((r) => setTimeout(r, 1)) // broadcast, not yet included
    expect(included).toBe(false)
    await q.close()
    expect(included).toBe(true)
    await expect(inFlight).resolves.toMatchObject({height: 100})
    await expect(q.submit(bid(2))).rejects.toThrow(/closed/)
    expect(chain.txs).toHaveLength(1)
  })
})
