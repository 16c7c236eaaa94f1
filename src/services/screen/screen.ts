/**
 * Bid screening from the tenant's side (AEP-67): before anything is created or paid, ask every
 * provider on chain whether it would bid on each group, at what price, and why not. Every
 * provider is asked at once, each with a bounded time; one that does not answer (down, not
 * listening, an Akash provider without the service) is reported as unreachable rather than
 * waited for. The offers are scored with the bid scoring `edge deploy` uses on real bids.
 */
import type {MarketQueries, ProviderInfo} from '../../market/market.js'
import {formatUsd, perHour, toUsd} from '../../protocol/money.js'
import {type ScreeningAnswer, ScreeningHttpError, type ScreeningSend, bidScreeningClient} from '../../provider-client/screening.js'
import type {GroupSpecProto} from '../../sdl/types.js'
import {type Strategy, scoreBids} from '../deploy/scoring.js'
import type {BaseAmountText} from '../../protocol/json-fields.js'
import {count} from '../../lib/plural.js'

export type ScreenVerdict = 'bid' | 'no-bid' | 'unreachable'

export interface ProviderScreen {
  owner: string
  hostUri: string
  verdict: ScreenVerdict
  /** The price it would bid, per block in the order's denom (a decimal), and USD per hour when known. */
  price?: {denom: string; amount: BaseAmountText; usdPerHour?: string}
  /** Why not (verdict no-bid / unreachable), in words a tenant can act on; prefixed with the group when there are several. */
  reasons: string[]
  /** Round trip of the screening request(s), ms. */
  latencyMs: number
  /** Rank among the willing providers by the bid scoring (1 = best); only for verdict bid. */
  rank?: number
  score?: number
}

export interface ScreenResult {
  /** Per provider over all groups: `bid` only when it would bid on every group. */
  providers: ProviderScreen[]
  /** Providers that would bid on every group. */
  willing: number
  asked: number
  unreachable: number
  /** The wall time of the whole screening, ms. */
  elapsedMs: number
  /** For nobody willing: what refused most, to relax first. */
  advice?: string
}

export interface ScreenContext {
  market: Pick<MarketQueries, 'providers'>
  blockTimeMs: number
  /** USD per AKT × 10^18 (the chain's oracle), for offers priced in uakt. */
  aktUsd?: bigint
}

export interface ScreenOptions {
  /** Per provider, ms (default 3000). */
  timeoutMs?: number
  hostnames?: string[]
  strategy?: Strategy
  /** Sends one screening request; tests and other transports replace it. */
  send?: ScreeningSend
  now?: () => number
}

/** Screens `groups` with every provider on chain; resolves within about `timeoutMs`. */
export async function screenProviders(ctx: ScreenContext, groups: readonly GroupSpecProto[], opts: ScreenOptions = {}): Promise<ScreenResult> {
  const now = opts.now ?? Date.now
  const started = now()
  const timeoutMs = opts.timeoutMs ?? 3000
  const askProvider = await bidScreeningClient(groups, {timeoutMs, ...(opts.hostnames ? {hostnames: opts.hostnames} : {}), ...(opts.send ? {send: opts.send} : {})})
  const providers = (await ctx.market.providers()).filter((p) => p.hostUri)

  const ask = async (p: ProviderInfo): Promise<ProviderScreen> => {
    const t0 = now()
    let answers: ScreeningAnswer[]
    try {
      answers = await askProvider(p.hostUri)
    } catch (error) {
      if (error instanceof ScreeningHttpError) {
        return unreachable(p, now() - t0, error.status === 404 || error.status === 501 ? `does not offer bid screening (HTTP ${error.status})` : error.message)
      }
      return unreachable(p, now() - t0, (error as Error).message)
    }
    return verdictOf(p, answers, groups, now() - t0, ctx)
  }
  const screened = await Promise.all(providers.map(ask))
  rankWilling(screened, ctx, opts.strategy ?? 'cheapest')
  screened.sort((a, b) => order(a) - order(b) || (a.rank ?? 0) - (b.rank ?? 0) || a.owner.localeCompare(b.owner))
  const willing = screened.filter((s) => s.verdict === 'bid').length
  const result: ScreenResult = {
    providers: screened,
    willing,
    asked: providers.length,
    unreachable: screened.filter((s) => s.verdict === 'unreachable').length,
    elapsedMs: now() - started,
  }
  if (willing === 0) result.advice = advice(screened, groups.length > 1)
  return result
}

const order = (s: ProviderScreen) => (s.verdict === 'bid' ? 0 : s.verdict === 'no-bid' ? 1 : 2)

function unreachable(p: ProviderInfo, latencyMs: number, why: string): ProviderScreen {
  return {owner: p.owner, hostUri: p.hostUri, verdict: 'unreachable', reasons: [`unreachable: ${why}`], latencyMs}
}

function verdictOf(p: ProviderInfo, answers: ScreeningAnswer[], groups: readonly GroupSpecProto[], latencyMs: number, ctx: ScreenContext): ProviderScreen {
  const named = groups.length > 1
  const reasons = answers.flatMap((a, i) => (a.passed ? [] : (a.reasons.length ? a.reasons : ['would not bid (no reason given)']).map((r) => (named ? `${groups[i].name}: ${r}` : r))))
  if (reasons.length > 0) return {owner: p.owner, hostUri: p.hostUri, verdict: 'no-bid', reasons, latencyMs}
  const denom = answers[0]?.price?.denom ?? ''
  const scaled = answers.reduce((s, a) => s + decToScaled(a.price?.amount ?? '0'), 0n)
  const usd = toUsd(perHour(scaled, ctx.blockTimeMs), denom, ctx.aktUsd)
  return {
    owner: p.owner,
    hostUri: p.hostUri,
    verdict: 'bid',
    price: {denom, amount: scaledToDec(scaled), ...(usd !== undefined ? {usdPerHour: formatUsd(usd)} : {})},
    reasons: [],
    latencyMs,
  }
}

/** Ranks the willing providers with the bid scoring of `edge deploy` (price and measured latency). */
function rankWilling(screened: ProviderScreen[], ctx: ScreenContext, strategy: Strategy): void {
  const willing = screened.filter((s) => s.verdict === 'bid' && s.price)
  const candidates = willing.map((s) => {
    const amount = decToScaled(s.price!.amount)
    const ph = perHour(amount, ctx.blockTimeMs)
    const usd = toUsd(ph, s.price!.denom, ctx.aktUsd)
    return {
      bid: {id: {owner: '', dseq: 0n, gseq: 0, oseq: 0, provider: s.owner, bseq: 0}, state: 'open' as const, price: {denom: s.price!.denom, amount}, createdAt: 0, resourcesOffer: []},
      perHour: ph,
      ...(usd !== undefined ? {usdPerHour: usd} : {}),
      latency: {hostUri: s.hostUri, p50Ms: s.latencyMs, samples: 1, failures: 0},
      auditors: [],
      hardware: 'n/a' as const,
      gpus: [],
    }
  })
  for (const scored of scoreBids(candidates, strategy)) {
    const s = willing.find((w) => w.owner === scored.bid.id.provider)!
    s.rank = scored.rank
    s.score = scored.score
  }
}

/** The refusal most providers gave (its kind, before the colon), as the first thing to relax. */
function advice(screened: ProviderScreen[], grouped: boolean): string {
  const counts = new Map<string, number>()
  for (const s of screened) {
    if (s.verdict !== 'no-bid') continue
    // Reasons read "kind: …", or "group: kind: …" with several groups.
    for (const kind of new Set(s.reasons.map((r) => r.split(': ')[grouped ? 1 : 0] ?? r))) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]
  if (!top) return screened.length === 0 ? 'no provider is registered on this network' : 'no provider answered: try again later'
  return `${count(top[1], 'provider')} refused on ${top[0]}: relax that first (see each provider's reason)`
}

/** "0.000123" (a LegacyDec as chain-sdk's JSON has it) → ×10^18. */
function decToScaled(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,18}))?/.exec(text.trim())
  if (!m) return 0n
  return BigInt(m[1]) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0'))
}

function scaledToDec(scaled: bigint): string {
  const whole = scaled / 10n ** 18n
  const frac = (scaled % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : whole.toString()
}
