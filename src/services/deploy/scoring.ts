/**
 * Explainable bid scoring. Every eligible bid gets a score from 0 to 100:
 *
 *   score = 100 × (w_price·s_price + w_latency·s_latency + w_audit·s_audit + w_hardware·s_hardware)
 *
 *   s_price    = lowest price among the bids / this bid's price          (1 for the cheapest)
 *   s_latency  = lowest measured p50 TLS handshake / this bid's p50      (1 for the fastest, 0 if unmeasured)
 *   s_audit    = 1 if an auditor has signed the provider's attributes, else 0
 *   s_hardware = 1 when the offer matches the requested GPU (or none was requested),
 *                0.5 when the offer does not say which GPU, 0 on a mismatch (such bids are excluded)
 *
 * Weights per strategy: cheapest = price 1; fastest = latency 1; balanced = price 0.5, latency 0.3,
 * audit 0.1, hardware 0.1. Ties go to the lower price, then the lower latency, then the address.
 * Each term is kept with its points so `--explain` can say why the winner won and the others lost.
 */
import type {Bid, ProviderInfo} from '../../market/market.js'
import {formatUsd, perHour, toUsd} from '../../protocol/money.js'
import type {LatencyResult} from '../../provider-client/probe.js'

export type Strategy = 'cheapest' | 'fastest' | 'balanced'
export type Factor = 'price' | 'latency' | 'audit' | 'hardware'

export const WEIGHTS: Record<Strategy, Record<Factor, number>> = {
  cheapest: {price: 1, latency: 0, audit: 0, hardware: 0},
  fastest: {price: 0, latency: 1, audit: 0, hardware: 0},
  balanced: {price: 0.5, latency: 0.3, audit: 0.1, hardware: 0.1},
}

export type HardwareMatch = 'match' | 'mismatch' | 'unverified' | 'n/a'

export interface BidCandidate {
  bid: Bid
  provider?: ProviderInfo
  region?: string
  /** Price per hour, base denom × 10^18. */
  perHour: bigint
  /** USD per hour × 10^18, when the denom has a USD value. */
  usdPerHour?: bigint
  latency?: LatencyResult
  auditors: string[]
  hardware: HardwareMatch
  /** GPU models the offer names, e.g. ["a100"]. */
  gpus: string[]
}

export interface ScoreTerm {
  factor: Factor
  weight: number
  /** 0..1 before weighting. */
  value: number
  /** weight × value × 100. */
  points: number
  /** What was measured, in words: "$0.12/h", "23 ms", "audited by akash1…", "GPU a100 matches". */
  detail: string
}

export interface ScoredBid extends BidCandidate {
  score: number
  terms: ScoreTerm[]
  rank: number
}

const STRATEGIES = new Set<Strategy>(['cheapest', 'fastest', 'balanced'])

export function isStrategy(value: string | undefined): value is Strategy {
  return value !== undefined && STRATEGIES.has(value as Strategy)
}

/** The provider address `--select` names, if it names one rather than a strategy. */
export function wantedProvider(select: string | undefined): string | undefined {
  return select && !isStrategy(select) ? select : undefined
}

const round1 = (n: number) => Math.round(n * 10) / 10

/** Ratio best/value of two bigints as a float in 0..1 (both positive). */
function ratio(best: bigint, value: bigint): number {
  if (value <= 0n) return 1
  return Number((best * 1_000_000n) / value) / 1_000_000
}

export function describePrice(c: Pick<BidCandidate, 'usdPerHour' | 'perHour' | 'bid'>): string {
  if (c.usdPerHour !== undefined) return `${formatUsd(c.usdPerHour)}/h`
  return `${c.perHour} ${c.bid.price.denom}×10⁻¹⁸/h`
}

export function describeLatency(l: LatencyResult | undefined): string {
  if (!l || l.p50Ms === undefined) return `unmeasured${l?.error ? ` (${l.error})` : ''}`
  return `${Math.round(l.p50Ms)} ms`
}

/** Scores and ranks bids (best first) for a strategy. */
export function scoreBids(candidates: readonly BidCandidate[], strategy: Strategy): ScoredBid[] {
  const weights = WEIGHTS[strategy]
  const eligible = candidates.filter((c) => c.hardware !== 'mismatch')
  if (eligible.length === 0) return []
  const bestPrice = eligible.reduce((min, c) => (c.perHour < min ? c.perHour : min), eligible[0].perHour)
  const measured = eligible.map((c) => c.latency?.p50Ms).filter((v): v is number => v !== undefined && v > 0)
  const bestLatency = measured.length ? Math.min(...measured) : undefined

  const scored = eligible.map((c) => {
    const sPrice = ratio(bestPrice, c.perHour)
    const p50 = c.latency?.p50Ms
    const sLatency = bestLatency !== undefined && p50 !== undefined && p50 > 0 ? bestLatency / p50 : 0
    const sAudit = c.auditors.length > 0 ? 1 : 0
    const sHardware = c.hardware === 'match' || c.hardware === 'n/a' ? 1 : 0.5
    const terms: ScoreTerm[] = [
      {factor: 'price', weight: weights.price, value: sPrice, points: 0, detail: describePrice(c) + (sPrice === 1 ? ' (lowest)' : ` (${(1 / sPrice).toFixed(2)}× the lowest)`)},
      {
        factor: 'latency',
        weight: weights.latency,
        value: sLatency,
        points: 0,
        detail: describeLatency(c.latency) + (sLatency === 1 ? ' (fastest)' : sLatency > 0 ? ` (${(1 / sLatency).toFixed(1)}× the fastest)` : ''),
      },
      {factor: 'audit', weight: weights.audit, value: sAudit, points: 0, detail: sAudit ? `audited by ${c.auditors.join(', ')}` : 'not audited'},
      {
        factor: 'hardware',
        weight: weights.hardware,
        value: sHardware,
        points: 0,
        detail:
          c.hardware === 'n/a'
            ? 'no GPU requested'
            : c.hardware === 'match'
              ? `GPU ${c.gpus.join(', ')} matches`
              : 'offer does not name its GPU',
      },
    ]
    for (const t of terms) t.points = round1(t.weight * t.value * 100)
    const score = round1(terms.reduce((sum, t) => sum + t.weight * t.value * 100, 0))
    return {...c, score, terms, rank: 0}
  })

  scored.sort(
    (a, b) =>
      b.score - a.score ||
      (a.perHour < b.perHour ? -1 : a.perHour > b.perHour ? 1 : 0) ||
      (a.latency?.p50Ms ?? Infinity) - (b.latency?.p50Ms ?? Infinity) ||
      a.bid.id.provider.localeCompare(b.bid.id.provider),
  )
  scored.forEach((s, i) => (s.rank = i + 1))
  return scored
}

/** One sentence on why `winner` beat `loser`: the term that cost the loser the most points. */
export function whyLost(winner: ScoredBid, loser: ScoredBid): string {
  let worst: {factor: Factor; gap: number; w: ScoreTerm; l: ScoreTerm} | undefined
  for (const lt of loser.terms) {
    const wt = winner.terms.find((t) => t.factor === lt.factor)!
    const gap = wt.points - lt.points
    if (!worst || gap > worst.gap) worst = {factor: lt.factor, gap, w: wt, l: lt}
  }
  if (!worst || worst.gap <= 0) {
    return `tied on score (${loser.score}); lost the tie-break (${describePrice(loser)} vs ${describePrice(winner)}, ${describeLatency(loser.latency)} vs ${describeLatency(winner.latency)})`
  }
  return `${worst.gap.toFixed(1)} points behind on ${worst.factor}: ${worst.l.detail} vs ${worst.w.detail}`
}

export interface Explanation {
  strategy: Strategy
  weights: Record<Factor, number>
  winner: {provider: string; score: number; terms: ScoreTerm[]}
  others: Array<{provider: string; score: number; rank: number; why: string}>
}

/** Who made the choice: the strategy (scores decide), `--select <provider>`, or the person at the picker. */
export type ChosenBy = Strategy | 'provider' | 'user'

/** Why the others lost when the scores did not decide: comparing points would blame the wrong thing. */
const NOT_CHOSEN: Partial<Record<ChosenBy, string>> = {
  provider: 'not chosen: --select named another provider',
  user: 'not chosen: you picked another bid',
}

export function explain(scored: readonly ScoredBid[], strategy: Strategy, chosen?: ScoredBid, by: ChosenBy = strategy): Explanation | undefined {
  const winner = chosen ?? scored[0]
  if (!winner) return undefined
  const why = (s: ScoredBid) => NOT_CHOSEN[by] ?? whyLost(winner, s)
  return {
    strategy,
    weights: WEIGHTS[strategy],
    winner: {provider: winner.bid.id.provider, score: winner.score, terms: winner.terms},
    others: scored.filter((s) => s !== winner).map((s) => ({provider: s.bid.id.provider, score: s.score, rank: s.rank, why: why(s)})),
  }
}

/** Per-hour figures of a per-block bid price. */
export function bidPerHour(bid: Bid, blockTimeMs: number, aktUsd?: bigint): {perHour: bigint; usdPerHour?: bigint} {
  const ph = perHour(bid.price.amount, blockTimeMs)
  const usd = toUsd(ph, bid.price.denom, aktUsd)
  return {perHour: ph, ...(usd === undefined ? {} : {usdPerHour: usd})}
}
