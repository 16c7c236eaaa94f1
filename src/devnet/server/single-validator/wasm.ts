import {GrpcCode, QueryError} from '../../core/query-error.js'

/** A gateway route answered with plain JSON: for modules whose types chain-sdk does not ship. */
export interface RestJsonRoute {
  /** grpc-gateway path with `{param}` segments. */
  http: string
  handle(params: Record<string, string>): unknown
}

const EMPTY_PAGE = {next_key: null, total: '0'}

/**
 * CosmWasm (wasmd v0.61) on a chain with no code stored: a localnet that has not run the v2.1.0
 * upgrade (which stores the oracle contracts) has none. chain-sdk ships no cosmwasm types, so
 * these answer over REST only; gRPC and abci_query leave them unimplemented.
 */
export function wasmRestRoutes(): RestJsonRoute[] {
  const noCode = (id: string) => new QueryError(GrpcCode.notFound, `code id ${id}: no such code`)
  return [
    {http: '/cosmwasm/wasm/v1/code', handle: () => ({code_infos: [], pagination: EMPTY_PAGE})},
    {
      http: '/cosmwasm/wasm/v1/code/{code_id}',
      handle: (p) => {
        throw noCode(p.code_id)
      },
    },
    {
      http: '/cosmwasm/wasm/v1/code/{code_id}/contracts',
      handle: () => ({contracts: [], pagination: EMPTY_PAGE}),
    },
    {
      http: '/cosmwasm/wasm/v1/contract/{address}',
      handle: (p) => {
        throw new QueryError(GrpcCode.notFound, `address ${p.address}: not found`)
      },
    },
    {http: '/cosmwasm/wasm/v1/codes/pinned', handle: () => ({code_ids: [], pagination: EMPTY_PAGE})},
    {
      http: '/cosmwasm/wasm/v1/codes/params',
      handle: () => ({params: {code_upload_access: {permission: 'Everybody', addresses: []}, instantiate_default_permission: 'Everybody'}}),
    },
  ]
}

/** The route `pathname` names and its path parameters, or undefined. */
export function matchRestJsonRoute(routes: readonly RestJsonRoute[], pathname: string): {route: RestJsonRoute; params: Record<string, string>} | undefined {
  const parts = pathname.replace(/\/$/, '').split('/')
  for (const route of routes) {
    const pattern = route.http.split('/')
    if (pattern.length !== parts.length) continue
    const params: Record<string, string> = {}
    const ok = pattern.every((segment, i) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1]
      if (name) params[name] = decodeURIComponent(parts[i])
      return name !== undefined || segment === parts[i]
    })
    if (ok) return {route, params}
  }
  return undefined
}
