/** How a bid reads in events, tables and JSON; its own module so views format rows without loading the flow. */
import type {DecAmount} from '../../market/market.js'
import {formatPerBlock, formatUsd} from '../../protocol/money.js'
import type {UsdPricing} from '../usd.js'
import type {BidView} from './events.js'
import type {ScoredBid} from './scoring.js'

/** "$0.12/h", or the per-block price when the denom has no USD value (AKT without a price). */
export function bidPrice(usdPerHour: bigint | undefined, price: DecAmount): string {
  return usdPerHour !== undefined ? `${formatUsd(usdPerHour)}/h` : formatPerBlock(price.amount, price.denom, {significant: 4})
}

/** The bid's USD per hour for JSON: null when it is priced in AKT and this run has no AKT price. */
export function bidUsdPerHour(usdPerHour: bigint | undefined, denom: string, pricing?: UsdPricing): {usdPerHour?: string | null} {
  if (usdPerHour !== undefined) return {usdPerHour: formatUsd(usdPerHour)}
  return pricing?.missing(denom) ? {usdPerHour: null} : {}
}

/** One line for the select step: price, latency, score. */
export function describeBid(s: ScoredBid): string {
  const latency = s.latency?.p50Ms !== undefined ? `, ${Math.round(s.latency.p50Ms)} ms` : ''
  return `${bidPrice(s.usdPerHour, s.bid.price)}${latency}, score ${s.score}`
}

/** A scored bid as the table and JSON show it; `pricing` marks an AKT price it could not turn into USD as null. */
export function bidView(s: ScoredBid, pricing?: UsdPricing): BidView {
  return {
    rank: s.rank,
    provider: s.bid.id.provider,
    ...(s.provider?.hostUri ? {hostUri: s.provider.hostUri} : {}),
    ...(s.region ? {region: s.region} : {}),
    gseq: s.bid.id.gseq,
    oseq: s.bid.id.oseq,
    bseq: s.bid.id.bseq,
    price: bidPrice(s.usdPerHour, s.bid.price),
    ...bidUsdPerHour(s.usdPerHour, s.bid.price.denom, pricing),
    perBlock: formatPerBlock(s.bid.price.amount, s.bid.price.denom),
    denom: s.bid.price.denom,
    ...(s.latency?.p50Ms !== undefined ? {latencyMs: s.latency.p50Ms} : {}),
    ...(s.latency?.error ? {latencyError: s.latency.error} : {}),
    audited: s.auditors.length > 0,
    auditors: s.auditors,
    ...(s.gpus.length ? {gpu: s.gpus.join(', ')} : {}),
    score: s.score,
  }
}
