import type {Attribute, BidId, Coin, DecAmount, LeaseId, OrderId, ResourceOfferInput} from '../../market/market.js'

/** The transactions a running provider sends, as plain data; the broadcaster encodes them. */
export type ProviderMsg =
  | {type: 'createBid'; order: OrderId; price: DecAmount; deposit: Coin; resourcesOffer: ResourceOfferInput[]; reclamationWindowSeconds?: number}
  | {type: 'closeBid'; bid: BidId; reason: string}
  /** AEP-82: start taking a lease's resources back; `reason` is a provider close reason's name. */
  | {type: 'leaseStartReclaim'; lease: LeaseId; reason: string}
  | {type: 'withdrawLease'; lease: LeaseId}
  | {type: 'createProvider' | 'updateProvider'; hostUri: string; attributes: Attribute[]; email?: string; website?: string}
  | {type: 'createCertificate'; certPem: string; pubkeyPem: string}

export interface TxOutcome {
  txHash: string
  height: number
}

/** A message the chain refused; `code`/`log` come from the transaction result. */
export class TxRejected extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly log?: string,
  ) {
    super(message)
    this.name = 'TxRejected'
  }
}

export function describeMsg(msg: ProviderMsg): string {
  switch (msg.type) {
    case 'createBid':
      return `bid on ${msg.order.owner}/${msg.order.dseq}/${msg.order.gseq}/${msg.order.oseq}`
    case 'closeBid':
      return `close bid ${msg.bid.owner}/${msg.bid.dseq}/${msg.bid.gseq}/${msg.bid.oseq}`
    case 'leaseStartReclaim':
      return `start reclaiming ${msg.lease.owner}/${msg.lease.dseq}/${msg.lease.gseq}/${msg.lease.oseq}`
    case 'withdrawLease':
      return `withdraw ${msg.lease.owner}/${msg.lease.dseq}/${msg.lease.gseq}/${msg.lease.oseq}`
    case 'createProvider':
      return 'register the provider'
    case 'updateProvider':
      return 'update the provider'
    case 'createCertificate':
      return 'publish the certificate'
  }
}
