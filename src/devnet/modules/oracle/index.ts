/**
 * x/oracle (akash.oracle.v2), as node v2.1.0 registers it: only the v2 Msg and Query services (a
 * v1 query answers UNIMPLEMENTED, as on mainnet). edge dev has no Pyth relayer: its dev genesis
 * names a price source (the dev key under `edge dev`, else a stand-in feeder address) and records
 * one AKT price from it, kept healthy by a long staleness period. Posting MsgAddPriceEntry from that
 * source moves the price as a real feed would.
 */
import {
  MsgAddPriceEntry,
  MsgAddPriceEntryResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  PriceDataState,
  QueryAggregatedPriceRequest,
  QueryAggregatedPriceResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPricesRequest,
  QueryPricesResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v2'

import {moduleAddress} from '../../core/address.js'
import {paginate} from '../../paginate.js'
import type {Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressError} from '../common/address.js'
import {isDecString, parseDec} from '../common/dec.js'
import {plainError, SdkErr} from '../common/errors.js'
import {requireGovAuthority} from '../common/gov.js'
import {collectionsNotFound} from './errors.js'
import {DENOM_AKT, DENOM_USD, OracleKeeper, ORACLE_KEYS, nsOf, parsePriceKey} from './keeper.js'
import {type OracleGenesis, defaultOracleParams, paramsFromGenesis, validateOracleParams} from './params.js'

export {OracleKeeper} from './keeper.js'
export type {OracleGenesis} from './params.js'

/**
 * The price source of a dev genesis that names none: an address nobody holds a key for, standing
 * in for mainnet's Pyth contract.
 */
export const DEV_PRICE_FEEDER = moduleAddress('edge-dev-price-feeder')

/** edge dev's staleness: with no relayer to refresh it, the genesis price must not go stale. */
export const DEV_MAX_PRICE_STALENESS = '876000h'

export interface OracleGenesisOptions {
  /** USD per AKT recorded at genesis (default 1); `null` records none (a chain with no price yet). */
  aktPriceUsd?: string | null
  /** Price sources (default: DEV_PRICE_FEEDER); the genesis price comes from the first. */
  oracleSources?: string[]
}

export function defaultOracleGenesis(opts: OracleGenesisOptions = {}): OracleGenesis {
  const sources = opts.oracleSources ?? [DEV_PRICE_FEEDER]
  const price = opts.aktPriceUsd === undefined ? '1' : opts.aktPriceUsd
  return {
    params: {...defaultOracleParams(), sources, maxPriceStalenessPeriod: DEV_MAX_PRICE_STALENESS},
    prices: price !== null && sources.length > 0 ? [{source: sources[0], denom: DENOM_AKT, baseDenom: DENOM_USD, price}] : [],
  }
}

export function oracleModule(keeper: OracleKeeper = new OracleKeeper()): Module & {keeper: OracleKeeper} {
  const addPriceEntry: MsgRoute<MsgAddPriceEntry> = {
    codec: MsgAddPriceEntry,
    signers: (msg) => [msg.signer],
    validateBasic(msg) {
      const err = addressError(msg.signer)
      if (err) throw plainError(`invalid signer address: ${err}`)
    },
    handle(ctx, msg) {
      if (!isDecString(msg.price)) throw SdkErr.invalidRequest.wrap(`invalid price ${JSON.stringify(msg.price)}`)
      keeper.addPriceEntry(ctx, msg.signer, {denom: msg.id?.denom ?? '', baseDenom: msg.id?.baseDenom ?? ''}, parseDec(msg.price), msg.timestamp)
      return MsgAddPriceEntryResponse.encode({}).finish()
    },
  }

  const updateParams: MsgRoute<MsgUpdateParams> = {
    codec: MsgUpdateParams,
    signers: (msg) => [msg.authority],
    validateBasic(msg) {
      const err = addressError(msg.authority)
      if (err) throw plainError(`invalid authority address: ${err}`)
      validateOracleParams(msg.params ?? paramsFromGenesis(defaultOracleParams()))
    },
    handle(ctx, msg) {
      requireGovAuthority(ctx, msg.authority)
      keeper.setParams(ctx, msg.params!)
      return MsgUpdateParamsResponse.encode({}).finish()
    },
  }

  const prices: QueryRoute<QueryPricesRequest, QueryPricesResponse> = {
    path: '/akash.oracle.v2.Query/Prices',
    http: '/akash/oracle/v2/prices',
    request: QueryPricesRequest,
    response: QueryPricesResponse,
    handle(ctx, req) {
      const f = req.filters
      // Keys run oldest first: node inverts `reverse` so that the default is newest first.
      const page = paginate(ctx.store, ORACLE_KEYS.price, {...req.pagination, reverse: !req.pagination?.reverse}, (key, value) => {
        const id = parsePriceKey(key)
        if (f?.assetDenom && id.denom !== f.assetDenom) return undefined
        if (f?.baseDenom && id.baseDenom !== f.baseDenom) return undefined
        if (f?.startTime && nsOf(id.timestamp) < nsOf(f.startTime)) return undefined
        if (f?.endTime && nsOf(id.timestamp) > nsOf(f.endTime)) return undefined
        return {id, state: PriceDataState.decode(value)}
      })
      return QueryPricesResponse.fromPartial({prices: page.items, pagination: page.pagination})
    },
  }

  const aggregatedPrice: QueryRoute<QueryAggregatedPriceRequest, QueryAggregatedPriceResponse> = {
    path: '/akash.oracle.v2.Query/AggregatedPrice',
    http: '/akash/oracle/v2/aggregated_price/{denom=**}',
    request: QueryAggregatedPriceRequest,
    response: QueryAggregatedPriceResponse,
    handle(ctx, req) {
      // No denom normalisation here (BME's GetAggregatedPrice has it): ask for `akt`, not `uakt`.
      const id = {denom: req.denom, baseDenom: DENOM_USD}
      const price = keeper.aggregated(ctx, id)
      if (!price) throw collectionsNotFound(`${req.denom}/${DENOM_USD}`, 'akash.oracle.v2.AggregatedPrice')
      const health = keeper.health(ctx, id)
      if (!health) throw collectionsNotFound(`${req.denom}/${DENOM_USD}`, 'akash.oracle.v2.PriceHealth')
      return QueryAggregatedPriceResponse.fromPartial({aggregatedPrice: price, priceHealth: health})
    },
  }

  const params: QueryRoute<QueryParamsRequest, QueryParamsResponse> = {
    path: '/akash.oracle.v2.Query/Params',
    http: '/akash/oracle/v2/params',
    request: QueryParamsRequest,
    response: QueryParamsResponse,
    handle: (ctx) => QueryParamsResponse.fromPartial({params: keeper.getParams(ctx)}),
  }

  return {
    name: 'oracle',
    msgs: [addPriceEntry, updateParams],
    queries: [prices, aggregatedPrice, params],
    initGenesis(ctx, state) {
      const genesis = (state as OracleGenesis | undefined) ?? defaultOracleGenesis()
      keeper.setParams(ctx, paramsFromGenesis(genesis.params))
      for (const p of genesis.prices) {
        keeper.addPriceEntry(ctx, p.source, {denom: p.denom, baseDenom: p.baseDenom}, parseDec(p.price), ctx.time)
      }
      // Aggregate at once, so that the genesis price answers before the first block.
      if (genesis.prices.length > 0) keeper.endBlock(ctx)
    },
    endBlock: (ctx) => keeper.endBlock(ctx),
    keeper,
  }
}
