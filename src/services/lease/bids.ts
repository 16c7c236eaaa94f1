/** `edge bids`: the bids on a deployment, priced, measured and scored the way `edge deploy` scores them. */
import type {AuditedAttributes, Bid, ProviderInfo} from '../../market/market.js'
import {measureLatency, type HandshakeProbe, type LatencyResult} from '../../provider-client/probe.js'
import {bidView} from '../deploy/bid-view.js'
import type {Excluded, Filters} from '../deploy/candidates.js'
import {scoreGroups} from '../deploy/choose.js'
import {bidsByBlock} from '../deploy/collect-bids.js'
import type {BidView} from '../deploy/events.js'
import {type Explanation, type Strategy, explain} from '../deploy/scoring.js'
import {UsdPricing} from '../usd.js'
import type {TenantContext} from './context.js'
import {requireDeployment} from './lease.js'

export interface BidsResult {
  dseq: bigint
  height: number
  strategy: Strategy
  groups: Array<{gseq: number; name: string; bids: BidView[]; excluded: Excluded[]; explanation?: Explanation}>
  /** Bids that are no longer open (lost, closed, or the active one). */
  settled: Array<{provider: string; gseq: number; state: string}>
}

export interface BidsOptions extends Filters {
  probe: boolean
  strategy: Strategy
  prober?: HandshakeProbe
  /** Latency already measured, by host URI (`--watch` measures each bidder once, not every block). */
  measured?: Map<string, LatencyResult>
  /** Overrides the context's warning sink (`--watch` warns once, not every block). */
  warn?: (message: string) => void
}

/** The bids as of now, or as of a block the caller already read them at. */
export async function listBids(ctx: TenantContext, dseq: bigint, options: BidsOptions, at?: {height: number; bids: Bid[]}): Promise<BidsResult> {
  const deployment = await requireDeployment(ctx, dseq)
  const [bids, block, aktPrice] = await Promise.all([
    at?.bids ?? ctx.market.bids({owner: ctx.owner, dseq}),
    at ?? ctx.market.latestBlock(),
    ctx.market.aktPrice(),
  ])
  const pricing = new UsdPricing(aktPrice, options.warn ?? ctx.warn)
  const open = bids.filter((b) => b.state === 'open' || b.state === 'active')
  const owners = [...new Set(open.map((b) => b.id.provider))]
  const providers = new Map<string, ProviderInfo>()
  const audits = new Map<string, AuditedAttributes[]>()
  await Promise.all(
    owners.map(async (o) => {
      const [info, audit] = await Promise.all([ctx.market.provider(o).catch(() => undefined), ctx.market.auditedAttributes(o).catch(() => [])])
      if (info) providers.set(o, info)
      audits.set(o, audit)
    }),
  )
  const latency = options.measured ?? new Map<string, LatencyResult>()
  const unmeasured = options.probe ? [...providers.values()].map((p) => p.hostUri).filter((h) => !latency.has(h)) : []
  if (unmeasured.length > 0) {
    for (const [host, result] of await measureLatency(unmeasured, options.prober ? {probe: options.prober} : {})) latency.set(host, result)
  }
  const scores = scoreGroups({
    bids: open,
    groups: deployment.groups.map((g) => ({gseq: g.id.gseq, name: g.spec.name, spec: g.spec})),
    providers,
    audits,
    latency,
    blockTimeMs: ctx.network.blockTimeMs,
    aktUsd: pricing.aktUsd,
    filters: options,
    strategy: options.strategy,
  })
  const groups = scores.groups.map((g) => {
    const exp = explain(g.scored, options.strategy)
    return {gseq: g.gseq, name: g.name, bids: g.scored.map((b) => bidView(b, pricing)), excluded: g.excluded, ...(exp ? {explanation: exp} : {})}
  })
  return {
    dseq,
    height: block.height,
    strategy: options.strategy,
    groups,
    settled: bids.filter((b: Bid) => b.state !== 'open').map((b) => ({provider: b.id.provider, gseq: b.id.gseq, state: b.state})),
  }
}

/**
 * `edge bids --watch`: the bids now, then again at every new block (the block watch `edge deploy`
 * collects with), each time with the bids not reported before. Ends when `signal` aborts.
 */
export async function* watchBids(ctx: TenantContext, dseq: bigint, options: BidsOptions, signal: AbortSignal): AsyncGenerator<{result: BidsResult; fresh: BidView[]}, BidsResult> {
  const reported = new Set<string>()
  const fresh = (r: BidsResult) =>
    r.groups.flatMap((g) => g.bids).filter((b) => {
      const key = `${b.provider}/${b.gseq}/${b.oseq}/${b.bseq}`
      if (reported.has(key)) return false
      reported.add(key)
      return true
    })
  let result = await listBids(ctx, dseq, options)
  yield {result, fresh: fresh(result)}
  for await (const block of bidsByBlock(ctx.market, {owner: ctx.owner, dseq}, signal, {after: result.height})) {
    result = await listBids(ctx, dseq, options, block)
    yield {result, fresh: fresh(result)}
  }
  return result
}
