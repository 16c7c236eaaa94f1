/**
 * akash.oracle.v2 Params: the node's defaults (chain-sdk go/node/oracle/v2/params.go), its
 * `ValidateBasic`, and the dev genesis section, which writes durations the way Go prints them
 * ("30s", "24h").
 */
import {Params} from '@akashnetwork/chain-sdk/private-types/akash.v2'

import {addressError} from '../common/address.js'
import {plainError} from '../common/errors.js'
import {u64} from '../common/long.js'

export interface Duration {
  seconds: bigint
  nanos: number
}

const NS = 1_000_000_000n

export function durationNs(d: Duration | undefined): bigint {
  return d ? u64(d.seconds) * NS + BigInt(d.nanos ?? 0) : 0n
}

export function durationFromNs(ns: bigint): Duration {
  return {seconds: ns / NS, nanos: Number(ns % NS)}
}

const UNITS: Record<string, bigint> = {ns: 1n, us: 1_000n, µs: 1_000n, ms: 1_000_000n, s: NS, m: 60n * NS, h: 3600n * NS}

/** Go's `time.ParseDuration` for the forms a genesis file uses ("30s", "1h30m", "500ms"). */
export function parseGoDuration(text: string): Duration {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  let total = 0n
  let matched = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, frac = ''] = m[1].split('.')
    const unit = UNITS[m[2]]
    total += BigInt(whole) * unit + (frac ? (BigInt(frac) * unit) / 10n ** BigInt(frac.length) : 0n)
    matched = re.lastIndex
  }
  if (matched === 0 || matched !== text.length) throw new Error(`invalid duration "${text}"`)
  return durationFromNs(total)
}

/** How Go prints a duration (`time.Duration.String`) for the durations params hold. */
export function formatGoDuration(d: Duration): string {
  let ns = durationNs(d)
  if (ns === 0n) return '0s'
  let out = ''
  const h = ns / (3600n * NS)
  ns -= h * 3600n * NS
  const m = ns / (60n * NS)
  ns -= m * 60n * NS
  if (h > 0n) out += `${h}h`
  if (h > 0n || m > 0n) out += `${m}m`
  const s = ns / NS
  const frac = ns % NS
  out += frac === 0n ? `${s}s` : `${s}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}s`
  return out
}

/** The oracle section of the dev genesis. */
export interface OracleGenesis {
  params: {
    /** Addresses allowed to post prices (MsgAddPriceEntry). */
    sources: string[]
    minPriceSources: number
    maxPriceStalenessPeriod: string
    twapWindow: string
    maxPriceDeviationBps: number
    priceRetention: string
    pruneEpoch: string
    maxPrunePerEpoch: number
    maxFutureTimeDrift: string
  }
  /**
   * edge dev only: prices on record from genesis on, each as if its source (which must be in
   * `params.sources`) had posted it at genesis time. node's InitGenesis keeps only the params, so a
   * real chain has no price until a source posts one.
   */
  prices: Array<{source: string; denom: string; baseDenom: string; price: string}>
}

/** node's DefaultParams (mainnet's, since v2.1.0 set them with the Pyth contract as the source). */
export function defaultOracleParams(): OracleGenesis['params'] {
  return {
    sources: [],
    minPriceSources: 1,
    maxPriceStalenessPeriod: '30s',
    twapWindow: '5s',
    maxPriceDeviationBps: 150,
    priceRetention: '24h',
    pruneEpoch: 'hour',
    maxPrunePerEpoch: 1000,
    maxFutureTimeDrift: '10s',
  }
}

export function paramsFromGenesis(p: OracleGenesis['params']): Params {
  return Params.fromPartial({
    sources: p.sources,
    minPriceSources: p.minPriceSources,
    maxPriceStalenessPeriod: parseGoDuration(p.maxPriceStalenessPeriod),
    twapWindow: parseGoDuration(p.twapWindow),
    maxPriceDeviationBps: BigInt(p.maxPriceDeviationBps),
    feedContractsParams: [],
    priceRetention: parseGoDuration(p.priceRetention),
    pruneEpoch: p.pruneEpoch,
    maxPrunePerEpoch: BigInt(p.maxPrunePerEpoch),
    maxFutureTimeDrift: parseGoDuration(p.maxFutureTimeDrift),
  })
}

/**
 * `Params.ValidateBasic`: its errors are plain Go errors (`fmt.Errorf`), which a transaction
 * reports as codespace `undefined`, code 1.
 */
export function validateOracleParams(p: Params): void {
  const fail = (message: string) => {
    throw plainError(message)
  }
  // Feed-contract params are CosmWasm messages edge dev cannot run: only an empty list is valid here.
  if (p.feedContractsParams.length > 0) fail('feed_contracts_params: edge dev runs no CosmWasm price-feed contracts')
  if (p.minPriceSources < 1) fail('min_price_sources must be at least 1')
  if (durationNs(p.maxPriceStalenessPeriod) <= 0n) fail('max_price_staleness_period must be greater than 0')
  if (u64(p.maxPriceDeviationBps) === 0n) fail('max_price_deviation_bps must be greater than 0')
  if (durationNs(p.twapWindow) <= 0n) fail('twap_window must be greater than 0')
  if (durationNs(p.priceRetention) <= 0n) fail('price_retention must be positive')
  if (durationNs(p.priceRetention) < durationNs(p.twapWindow)) {
    fail(`price_retention (${formatGoDuration(p.priceRetention!)}) must be at least twap_window (${formatGoDuration(p.twapWindow!)})`)
  }
  if (p.pruneEpoch === '') fail('prune_epoch must not be empty')
  if (u64(p.maxPrunePerEpoch) < 0n) fail('max_prune_per_epoch must be non-negative')
  if (durationNs(p.maxFutureTimeDrift) < 0n) fail('max_future_time_drift must be non-negative')
  for (const source of p.sources) {
    const err = addressError(source)
    if (err) fail(`invalid source address "${source}": ${err}`)
  }
}
