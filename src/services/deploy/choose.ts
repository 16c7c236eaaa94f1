/**
 * Choosing: the bids scored per group (the one scoring `edge deploy` and `edge bids` share), then
 * one bid per group, by strategy, by the provider named in --select, or by the person at the
 * terminal; and the whole deployment's price cap.
 */
import {NoBidsError} from '../../errors.js'
import type {AuditedAttributes, Bid, GroupSpec, ProviderInfo} from '../../market/market.js'
import {formatUsd} from '../../protocol/money.js'
import type {LatencyResult} from '../../provider-client/probe.js'
import {bidView, describeBid} from './bid-view.js'
import {type Excluded, type Filters, applyFilters, buildCandidates} from './candidates.js'
import type {RunGroup} from './create.js'
import type {DeployEvent} from './events.js'
import {noBids} from './no-bids.js'
import {type ChosenBy, type ScoredBid, type Strategy, explain, isStrategy, scoreBids, wantedProvider} from './scoring.js'
import {type RunState, checkCancelled} from './state.js'

export interface ScoringInput {
  bids: readonly Bid[]
  groups: ReadonlyArray<{gseq: number; name: string; spec: GroupSpec}>
  providers: ReadonlyMap<string, ProviderInfo>
  audits: ReadonlyMap<string, readonly AuditedAttributes[]>
  latency: ReadonlyMap<string, LatencyResult>
  blockTimeMs: number
  aktUsd?: bigint
  filters: Filters
  strategy: Strategy
}

export interface GroupScores {
  gseq: number
  name: string
  /** Best first. */
  scored: ScoredBid[]
  /** Bids on this group that the filters dropped, with why. */
  excluded: Excluded[]
}

/** Every bid priced, measured, filtered and scored, group by group. */
export function scoreGroups(input: ScoringInput): {groups: GroupScores[]; excluded: Excluded[]} {
  const specs = new Map(input.groups.map((g) => [g.gseq, g.spec]))
  const candidates = buildCandidates({...input, specs})
  const {kept, excluded} = applyFilters(candidates, input.filters)
  const groups = input.groups.map((g) => ({
    gseq: g.gseq,
    name: g.name,
    scored: scoreBids(kept.filter((c) => c.bid.id.gseq === g.gseq), input.strategy),
    excluded: excluded.filter((e) => candidates.some((c) => c.bid.id.gseq === g.gseq && c.bid.id.provider === e.provider)),
  }))
  return {groups, excluded}
}

export interface Chosen {
  group: RunGroup
  scored: ScoredBid
  by: ChosenBy
}

export async function* chooseBids(run: RunState, groups: RunGroup[], bids: Bid[], latency: Map<string, LatencyResult>): AsyncGenerator<DeployEvent, Chosen[]> {
  const {ctx, clock, input, pricing} = run
  const strategy: Strategy = isStrategy(input.select) ? input.select : 'balanced'
  const wanted = wantedProvider(input.select)
  yield clock.step('select', 'started', 'Choosing')
  const scores = scoreGroups({
    bids,
    groups,
    providers: run.directory.providers,
    audits: run.directory.audits,
    latency,
    blockTimeMs: ctx.network.blockTimeMs,
    aktUsd: pricing.aktUsd,
    filters: {...(input.maxUsdPerHour !== undefined ? {maxUsdPerHour: input.maxUsdPerHour} : {}), ...(input.region ? {region: input.region} : {})},
    strategy,
  })
  for (const g of scores.groups) yield clock.event({type: 'bids_scored', gseq: g.gseq, strategy, bids: g.scored.map((s) => bidView(s, pricing)), excluded: g.excluded})
  const empty = groups.filter((_g, i) => scores.groups[i].scored.length === 0)
  if (empty.length > 0) yield* noBids(run, groups, bids, scores.excluded, empty)
  const chosen: Chosen[] = []
  for (const [i, group] of groups.entries()) {
    const {scored, excluded} = scores.groups[i]
    let pick: Omit<Chosen, 'group'>
    if (wanted) {
      const found = scored.find((s) => s.bid.id.provider === wanted)
      if (!found) {
        const why = excluded.find((e) => e.provider === wanted)
        yield clock.step('select', 'failed', `${wanted} did not bid`)
        throw new NoBidsError(`Provider ${wanted} ${why ? why.detail : 'did not bid'} on group ${group.name}.`, {
          hint: `Bids came from: ${scored.map((s) => s.bid.id.provider).join(', ') || 'nobody'}. Choose one of them, or use --select balanced.`,
          details: {bids: scored.map((s) => bidView(s, pricing)), excluded},
        })
      }
      pick = {scored: found, by: 'provider'}
    } else if (isStrategy(input.select) || !ctx.choose) {
      pick = {scored: scored[0], by: strategy}
    } else {
      const picked = await ctx.choose({gseq: group.gseq, groupName: group.name, bids: scored, rows: scored.map((s) => bidView(s, pricing)), excluded, strategy})
      checkCancelled(run)
      pick = {scored: picked, by: 'user'}
    }
    const explanation = explain(scored, strategy, pick.scored, pick.by)
    run.explanation ??= explanation
    yield clock.event({type: 'bid_selected', gseq: group.gseq, provider: pick.scored.bid.id.provider, score: pick.scored.score, by: pick.by, ...(explanation ? {explanation} : {})})
    chosen.push({group, ...pick})
  }
  // The cap is for the whole deployment.
  if (input.maxUsdPerHour !== undefined) {
    const total = chosen.reduce((sum, c) => sum + (c.scored.usdPerHour ?? 0n), 0n)
    if (total > input.maxUsdPerHour) {
      yield clock.step('select', 'failed', 'Over the price cap')
      throw new NoBidsError(`The chosen bids cost ${formatUsd(total)}/h together, above --max-price ${formatUsd(input.maxUsdPerHour)}/h.`, {
        hint: 'Raise --max-price, or simplify the SDL to fewer placement groups.',
      })
    }
  }
  yield clock.step('select', 'succeeded', `Chose ${chosen.map((c) => `${c.scored.bid.id.provider} (${describeBid(c.scored)})`).join(', ')}`)
  return chosen
}
