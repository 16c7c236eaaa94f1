import {UsageError} from '../errors.js'
import type {Settings} from './settings.js'

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
}

const common = {gasPrice: '0.025uakt', depositDenom: 'uact', bech32Prefix: 'akash', builtIn: true}

// Mainnet blocks average about 6.1 s; Akash's own tools disagree in the last digit
// (support#254), so edge uses one figure everywhere.
export const BUILT_IN_NETWORKS: Record<string, NetworkContext> = {
  mainnet: {
    ...common,
    name: 'mainnet',
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
    n.name === 'local' && custom.local ? {...n, ...custom.local, name: 'local', builtIn: true} : n,
  )
  const extras = Object.entries(custom)
    .filter(([name]) => !(name in BUILT_IN_NETWORKS))
    .map(([name, ctx]) => ({...ctx, name, builtIn: false}))
  return [...builtIns, ...extras]
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
