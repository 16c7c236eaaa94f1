/**
 * x/oracle keeper (node v2.1.0 x/oracle/keeper, akash.oracle.v2): prices arrive only through
 * MsgAddPriceEntry from an address in `params.sources`; every EndBlock aggregates each price pair
 * over its live sources (TWAP over `twap_window`, median, min/max, deviation) and records its
 * health. BME reads the TWAP through `getAggregatedPrice`, which refuses an unhealthy price.
 *
 * Store:
 *   oracle/params                                   akash.oracle.v2 Params
 *   oracle/source-seq, oracle/source/<address>      source ids (1, 2, …, never reused)
 *   oracle/latest/<source>/<denom>/<base>           PriceLatestDataState: each source's newest record
 *   oracle/price/<source>/<denom>/<base>/<ns>/<seq> PriceDataState: every price posted
 *   oracle/aggregated/<denom>/<base>                AggregatedPrice (the last healthy one)
 *   oracle/health/<denom>/<base>                    PriceHealth
 *   oracle/seq/<denom>/<base>                       per-block record sequence (node: transient store)
 */
import {
  AggregatedPrice,
  EventAggregatedPrice,
  EventPriceData,
  EventPriceRecovered,
  EventPriceStaled,
  Params,
  PriceDataState,
  PriceHealth,
  PriceLatestDataState,
} from '@akashnetwork/chain-sdk/private-types/akash.v2'

import {padUint} from '../../paginate.js'
import type {Context} from '../../types.js'
import {DEC_ONE, decFromInt, decQuo, formatDec, parseDec} from '../common/dec.js'
import {SdkErr} from '../common/errors.js'
import {u64} from '../common/long.js'
import {type PricePoint, checkHealth, deviationBps, median, twap} from './aggregate.js'
import {OracleErr, collectionsNotFound} from './errors.js'
import {durationNs, validateOracleParams} from './params.js'

/** The only pair node v2.1 accepts prices for (sdkutil.DenomAkt / DenomUSD). */
export const DENOM_AKT = 'akt'
export const DENOM_ACT = 'act'
export const DENOM_USD = 'usd'

const P = 'oracle/'
export const ORACLE_KEYS = {
  params: `${P}params`,
  sourceSeq: `${P}source-seq`,
  source: `${P}source/`,
  latest: `${P}latest/`,
  price: `${P}price/`,
  aggregated: `${P}aggregated/`,
  health: `${P}health/`,
  seq: `${P}seq/`,
}
const K = ORACLE_KEYS

export interface DataId {
  denom: string
  baseDenom: string
}

export interface PriceRecordId extends DataId {
  source: number
  timestamp: Date
  sequence: bigint
}

const text = new TextEncoder()
const untext = new TextDecoder()
const MS_NS = 1_000_000n

export const nsOf = (date: Date): bigint => BigInt(date.getTime()) * MS_NS
const dateOf = (ns: bigint): Date => new Date(Number(ns / MS_NS))
const pair = (id: DataId) => `${id.denom}/${id.baseDenom}`
const sourceKey = (source: number) => padUint(source).slice(-10)

export function priceKey(id: PriceRecordId): string {
  return `${K.price}${sourceKey(id.source)}/${pair(id)}/${padUint(nsOf(id.timestamp))}/${padUint(id.sequence)}`
}

export function parsePriceKey(key: string): PriceRecordId {
  const [source, denom, baseDenom, ns, sequence] = key.slice(K.price.length).split('/')
  return {source: Number(source), denom, baseDenom, timestamp: dateOf(BigInt(ns)), sequence: BigInt(sequence)}
}

export class OracleKeeper {
  getParams(ctx: Context): Params {
    const raw = ctx.store.get(K.params)
    return raw ? Params.decode(raw) : Params.fromPartial({})
  }

  /** SetParams: validates, numbers new sources, and forgets the latest prices of removed ones. */
  setParams(ctx: Context, params: Params): void {
    validateOracleParams(params)
    const old = ctx.store.get(K.params) ? this.getParams(ctx) : undefined
    ctx.store.set(K.params, Params.encode(params).finish())
    for (const source of params.sources) {
      if (this.sourceId(ctx, source) !== undefined) continue
      const next = Number(untext.decode(ctx.store.get(K.sourceSeq) ?? text.encode('0'))) + 1
      ctx.store.set(K.sourceSeq, text.encode(String(next)))
      ctx.store.set(K.source + source, text.encode(String(next)))
    }
    for (const removed of old?.sources.filter((s) => !params.sources.includes(s)) ?? []) {
      const id = this.sourceId(ctx, removed)
      if (id === undefined) continue
      for (const [key] of [...ctx.store.iterate(`${K.latest}${sourceKey(id)}/`)]) ctx.store.delete(key)
    }
  }

  sourceId(ctx: Context, address: string): number | undefined {
    const raw = ctx.store.get(K.source + address)
    return raw === undefined ? undefined : Number(untext.decode(raw))
  }

  /** AddPriceEntry: one price from an authorized source, no older than that source's last one. */
  addPriceEntry(ctx: Context, source: string, id: DataId, price: bigint, timestamp: Date | undefined): void {
    const sourceId = this.getParams(ctx).sources.includes(source) ? this.sourceId(ctx, source) : undefined
    if (sourceId === undefined) throw SdkErr.unauthorized.wrap(`source ${source} is not authorized oracle provider`)
    if (id.denom !== DENOM_AKT) throw SdkErr.invalidRequest.wrap(`unsupported denom ${id.denom}`)
    if (id.baseDenom !== DENOM_USD) throw SdkErr.invalidRequest.wrap(`unsupported base denom ${id.baseDenom}`)
    if (price <= 0n) throw SdkErr.invalidRequest.wrap('price must be positive')
    const latestKey = `${K.latest}${sourceKey(sourceId)}/${pair(id)}`
    const latestRaw = ctx.store.get(latestKey)
    // The very first record of a source may be up to 12 s older than the block.
    const notBefore = latestRaw ? PriceLatestDataState.decode(latestRaw).timestamp! : new Date(ctx.time.getTime() - 12_000)
    // A missing timestamp is Go's zero time, older than anything.
    if (!timestamp || notBefore.getTime() > timestamp.getTime()) throw SdkErr.invalidRequest.wrap('price timestamp is too old')
    const sequence = this.nextSequence(ctx, id)
    const record: PriceRecordId = {source: sourceId, ...id, timestamp, sequence}
    ctx.store.set(priceKey(record), PriceDataState.encode({price: formatDec(price)}).finish())
    ctx.store.set(latestKey, PriceLatestDataState.encode({timestamp, sequence}).finish())
    ctx.events.emitTyped(EventPriceData, EventPriceData.fromPartial({source, id, price: formatDec(price), timestamp}))
  }

  /** priceRecordSeq: 0, 1, … per pair within one block. */
  private nextSequence(ctx: Context, id: DataId): bigint {
    const key = K.seq + pair(id)
    const raw = ctx.store.get(key)
    const cur = raw ? (JSON.parse(untext.decode(raw)) as {height: number; next: string}) : undefined
    const seq = cur && cur.height === ctx.height ? BigInt(cur.next) : 0n
    ctx.store.set(key, text.encode(JSON.stringify({height: ctx.height, next: (seq + 1n).toString()})))
    return seq
  }

  aggregated(ctx: Context, id: DataId): AggregatedPrice | undefined {
    const raw = ctx.store.get(K.aggregated + pair(id))
    return raw ? AggregatedPrice.decode(raw) : undefined
  }

  health(ctx: Context, id: DataId): PriceHealth | undefined {
    const raw = ctx.store.get(K.health + pair(id))
    return raw ? PriceHealth.decode(raw) : undefined
  }

  /**
   * GetAggregatedPrice: USD per whole token (Dec) for uakt/akt, uact/act. ACT is pegged to 1 USD;
   * AKT is the TWAP of the last healthy aggregation, refused (oracle.v2/4) while unhealthy.
   */
  getAggregatedPrice(ctx: Context, denom: string): bigint {
    const normalized = denom === 'uakt' ? DENOM_AKT : denom === 'uact' ? DENOM_ACT : denom
    if (normalized === DENOM_ACT) return DEC_ONE
    const id = {denom: normalized, baseDenom: DENOM_USD}
    const health = this.health(ctx, id)
    if (!health) throw OracleErr.priceStalled.wrap(collectionsNotFound(pair(id), 'akash.oracle.v2.PriceHealth').message)
    if (!health.isHealthy) throw OracleErr.priceStalled()
    const price = this.aggregated(ctx, id)
    if (!price) throw OracleErr.priceStalled.wrap(collectionsNotFound(pair(id), 'akash.oracle.v2.AggregatedPrice').message)
    return parseDecSafe(price.twap)
  }

  /** EndBlocker: aggregates every pair some active source has posted, and records its health. */
  endBlock(ctx: Context): void {
    const params = this.getParams(ctx)
    const nowNs = nsOf(ctx.time)
    const cutoffNs = nowNs - durationNs(params.maxPriceStalenessPeriod)
    const twapStartNs = nowNs - durationNs(params.twapWindow)
    const active = new Set(params.sources.map((s) => this.sourceId(ctx, s)).filter((id) => id !== undefined))

    const byPair = new Map<string, Array<{source: number; timestamp: Date; sequence: bigint}>>()
    for (const [key, value] of ctx.store.iterate(K.latest)) {
      const [source, denom, baseDenom] = key.slice(K.latest.length).split('/')
      if (!active.has(Number(source))) continue
      const state = PriceLatestDataState.decode(value)
      const list = byPair.get(`${denom}/${baseDenom}`) ?? []
      list.push({source: Number(source), timestamp: state.timestamp!, sequence: u64(state.sequence)})
      byPair.set(`${denom}/${baseDenom}`, list)
    }

    const aggregatedEvents: AggregatedPrice[] = []
    for (const name of [...byPair.keys()].sort()) {
      const [denom, baseDenom] = name.split('/')
      const sources = byPair.get(name)!
      const latest: bigint[] = []
      const twaps: bigint[] = []
      for (const s of sources) {
        if (nsOf(s.timestamp) < cutoffNs) continue // stale source
        const raw = ctx.store.get(priceKey({source: s.source, denom, baseDenom, timestamp: s.timestamp, sequence: s.sequence}))
        if (!raw) continue
        latest.push(parseDecSafe(PriceDataState.decode(raw).price))
        const value = twap(nowNs, this.history(ctx, s.source, {denom, baseDenom}, twapStartNs, nowNs))
        if (value !== undefined) twaps.push(value)
      }
      const aggregated = AggregatedPrice.fromPartial({denom})
      if (latest.length > 0 && twaps.length > 0) {
        const min = latest.reduce((a, b) => (b < a ? b : a))
        const max = latest.reduce((a, b) => (b > a ? b : a))
        Object.assign(aggregated, {
          twap: formatDec(averageDec(twaps)),
          medianPrice: formatDec(median(latest)),
          minPrice: formatDec(min),
          maxPrice: formatDec(max),
          timestamp: ctx.time,
          numSources: latest.length,
          deviationBps: deviationBps(min, max),
        })
      }
      const health = this.setHealth(ctx, params, {denom, baseDenom}, sources.length, aggregated)
      if (health.isHealthy && latest.length > 0) {
        ctx.store.set(K.aggregated + name, AggregatedPrice.encode(aggregated).finish())
        aggregatedEvents.push(aggregated)
      }
    }
    for (const price of aggregatedEvents) ctx.events.emitTyped(EventAggregatedPrice, EventAggregatedPrice.fromPartial({price}))
  }

  /**
   * getTWAPHistory plus the price in force when the window opened (clamped to its start), newest
   * first, so that the whole window is covered.
   */
  private history(ctx: Context, source: number, id: DataId, startNs: bigint, endNs: bigint): PricePoint[] {
    const prefix = `${K.price}${sourceKey(source)}/${pair(id)}/`
    const points: PricePoint[] = []
    let before: PricePoint | undefined
    for (const [key, value] of ctx.store.iterate(prefix, {reverse: true})) {
      const ns = nsOf(parsePriceKey(key).timestamp)
      const price = parseDecSafe(PriceDataState.decode(value).price)
      if (ns > endNs) continue
      if (ns >= startNs) {
        points.push({timestampNs: ns, price})
        continue
      }
      before = {timestampNs: startNs, price}
      break
    }
    return before ? [...points, before] : points
  }

  /** setPriceHealth: stores the pair's health; a change of health is an event. */
  private setHealth(ctx: Context, params: Params, id: DataId, totalSources: number, aggregated: AggregatedPrice): PriceHealth {
    const checks = checkHealth(aggregated.numSources, u64(aggregated.deviationBps), {
      minPriceSources: params.minPriceSources,
      maxPriceDeviationBps: u64(params.maxPriceDeviationBps),
    })
    const health = PriceHealth.fromPartial({
      denom: aggregated.denom,
      totalSources,
      totalHealthySources: aggregated.numSources,
      ...checks,
    })
    const previous = this.health(ctx, id)
    // The very first record counts as a change, whichever way it goes.
    const wasHealthy = previous ? previous.isHealthy : !health.isHealthy
    ctx.store.set(K.health + pair(id), PriceHealth.encode(health).finish())
    if (health.isHealthy !== wasHealthy) {
      if (health.isHealthy) ctx.events.emitTyped(EventPriceRecovered, EventPriceRecovered.fromPartial({id, height: BigInt(ctx.height)}))
      // last_height 0 on purpose, as node: "at launch there was no point at which price was healthy".
      else ctx.events.emitTyped(EventPriceStaled, EventPriceStaled.fromPartial({id, lastHeight: 0n}))
    }
    return health
  }
}

/** The mean of the sources' TWAPs (LegacyDec Add … Quo(n)). */
function averageDec(values: readonly bigint[]): bigint {
  return decQuo(values.reduce((a, b) => a + b, 0n), decFromInt(BigInt(values.length)))
}

/** Prices come from our own store (codec decimals); an unreadable one counts as zero. */
function parseDecSafe(value: string | undefined): bigint {
  try {
    return parseDec(value)
  } catch {
    return 0n
  }
}
