import {UsageError} from '../errors.js'
import {
  BUILT_IN_NETWORKS,
  DEFAULT_NETWORK,
  type NetworkContext,
  type NetworkKind,
  type StoredNetwork,
  listNetworks,
  resolveNetwork,
  validateEndpoint,
  validateNetworkName,
} from '../config/networks.js'
import type {Settings} from '../config/settings.js'
import {openMarket} from '../market/index.js'

export interface NetworkView extends NetworkContext {
  selected: boolean
}

function selectedName(settings: Settings): string {
  return settings.get('network') ?? DEFAULT_NETWORK
}

export function listNetworkViews(settings: Settings): NetworkView[] {
  const selected = selectedName(settings)
  return listNetworks(settings).map((n) => ({...n, selected: n.name === selected}))
}

export function useNetwork(settings: Settings, name: string): NetworkView {
  const network = resolveNetwork(settings, name)
  settings.set('network', network.name)
  return {...network, selected: true}
}

export interface AddNetworkInput {
  name: string
  chainId: string
  rpc: string
  grpc: string
  rest: string
  gasPrice?: string
  depositDenom?: string
  blockTimeMs?: number
  /** What kind of network it is; default: dev for an edge dev chain id, else mainnet. */
  kind?: NetworkKind
}

export function addNetwork(settings: Settings, input: AddNetworkInput): NetworkView {
  validateNetworkName(input.name)
  if (input.name in BUILT_IN_NETWORKS) {
    throw new UsageError(`"${input.name}" is a built-in network and cannot be redefined.`, {hint: 'Choose another name.'})
  }
  const networks = settings.get('networks') ?? {}
  if (networks[input.name]) {
    throw new UsageError(`A network named "${input.name}" already exists.`, {
      hint: `Remove it first with \`edge network remove ${input.name}\`, or choose another name.`,
    })
  }
  if (!/^\d+(\.\d+)?[a-z][a-z0-9/]*$/.test(input.gasPrice ?? '0.025uakt')) {
    throw new UsageError(`"${input.gasPrice}" is not a gas price.`, {hint: 'Write it like 0.025uakt.'})
  }
  if (input.blockTimeMs !== undefined && !(input.blockTimeMs > 0)) {
    throw new UsageError('The block time must be a positive number of milliseconds.')
  }
  const context: StoredNetwork = {
    chainId: input.chainId,
    rpc: validateEndpoint('RPC', input.rpc),
    grpc: validateEndpoint('gRPC', input.grpc),
    rest: validateEndpoint('REST', input.rest),
    gasPrice: input.gasPrice ?? '0.025uakt',
    depositDenom: input.depositDenom ?? 'uact',
    blockTimeMs: input.blockTimeMs ?? 6117,
    bech32Prefix: 'akash',
    ...(input.kind ? {kind: input.kind} : {}),
  }
  settings.set('networks', {...networks, [input.name]: context})
  return {...resolveNetwork(settings, input.name), selected: selectedName(settings) === input.name}
}

export function removeNetwork(settings: Settings, name: string): {name: string; selected: string} {
  if (name in BUILT_IN_NETWORKS) throw new UsageError(`"${name}" is a built-in network and cannot be removed.`)
  const networks = {...(settings.get('networks') ?? {})}
  if (!networks[name]) {
    throw new UsageError(`No custom network named "${name}".`, {hint: 'List networks with `edge network list`.'})
  }
  delete networks[name]
  settings.set('networks', networks)
  if (settings.get('network') === name) settings.delete('network')
  return {name, selected: selectedName(settings)}
}

export interface NetworkStatus {
  reachable: boolean
  height?: number
  latestBlockTime?: string
}

/** Shows a network; with `check`, asks its RPC for the latest block (exit 6 if unreachable). */
export async function showNetwork(settings: Settings, name: string | undefined, check: boolean): Promise<NetworkView & {status?: NetworkStatus}> {
  const network = resolveNetwork(settings, name)
  const result: NetworkView & {status?: NetworkStatus} = {...network, selected: selectedName(settings) === network.name}
  if (check) {
    const market = await openMarket(network)
    try {
      const block = await market.latestBlock()
      result.status = {reachable: true, height: block.height, latestBlockTime: block.time.toISOString()}
    } finally {
      await market.close()
    }
  }
  return result
}
