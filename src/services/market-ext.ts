/**
 * What edge deploy needs from a market beyond the Market interface (src/market/market.ts), kept
 * here instead of editing the shared interface:
 * - the AKT price in USD, read from the chain's oracle module (`akash.oracle.v1` AggregatedPrice),
 *   to size ACT mints and to price AKT in USD.
 */
import {DEC_SCALE} from '../market/money.js'
import type {Market} from '../market/market.js'

/**
 * USD per AKT × 10^18, from `bmeStatus().aktUsd` or the oracle; undefined when neither knows.
 * Both are asked at once: deploy, ls, status and bids wait on this, and the Akash adapter's
 * bmeStatus does not carry a price today, so asking them one after the other cost a round trip.
 */
export async function aktUsdPrice(market: Market): Promise<bigint | undefined> {
  const [status, oracle] = await Promise.all([market.bmeStatus().catch(() => undefined), oraclePrice(market)])
  if (status?.aktUsd !== undefined && status.aktUsd > 0n) return status.aktUsd
  return oracle
}

async function oraclePrice(market: Market): Promise<bigint | undefined> {
  const withSdk = market as unknown as {sdk?: () => Promise<{akash?: {oracle?: {v1?: {getAggregatedPrice?: (r: object) => Promise<unknown>}}}}>}
  if (typeof withSdk.sdk !== 'function') return undefined
  try {
    const sdk = await withSdk.sdk()
    const query = sdk.akash?.oracle?.v1?.getAggregatedPrice
    if (!query) return undefined
    const response = (await query({denom: 'uakt'})) as {aggregatedPrice?: {twap?: string; medianPrice?: string}}
    const price = response.aggregatedPrice?.medianPrice || response.aggregatedPrice?.twap
    return price ? decimalToScaled(price) : undefined
  } catch {
    return undefined
  }
}

function decimalToScaled(value: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,18}))?/.exec(value.trim())
  if (!m) return undefined
  const scaled = BigInt(m[1]) * DEC_SCALE + BigInt((m[2] ?? '').padEnd(18, '0'))
  return scaled > 0n ? scaled : undefined
}
