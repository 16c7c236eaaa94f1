import {UsageError} from '../errors.js'
import {
  BUILT_IN_NETWORKS,
  DEFAULT_NETWORK,
  type NetworkContext,
  type NetworkKind,
  type StoredNetwork,
  listNetworks,
  networkProfile,
  resolveNetwork,
  validateEndpoint,
  validateNetworkName,
} from '../config/networks.js'
import type {Settings} from '../config/settings.js'
import {type Market, openMarket} from '../market/index.js'

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

/** The chain id the node at a network's RPC reports (CometBFT `status`); throws when it does not answer. */
export type ChainIdReader = (network: NetworkContext) => Promise<string>

const readChainId: ChainIdReader = async (network) => {
  const market = await openMarket(network, {timeoutMs: 5000})
  try {
    return await market.chainId()
  } finally {
    await market.close()
  }
}

export interface AddNetworkOptions {
  /** Ask the node for its chain id before saving (default: yes). */
  check?: boolean
  readChainId?: ChainIdReader
  /** Where "could not check" goes: the node may be offline for now, which is no reason to refuse. */
  warn?: (message: string) => void
}

/**
 * `edge network add`: saves a custom network once the node at its RPC confirms the chain id. A
 * wrong chain id would otherwise pass unnoticed: queries answer ("No active deployments") and only
 * a signed transaction fails, much later.
 */
export async function addNetwork(settings: Settings, input: AddNetworkInput, options: AddNetworkOptions = {}): Promise<NetworkView> {
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
  if (options.check ?? true) await checkChainId({...context, name: input.name, builtIn: false, profile: networkProfile(input.kind ?? 'mainnet')}, options)
  settings.set('networks', {...networks, [input.name]: context})
  return {...resolveNetwork(settings, input.name), selected: selectedName(settings) === input.name}
}

async function checkChainId(network: NetworkContext, options: AddNetworkOptions): Promise<void> {
  let actual: string
  try {
    actual = await (options.readChainId ?? readChainId)(network)
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\.$/, '') : String(error)
    options.warn?.(`Could not ask ${network.rpc} for its chain id (${why}), so "${network.chainId}" is not checked; \`edge network show ${network.name} --check\` checks it later.`)
    return
  }
  if (actual !== network.chainId) {
    throw new UsageError(`The node at ${network.rpc} is on chain "${actual}", not "${network.chainId}".`, {
      code: 'chain_id_mismatch',
      hint: `Add it with --chain-id ${actual}, or point --rpc, --grpc and --rest at a node of ${network.chainId}.`,
      details: {expected: network.chainId, actual, rpc: network.rpc},
    })
  }
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
      const [block] = await Promise.all([market.latestBlock(), expectChainId(market, network)])
      result.status = {reachable: true, height: block.height, latestBlockTime: block.time.toISOString()}
    } finally {
      await market.close()
    }
  }
  return result
}

/**
 * Refuses a network whose node is on another chain than the context says (a custom network saved
 * with --no-check, or while its node was offline): queries would answer for the wrong chain, and
 * only a signed transaction would fail, much later. A node that does not answer is left to the
 * command's own query, which says so with the URL.
 */
export async function expectChainId(market: Pick<Market, 'chainId'>, network: NetworkContext): Promise<void> {
  const actual = await market.chainId().catch(() => undefined)
  if (actual === undefined || actual === network.chainId) return
  throw new UsageError(`The node at ${network.rpc} is on chain "${actual}", but the ${network.name} network says "${network.chainId}".`, {
    code: 'chain_id_mismatch',
    hint: `Add the network again with --chain-id ${actual} (\`edge network remove ${network.name}\` first), or point it at a node of ${network.chainId}.`,
    details: {expected: network.chainId, actual, rpc: network.rpc},
  })
}
