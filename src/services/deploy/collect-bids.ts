/**
 * Collecting bids, block by block. `bidsByBlock` is the one block watch over a deployment's bids:
 * `edge deploy` collects with it until the bid window closes, `edge bids --watch` follows with it.
 */
import type {Bid, BidId, Market} from '../../market/market.js'
import {bidPrice, bidUsdPerHour} from './bid-view.js'
import type {RunGroup} from './create.js'
import type {DeployEvent} from './events.js'
import {bidPerHour, wantedProvider} from './scoring.js'
import {type RunState, checkCancelled, dseqOf} from './state.js'
import {count} from '../../lib/plural.js'

export const bidKey = (id: BidId) => `${id.gseq}/${id.oseq}/${id.provider}/${id.bseq}`

export interface BidBlock {
  height: number
  /** Every bid on the deployment at this height, in any state. */
  bids: Bid[]
  /** Open or active bids not seen at an earlier height. */
  fresh: Bid[]
}

/** Each new block's bids on one deployment (after height `after`, when given), until `signal` aborts. */
export async function* bidsByBlock(
  market: Pick<Market, 'watchBlocks' | 'bids'>,
  deployment: {owner: string; dseq: bigint},
  signal: AbortSignal,
  options: {after?: number} = {},
): AsyncGenerator<BidBlock, void> {
  const seen = new Set<string>()
  for await (const block of market.watchBlocks(signal)) {
    if (options.after !== undefined && block.height <= options.after) continue
    const bids = await market.bids({owner: deployment.owner, dseq: deployment.dseq})
    const fresh = bids.filter((b) => (b.state === 'open' || b.state === 'active') && !seen.has(bidKey(b.id)))
    for (const b of fresh) seen.add(bidKey(b.id))
    yield {height: block.height, bids, fresh}
  }
}

/**
 * The bids on the groups, until the window closes: every provider that could bid has bid, or the
 * order has a bid per group and `settleBlocks` more blocks passed, or the named provider bid on
 * every group, or the bid timeout (or Ctrl-C) came first.
 */
export async function* collectBids(run: RunState, groups: RunGroup[]): AsyncGenerator<DeployEvent, Bid[]> {
  const {ctx, clock, input} = run
  const wanted = wantedProvider(input.select)
  const settle = input.settleBlocks ?? ctx.network.profile.settleBlocks
  const seconds = Math.round(input.bidTimeoutMs / 1000)
  yield clock.step('bids', 'started', `Waiting for bids (up to ${seconds} s)`)
  const expected = new Set((await run.directory.matching(groups.map((g) => g.spec))).map((p) => p.owner))
  const bids: Bid[] = []
  const deadline = clock.now() + input.bidTimeoutMs
  // Ends the block watch at the bid deadline or on Ctrl-C, whichever comes first.
  const controller = new AbortController()
  const onAbort = () => controller.abort()
  run.signal.addEventListener('abort', onAbort, {once: true})
  const timer = setTimeout(() => controller.abort(), input.bidTimeoutMs)
  let settleUntil: number | undefined
  let lastHeight = 0
  try {
    for await (const block of bidsByBlock(ctx.market, {owner: run.owner, dseq: dseqOf(run)}, controller.signal)) {
      lastHeight = block.height
      for (const b of block.fresh) {
        bids.push(b)
        run.blocks.firstBid ??= block.height
        yield bidEvent(run, b, block.height)
      }
      const bidOn = (g: RunGroup, provider?: string) => bids.some((b) => b.id.gseq === g.gseq && (provider === undefined || b.id.provider === provider))
      if (wanted) {
        if (groups.every((g) => bidOn(g, wanted))) break
      } else if (groups.every((g) => bidOn(g))) {
        const bidders = new Set(bids.map((b) => b.id.provider))
        if (expected.size > 0 && [...expected].every((p) => bidders.has(p))) break
        settleUntil ??= block.height + settle
        if (block.height >= settleUntil) break
      }
      if (clock.now() >= deadline) break
    }
  } finally {
    clearTimeout(timer)
    run.signal.removeEventListener('abort', onAbort)
  }
  checkCancelled(run)
  const providers = new Set(bids.map((b) => b.id.provider)).size
  if (bids.length === 0) yield clock.step('bids', 'failed', `No bids within ${seconds} s`, lastHeight || undefined)
  else yield clock.step('bids', 'succeeded', `${count(bids.length, 'bid')} from ${count(providers, 'provider')}`, lastHeight || undefined)
  return bids
}

function bidEvent(run: RunState, b: Bid, height: number): DeployEvent {
  const {usdPerHour} = bidPerHour(b, run.ctx.network.blockTimeMs, run.pricing.aktUsd)
  return run.clock.event({
    type: 'bid',
    provider: b.id.provider,
    gseq: b.id.gseq,
    oseq: b.id.oseq,
    bseq: b.id.bseq,
    price: bidPrice(usdPerHour, b.price),
    ...bidUsdPerHour(usdPerHour, b.price.denom, run.pricing),
    height,
  })
}
