/**
 * Escrow identifiers (akash.escrow.id.v1): an account is `<scope>/<xid>` with xid
 * `<owner>/<dseq>` (deployment) or `<owner>/<dseq>/<gseq>/<oseq>/<provider>` (bid); a payment
 * adds `<gseq>/<oseq>/<provider>` to its deployment account.
 */
import {Scope} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import {addressError} from '../common/address.js'
import {EscrowErr} from './errors.js'

export {Scope}

export interface AccountId {
  scope: Scope
  xid: string
}

export interface PaymentId {
  aid: AccountId
  xid: string
}

export function scopeName(scope: Scope): string {
  switch (scope) {
    case Scope.deployment:
      return 'deployment'
    case Scope.bid:
      return 'bid'
    default:
      return 'invalid'
  }
}

/** `Account.Key()`: "deployment/<owner>/<dseq>". */
export function accountKeyString(id: AccountId): string {
  return `${scopeName(id.scope)}/${id.xid}`
}

/** `Payment.Key()`. */
export function paymentKeyString(id: PaymentId): string {
  return `${accountKeyString(id.aid)}/${id.xid}`
}

function isUint(text: string, bits: 32 | 64): boolean {
  if (!/^\d+$/.test(text)) return false
  const value = BigInt(text)
  return bits === 32 ? value <= 0xffffffffn : value <= 0xffffffffffffffffn
}

function validateBidScope(parts: string[]): void {
  if (!isUint(parts[0], 32)) throw EscrowErr.invalidID.wrap(`invalid xid/gseq: ${parts[0]}`)
  if (!isUint(parts[1], 32)) throw EscrowErr.invalidID.wrap(`invalid xid/oseq: ${parts[1]}`)
  const err = addressError(parts[2])
  if (err) throw EscrowErr.invalidID.wrap(`invalid xid/provider: ${err}`)
}

/** `Account.ValidateBasic`. */
export function validateAccountId(id: AccountId): void {
  const parts = id.xid.split('/')
  if (id.scope === Scope.deployment) {
    if (parts.length !== 2) throw EscrowErr.invalidID.wrap('invalid xid format')
  } else if (id.scope === Scope.bid) {
    if (parts.length !== 5) throw EscrowErr.invalidID.wrap('invalid xid format')
  } else {
    throw EscrowErr.invalidID.wrap('invalid scope')
  }
  const err = addressError(parts[0])
  if (err) throw EscrowErr.invalidID.wrap(`invalid xid/owner: ${err}`)
  if (!isUint(parts[1], 64)) throw EscrowErr.invalidID.wrap(`invalid xid/dseq: ${parts[1]}`)
  if (id.scope === Scope.bid) validateBidScope(parts.slice(2))
}

export function deploymentAccountId(owner: string, dseq: bigint): AccountId {
  return {scope: Scope.deployment, xid: `${owner}/${dseq}`}
}

export function bidAccountId(bid: {owner: string; dseq: bigint; gseq: number; oseq: number; provider: string}): AccountId {
  return {scope: Scope.bid, xid: `${bid.owner}/${bid.dseq}/${bid.gseq}/${bid.oseq}/${bid.provider}`}
}

export function leasePaymentId(lease: {owner: string; dseq: bigint; gseq: number; oseq: number; provider: string}): PaymentId {
  return {aid: deploymentAccountId(lease.owner, lease.dseq), xid: `${lease.gseq}/${lease.oseq}/${lease.provider}`}
}

/** Splits a payment key string (without state) back into its id, or undefined. */
export function parsePaymentKeyString(key: string): PaymentId | undefined {
  const parts = key.split('/')
  const scope = parts[0] === 'deployment' ? Scope.deployment : parts[0] === 'bid' ? Scope.bid : undefined
  if (scope === undefined) return undefined
  const aidParts = scope === Scope.deployment ? 2 : 5
  if (parts.length !== 1 + aidParts + 3) return undefined
  return {
    aid: {scope, xid: parts.slice(1, 1 + aidParts).join('/')},
    xid: parts.slice(1 + aidParts).join('/'),
  }
}

/** Splits an account key string (without state) back into its id, or undefined. */
export function parseAccountKeyString(key: string): AccountId | undefined {
  const cut = key.indexOf('/')
  if (cut < 0) return undefined
  const name = key.slice(0, cut)
  const scope = name === 'deployment' ? Scope.deployment : name === 'bid' ? Scope.bid : undefined
  if (scope === undefined) return undefined
  return {scope, xid: key.slice(cut + 1)}
}
