/**
 * Akash's version discovery (chain-sdk go/node/client, served by node v2.1.0): the API versions
 * the node supports, each with its module versions. Go clients (akt, provider-services) call the
 * CometBFT JSON-RPC route `akash` to pick one; chain-sdk and REST clients ask
 * `akash.discovery.v1.Discovery/GetInfo`. node registers that service on its gRPC server directly
 * (app.go RegisterGRPCServerWithSkipCheckHeader), not in the app's query router, so `abci_query`
 * does not know it: neither does edge dev's.
 */
import {GetInfoRequest, GetInfoResponse, type Akash} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {DevApp} from '../app.js'

/** What node reports as its version: `git describe --tags` without the "v" (node Makefile). */
export const NODE_VERSION = '2.1.0'

/** The module versions of each supported API version (registry.go; v1beta4 and v1beta3 are alike today). */
const MODULES = [
  {module: 'audit', version: 'v1'},
  {module: 'bme', version: 'v1'},
  {module: 'cert', version: 'v1'},
  {module: 'deployment', version: 'v1beta4'},
  {module: 'escrow', version: 'v1'},
  {module: 'market', version: 'v1beta5'},
  {module: 'oracle', version: 'v2'},
  {module: 'provider', version: 'v1beta4'},
  {module: 'take', version: 'v1'},
  {module: 'wasm', version: 'v1'},
]

/** DefaultRegistry: newest first; `client_info` names the oldest, for clients that predate the list. */
const API_VERSIONS = ['v1beta4', 'v1beta3']

export function discoveryInfo(chainId: string): Akash {
  return {
    clientInfo: {apiVersion: API_VERSIONS[API_VERSIONS.length - 1]},
    supportedVersions: API_VERSIONS.map((apiVersion) => ({apiVersion, modules: MODULES.map((m) => ({...m})), features: []})),
    chainId,
    nodeVersion: NODE_VERSION,
    // node's app creator sets no minimum client version.
    minClientVersion: '',
  }
}

/**
 * The JSON-RPC `akash` result as CometBFT's JSON encoder writes the Go struct: snake_case tags,
 * every field present, a nil `features` slice as null.
 */
export function discoveryJson(chainId: string): unknown {
  const info = discoveryInfo(chainId)
  return {
    client_info: {api_version: info.clientInfo!.apiVersion},
    supported_versions: info.supportedVersions.map((v) => ({
      api_version: v.apiVersion,
      modules: v.modules.map((m) => ({module: m.module, version: m.version})),
      features: null,
    })),
    chain_id: info.chainId,
    node_version: info.nodeVersion,
    min_client_version: info.minClientVersion,
  }
}

/** `akash.discovery.v1.Discovery/GetInfo` over gRPC and REST (`GET /akash/discovery/v1/info`). */
export function registerDiscoveryService(app: DevApp): void {
  app.queries.add({
    path: '/akash.discovery.v1.Discovery/GetInfo',
    http: '/akash/discovery/v1/info',
    abci: false,
    request: GetInfoRequest,
    response: GetInfoResponse,
    handle: () => GetInfoResponse.fromPartial({info: discoveryInfo(app.chainId)}),
  })
}
