/** `edge bids`: the bids on a deployment, priced, measured and scored the way `edge deploy` scores them. */
import type {AuditedAttributes, Bid, GroupSpec, ProviderInfo} from '../../market/market.js'
import {measureLatency, type HandshakeProbe, type LatencyResult} from '../../provider-client/probe.js'
import {applyFilters, buildCandidates, type Excluded, type Filters} from '../deploy/candidates.js'
import {bidView} from '../deploy/deploy.js'
import type {BidView} from '../deploy/events.js'
import {type Explanation, type Strategy, explain, scoreBids} from '../deploy/scoring.js'
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

export async function listBids(ctx: TenantContext, dseq: bigint, options: BidsOptions): Promise<BidsResult> {
  const deployment = await requireDeployment(ctx, dseq)
  const [bids, block, aktPrice] = await Promise.all([ctx.market.bids({owner: ctx.owner, dseq}), ctx.market.latestBlock(), ctx.market.aktPrice()])
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
  const specs = new Map<number, GroupSpec>(deployment.groups.map((g) => [g.id.gseq, g.spec]))
  const candidates = buildCandidates({bids: open, providers, audits, latency, specs, blockTimeMs: ctx.network.blockTimeMs, aktUsd: pricing.aktUsd})
  const {kept, excluded} = applyFilters(candidates, options)
  const groups = deployment.groups.map((g) => {
    const scored = scoreBids(kept.filter((c) => c.bid.id.gseq === g.id.gseq), options.strategy)
    const exp = explain(scored, options.strategy)
    return {
      gseq: g.id.gseq,
      name: g.spec.name,
      bids: scored.map((b) => bidView(b, pricing)),
      excluded: excluded.filter((e) => candidates.some((c) => c.bid.id.gseq === g.id.gseq && c.bid.id.provider === e.provider)),
      ...(exp ? {explanation: exp} : {}),
    }
  })
  return {
    dseq,
    height: block.height,
    strategy: options.strategy,
    groups,
    settled: bids.filter((b: Bid) => b.state !== 'open').map((b) => ({provider: b.id.provider, gseq: b.id.gseq, state: b.state})),
  }
}
