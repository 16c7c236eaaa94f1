import {UsageError} from '../errors.js'
import type {Settings} from './settings.js'

export type NetworkKind = 'dev' | 'testnet' | 'mainnet'

/**
 * What kind of network a context is, and the policy that follows from it. Code asks the profile,
 * never the network's name: a custom context pointing at an `edge dev` chain is a dev network too.
 */
export interface NetworkProfile {
  kind: NetworkKind
  /** Tokens are free: edge dev's faucet (`edge dev fund`) mints them to any address. */
  canMint: boolean
  /** Keys are throwaway: edge makes provider keys without a passphrase and signs with `dev` by default. */
  devKeys: boolean
  /** Everything runs on this machine: services bind loopback, and the process runtime (no isolation) is allowed. */
  onThisMachine: boolean
  /** Bound on each chain query, so an unreachable endpoint fails fast. */
  queryTimeoutMs: number
  /** How long `edge deploy` collects bids unless told. */
  bidTimeoutMs: number
  /** Blocks to wait for more bids once the first arrived. */
  settleBlocks: number
}

export function networkProfile(kind: NetworkKind): NetworkProfile {
  const dev = kind === 'dev'
  return {
    kind,
    canMint: dev,
    devKeys: dev,
    onThisMachine: dev,
    queryTimeoutMs: dev ? 5000 : 15000,
    bidTimeoutMs: dev ? 30_000 : 120_000,
    settleBlocks: dev ? 1 : 3,
  }
}

/** A network context: where the chain is and how its money works. */
export interface NetworkContext {
  name: string
  chainId: string
  /** CometBFT JSON-RPC (transactions, blocks). */
  rpc: string
  /** gRPC (queries, as chain-sdk makes them). */
  grpc: string
  /** grpc-gateway REST. */
  rest: string
  /** Minimum gas price, e.g. `0.025uakt`. */
  gasPrice: string
  /** Denom of deployment deposits and lease prices. */
  depositDenom: string
  /** The one block-time constant used for every per-block → per-hour conversion on this network. */
  blockTimeMs: number
  bech32Prefix: string
  builtIn: boolean
  description?: string
  profile: NetworkProfile
}

/** A custom network as settings keep it: the profile is derived, from `kind` when given. */
export type StoredNetwork = Omit<NetworkContext, 'builtIn' | 'name' | 'profile'> & {kind?: NetworkKind}

const common = {gasPrice: '0.025uakt', depositDenom: 'uact', bech32Prefix: 'akash', builtIn: true}

// Mainnet blocks average about 6.1 s; Akash's own tools disagree in the last digit
// (support#254), so edge uses one figure everywhere.
export const BUILT_IN_NETWORKS: Record<string, NetworkContext> = {
  mainnet: {
    ...common,
    name: 'mainnet',
    profile: networkProfile('mainnet'),
    chainId: 'akashnet-2',
    rpc: 'https://rpc.akashnet.net:443',
    grpc: 'https://grpc.akashnet.net:443',
    rest: 'https://api.akashnet.net:443',
    blockTimeMs: 6117,
    description: 'Akash mainnet',
  },
  sandbox: {
    ...common,
    name: 'sandbox',
    profile: networkProfile('testnet'),
    chainId: 'sandbox-2',
    rpc: 'https://rpc.sandbox-2.aksh.pw:443',
    grpc: 'https://grpc.sandbox-2.aksh.pw:443',
    rest: 'https://api.sandbox-2.aksh.pw:443',
    blockTimeMs: 6117,
    description: 'Akash sandbox (free tokens from its faucet)',
  },
  testnet: {
    ...common,
    name: 'testnet',
    profile: networkProfile('testnet'),
    chainId: 'testnet-02',
    rpc: 'https://rpc.testnet-02.aksh.pw:443',
    grpc: 'https://grpc.testnet-02.aksh.pw:443',
    rest: 'https://api.testnet-02.aksh.pw:443',
    blockTimeMs: 6117,
    description: 'Akash testnet',
  },
  local: {
    ...common,
    name: 'local',
    profile: networkProfile('dev'),
    chainId: 'edge-dev',
    rpc: 'http://127.0.0.1:26657',
    grpc: 'http://127.0.0.1:9090',
    rest: 'http://127.0.0.1:1317',
    blockTimeMs: 1000,
    description: 'edge dev on this machine',
  },
}

export const DEFAULT_NETWORK = 'local'

/** Built-in networks, with `local` as `edge dev start` last configured it, then custom ones. */
export function listNetworks(settings: Settings): NetworkContext[] {
  const custom = settings.get('networks') ?? {}
  const builtIns = Object.values(BUILT_IN_NETWORKS).map((n) =>
    n.name === 'local' && custom.local ? {...n, ...withoutKind(custom.local), name: 'local', builtIn: true, profile: n.profile} : n,
  )
  const extras = Object.entries(custom)
    .filter(([name]) => !(name in BUILT_IN_NETWORKS))
    .map(([name, stored]) => ({...withoutKind(stored), name, builtIn: false, profile: networkProfile(storedKind(stored))}))
  return [...builtIns, ...extras]
}

/** The kind a stored network declares; else a chain edge dev runs is dev, and anything else is treated as mainnet. */
function storedKind(stored: StoredNetwork): NetworkKind {
  if (stored.kind) return stored.kind
  return stored.chainId === BUILT_IN_NETWORKS.local.chainId ? 'dev' : 'mainnet'
}

function withoutKind(stored: StoredNetwork): Omit<StoredNetwork, 'kind'> {
  const {kind: _kind, ...rest} = stored as StoredNetwork & {profile?: unknown}
  delete (rest as {profile?: unknown}).profile
  return rest
}

/** The network to use: `--network` (or EDGE_NETWORK, which oclif folds into the flag) > selected > local. */
export function resolveNetwork(settings: Settings, requested?: string): NetworkContext {
  const name = requested || settings.get('network') || DEFAULT_NETWORK
  const found = listNetworks(settings).find((n) => n.name === name)
  if (!found) {
    const known = listNetworks(settings)
      .map((n) => n.name)
      .join(', ')
    throw new UsageError(`Unknown network "${name}".`, {
      code: 'unknown_network',
      hint: `Known networks: ${known}. Add one with \`edge network add ${name} --chain-id … --rpc … --grpc … --rest …\`.`,
    })
  }
  return found
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/

export function validateNetworkName(name: string): void {
  if (!NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid network name.`, {
      hint: 'Use lowercase letters, digits and dashes, starting with a letter (at most 40 characters).',
    })
  }
}

export function validateEndpoint(kind: string, url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`The ${kind} endpoint "${url}" is not a URL.`, {
      hint: 'Give a full URL such as https://rpc.example.com:443 or http://127.0.0.1:26657.',
    })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`The ${kind} endpoint "${url}" must use http or https.`)
  }
  return url.replace(/\/+$/, '')
}
