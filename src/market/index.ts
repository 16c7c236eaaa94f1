import type {NetworkContext} from '../config/networks.js'
import type {Market} from './market.js'

export type {Market} from './market.js'

/**
 * The one place a Market is chosen. Every network — mainnet, sandbox, testnet and `edge dev` —
 * speaks the Akash protocol, so one adapter serves them all; the boundary is what lets edge follow
 * Akash if it moves chains (AEP-79).
 */
export async function openMarket(
  network: NetworkContext,
  options: {mnemonic?: string; address?: string; key?: {pubkey: Uint8Array; privkey: Uint8Array}; timeoutMs?: number} = {},
): Promise<Market> {
  const {AkashMarket} = await import('./akash/akash-market.js')
  return AkashMarket.open(network, options)
}

/** Starts loading the chain client now, so that it overlaps with other work (unlocking a key). */
export function preloadMarket(): void {
  void import('./akash/chain-sdk.js').then((m) => m.loadChainSdk()).catch(() => undefined)
}
