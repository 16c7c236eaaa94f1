/** The lease phase: MsgCreateLease for each chosen bid, recorded in the ledger. */
import type {Lease} from '../../market/market.js'
import type {Chosen} from './choose.js'
import type {DeployEvent} from './events.js'
import {type RunState, checkCancelled, dseqOf} from './state.js'
import {topUpForTtl} from './ttl-deposit.js'

export async function* createLeases(run: RunState, chosen: Chosen[]): AsyncGenerator<DeployEvent, Lease[]> {
  const {ctx, clock} = run
  const leases: Lease[] = []
  yield clock.step('lease', 'started', `Leasing from ${chosen.map((c) => c.scored.bid.id.provider).join(', ')}`)
  for (const c of chosen) {
    checkCancelled(run)
    const bid = c.scored.bid
    let result
    try {
      result = await ctx.market.tx!.createLease(bid.id)
    } catch (error) {
      yield clock.step('lease', 'failed', (error as Error).message)
      throw error
    }
    run.blocks.leased = result.height
    ctx.ledger.update(run.network, run.owner, dseqOf(run), {
      state: 'leased',
      provider: bid.id.provider,
      gseq: bid.id.gseq,
      oseq: bid.id.oseq,
      bseq: bid.id.bseq,
      pricePerBlock: bid.price.amount,
      denom: bid.price.denom,
      leaseHeight: result.height,
    })
    leases.push({id: bid.id, state: 'active', price: bid.price, createdAt: result.height, closedOn: 0})
    yield clock.event({type: 'lease_created', provider: bid.id.provider, dseq: bid.id.dseq, gseq: bid.id.gseq, oseq: bid.id.oseq, bseq: bid.id.bseq, txHash: result.txHash, height: result.height})
  }
  const toppedUp = yield* topUpForTtl(run, leases)
  yield clock.step('lease', 'succeeded', `Leased in block ${run.blocks.leased}${toppedUp ? `; ${toppedUp}` : ''}`, run.blocks.leased)
  return leases
}

/** Leases an earlier run (same idempotency key) already holds, reported as reused. */
export function* reusedLeases(run: RunState, leases: Lease[]): Generator<DeployEvent, void> {
  for (const l of leases) {
    yield run.clock.event({type: 'lease_created', provider: l.id.provider, dseq: l.id.dseq, gseq: l.id.gseq, oseq: l.id.oseq, bseq: l.id.bseq, height: l.createdAt, reused: true})
  }
}
