/** Order, bid and lease identifiers and their `Validate()` (pkg.akt.dev/go/node/market/v1). */
import type {BidID, LeaseID, OrderID} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import {padUint} from '../../paginate.js'
import {isAddress} from '../common/address.js'
import {SdkErr, wrapError} from '../common/errors.js'
import {u64} from '../common/long.js'
import {type GroupKey, groupPath, validateGroupId} from '../deployment/ids.js'

export interface OrderKey extends GroupKey {
  oseq: number
}

export interface BidKey extends OrderKey {
  provider: string
  bseq: number
}

export type LeaseKey = BidKey

export function orderKey(id: OrderID | undefined): OrderKey {
  return {owner: id?.owner ?? '', dseq: u64(id?.dseq), gseq: id?.gseq ?? 0, oseq: id?.oseq ?? 0}
}

export function bidKey(id: BidID | LeaseID | undefined): BidKey {
  return {...orderKey(id), provider: id?.provider ?? '', bseq: id?.bseq ?? 0}
}

export function toOrderID(id: OrderKey): OrderID {
  return {owner: id.owner, dseq: BigInt(id.dseq), gseq: id.gseq, oseq: id.oseq}
}

export function toBidID(id: BidKey): BidID {
  return {...toOrderID(id), provider: id.provider, bseq: id.bseq}
}

export function orderOf(id: BidKey): OrderKey {
  return {owner: id.owner, dseq: id.dseq, gseq: id.gseq, oseq: id.oseq}
}

export function groupOf(id: OrderKey): GroupKey {
  return {owner: id.owner, dseq: id.dseq, gseq: id.gseq}
}

export function validateOrderId(id: OrderKey): void {
  try {
    validateGroupId(id)
  } catch (err) {
    throw wrapError(err, 'OrderID: Invalid GroupID')
  }
  if (id.oseq === 0) throw SdkErr.invalidSequence.wrap('OrderID: Invalid Order Sequence')
}

export function validateBidId(id: BidKey): void {
  try {
    validateOrderId(id)
  } catch (err) {
    throw wrapError(err, 'BidID: Invalid OrderID')
  }
  if (!isAddress(id.provider)) throw SdkErr.invalidAddress.wrap('BidID: Invalid Provider Address')
  if (id.owner === id.provider) throw SdkErr.conflict.wrap('BidID: self-bid')
  if (id.bseq !== 0) throw SdkErr.conflict.wrap('BidID: invalid bseq')
}

export function validateLeaseId(id: LeaseKey): void {
  try {
    validateBidId(id)
  } catch (err) {
    throw wrapError(err, 'LeaseID: Invalid BidID')
  }
}

export function orderPath(id: OrderKey): string {
  return `${groupPath(id)}/${padUint(id.oseq)}`
}

export function bidPath(id: BidKey): string {
  return `${orderPath(id)}/${id.provider}/${padUint(id.bseq)}`
}

/** Parses `bidPath` back (owner/dseq/gseq/oseq/provider/bseq). */
export function parseBidPath(path: string): BidKey {
  const [owner, dseq, gseq, oseq, provider, bseq] = path.split('/')
  return {owner, dseq: BigInt(dseq), gseq: Number(gseq), oseq: Number(oseq), provider, bseq: Number(bseq)}
}

export function parseOrderPath(path: string): OrderKey {
  const [owner, dseq, gseq, oseq] = path.split('/')
  return {owner, dseq: BigInt(dseq), gseq: Number(gseq), oseq: Number(oseq)}
}

export function bidIdString(id: BidKey): string {
  return `${id.owner}/${id.dseq}/${id.gseq}/${id.oseq}/${id.provider}`
}
