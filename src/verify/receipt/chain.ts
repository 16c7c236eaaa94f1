/**
 * What receipt verification asks of the chain: the few facts a receipt claims that the chain can
 * confirm. An interface of its own, so a verifier needs nothing but an endpoint (and tests a fake);
 * `receiptChainFromMarket` answers it from edge's Market.
 */
import type {MarketQueries} from '../../market/market.js'

export interface ReceiptLeaseFacts {
  provider: string
  /** `active`, `insufficient_funds`, `closed`. */
  state: string
  /** Height the lease was created at. */
  createdAt: number
  /** Height it was closed at; 0 or undefined while open. */
  closedOn?: number
  /** Per-block price, base denom × 10^18. */
  price?: {denom: string; amount: bigint}
}

export interface ReceiptChain {
  /** The chain id the endpoint serves. */
  chainId(): Promise<string>
  /** Undefined when no such account exists; `pubkey` absent until the account has signed a transaction. */
  account(address: string): Promise<{pubkey?: Uint8Array} | undefined>
  /** Every lease ever made for this order (an order is leased at most once; closed leases stay on chain). */
  leases(order: {owner: string; dseq: bigint; gseq: number; oseq: number}): Promise<ReceiptLeaseFacts[]>
  /** The deployment's current manifest version (hex) and creation height. */
  deployment(owner: string, dseq: bigint): Promise<{version: string; createdAt: number} | undefined>
}

/**
 * The chain as edge's Market sees it. The chain id is asked of the node itself (`Market.chainId`),
 * not taken from edge's configuration, so a receipt for another chain is
 * caught even when the context is misconfigured.
 */
export function receiptChainFromMarket(
  market: Pick<MarketQueries, 'chainId' | 'account' | 'leases' | 'deployment'>,
  options: {chainId?: () => Promise<string>} = {},
): ReceiptChain {
  return {
    chainId: options.chainId ?? (() => market.chainId()),
    account: async (address) => {
      const a = await market.account(address)
      return a ? {...(a.pubkey ? {pubkey: a.pubkey} : {})} : undefined
    },
    leases: async (order) => {
      const leases = await market.leases({owner: order.owner, dseq: order.dseq})
      return leases
        .filter((l) => l.id.gseq === order.gseq && l.id.oseq === order.oseq)
        .map((l) => ({provider: l.id.provider, state: l.state, createdAt: l.createdAt, ...(l.closedOn ? {closedOn: l.closedOn} : {}), price: {denom: l.price.denom, amount: l.price.amount}}))
    },
    deployment: async (owner, dseq) => {
      const d = await market.deployment({owner, dseq})
      return d ? {version: Buffer.from(d.hash).toString('hex'), createdAt: d.createdAt} : undefined
    },
  }
}
