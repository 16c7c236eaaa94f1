import type {BatchMsg} from './market.js'

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

export function describeMsg(msg: BatchMsg): string {
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
