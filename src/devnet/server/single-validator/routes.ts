import {formatLegacyDec} from '../../core/proto-json.js'
import {formatDecFull} from '../../modules/common/dec.js'
import {QueryError, GrpcCode} from '../../core/query-error.js'
import type {QueryRouter} from '../../core/query-router.js'
import {lookupCodec} from '../../core/type-registry.js'
import {addressBytes} from '../../core/address.js'
import type {ProtoCodec} from '../../types.js'

/** A query of a module edge dev answers as a one-validator chain, by the types' full names. */
export interface FixedRoute {
  /** gRPC method path, e.g. `/cosmos.staking.v1beta1.Query/Validators`. */
  path: string
  http: string
  /** Full proto names of the request and response, e.g. `cosmos.staking.v1beta1.QueryValidatorsRequest`. */
  request: string
  response: string
  /** Returns the response as `fromPartial` input. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded requests of many types in one table
  handle(request: any): unknown
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded responses of many types in one table
  json?(response: any): unknown
}

export function codec(typeName: string): ProtoCodec {
  const found = lookupCodec(`/${typeName}`)
  if (!found) throw new Error(`chain-sdk ships no codec for ${typeName}`)
  return found
}

export function addRoutes(router: QueryRouter, routes: FixedRoute[]): void {
  for (const route of routes) {
    const response = codec(route.response)
    router.add({
      path: route.path,
      http: route.http,
      request: codec(route.request),
      response,
      handle: (request) => response.fromPartial(route.handle(request)),
      json: route.json,
    })
  }
}

/** The page of an empty list: nothing, and a counted total of 0 (the SDK counts when no limit is given). */
export const EMPTY_PAGE = {nextKey: new Uint8Array(), total: 0n}

/** A one-element page. */
export const ONE_PAGE = {nextKey: new Uint8Array(), total: 1n}

/** Throws InvalidArgument as the SDK's query servers do for an address that does not decode. */
export function requireBech32(address: string, prefix: string, what: string): Uint8Array {
  if (!address) throw new QueryError(GrpcCode.invalidArgument, `empty ${what} address`)
  const bytes = addressBytes(address, prefix)
  if (!bytes) throw new QueryError(GrpcCode.invalidArgument, `invalid ${what} address ${address}: decoding bech32 failed`)
  return bytes
}

/** A LegacyDec as the gateway prints it, from a decimal string ("0.13" → "0.130000000000000000"). */
export const dec = (value: string): string => formatLegacyDec(value)

/** LegacyDec's wire form in a `bytes` field: the value × 10^18 as decimal text. */
export function decBytes(value: string): Uint8Array {
  const [whole, fraction = ''] = value.split('.')
  return new TextEncoder().encode(BigInt(`${whole}${fraction.padEnd(18, '0').slice(0, 18)}`).toString())
}

/** The gateway's decimal for a LegacyDec's `bytes` wire form (empty is zero). */
export function decFromBytes(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes) || '0'
  return formatDecFull(BigInt(text))
}
