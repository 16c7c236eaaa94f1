/**
 * x/oracle (akash.oracle.v1 queries only). edge dev has no price feeders: the AKT and ACT prices
 * are the fixed ones of the dev genesis, kept by bme. Serving them through the oracle's own queries
 * lets clients price AKT in USD (and size ACT mints) exactly as they would on mainnet.
 */
import {
  QueryAggregatedPriceRequest,
  QueryAggregatedPriceResponse,
  QueryPricesRequest,
  QueryPricesResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context, Module, QueryRoute} from '../../types.js'
import type {BmeKeeper} from '../bme/keeper.js'
import {formatDec} from '../common/dec.js'
import {Grpc, queryStatus} from '../common/errors.js'

/** The oracle prices assets by their display name or their base denom. */
const DENOMS: Record<string, string> = {akt: 'uakt', uakt: 'uakt', act: 'uact', uact: 'uact'}

function priceOf(ctx: Context, requested: string): {denom: string; price: bigint} | undefined {
  const denom = DENOMS[requested.toLowerCase()]
  if (!denom) return undefined
  const price = ctx.keeper<BmeKeeper>('bme').price(ctx, denom)
  return price === undefined ? undefined : {denom, price}
}

export function oracleModule(): Module {
  const aggregated: QueryRoute<QueryAggregatedPriceRequest, QueryAggregatedPriceResponse> = {
    path: '/akash.oracle.v1.Query/AggregatedPrice',
    http: '/akash/oracle/v1/aggregated_price/{denom}',
    request: QueryAggregatedPriceRequest,
    response: QueryAggregatedPriceResponse,
    handle(ctx, request) {
      const found = priceOf(ctx, request.denom)
      if (!found) throw queryStatus(Grpc.notFound, `no price for denom ${request.denom}`)
      const price = formatDec(found.price)
      return QueryAggregatedPriceResponse.fromPartial({
        aggregatedPrice: {
          denom: request.denom,
          twap: price,
          medianPrice: price,
          minPrice: price,
          maxPrice: price,
          timestamp: ctx.time,
          numSources: 1,
          deviationBps: 0,
        },
        priceHealth: {denom: request.denom, isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1, failureReason: []},
      })
    },
  }
  const prices: QueryRoute<QueryPricesRequest, QueryPricesResponse> = {
    path: '/akash.oracle.v1.Query/Prices',
    http: '/akash/oracle/v1/prices',
    request: QueryPricesRequest,
    response: QueryPricesResponse,
    handle(ctx, request) {
      const wanted = request.filters?.assetDenom ? [request.filters.assetDenom] : ['akt', 'act']
      const items = wanted
        .map((d) => ({asked: d, found: priceOf(ctx, d)}))
        .filter((x) => x.found)
        .map((x) => ({
          id: {source: 0, denom: x.asked, baseDenom: 'usd', height: ctx.height},
          state: {price: formatDec(x.found!.price), timestamp: ctx.time},
        }))
      return QueryPricesResponse.fromPartial({prices: items, pagination: {total: items.length}})
    },
  }
  return {name: 'oracle', msgs: [], queries: [aggregated, prices]}
}
