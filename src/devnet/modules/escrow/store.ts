/**
 * x/escrow's store: the records the keeper works on, the key layout and the protobuf values node
 * stores (akash.escrow.types.v1), split from keeper.ts, the port of node's keeper.go.
 *
 *   escrow/acc/<state>/<scope>/<xid>                   AccountState
 *   escrow/pay/<state>/<scope>/<account xid>/<pay xid> PaymentState
 * `<state>` is the State number (1 open, 2 closed, 3 overdrawn), so a state's records are one range.
 */
import {
  AccountState,
  PaymentState,
  Source,
  Types_Account,
  Types_Payment,
  Types_State as State,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context} from '../../types.js'
import {protoDecCoin} from '../common/coins.js'
import {formatDec, parseDec} from '../common/dec.js'
import {i64} from '../common/long.js'
import {
  accountKeyString,
  type AccountId,
  parseAccountKeyString,
  parsePaymentKeyString,
  type PaymentId,
} from './ids.js'

export interface DecAmount {
  denom: string
  /** ×10^18 */
  amount: bigint
}

/** A deposit held by an account, in the order it arrived (spent first in, first out). */
export interface Depositor {
  owner: string
  height: bigint
  source: Source
  denom: string
  /** ×10^18 */
  amount: bigint
}

export interface AccountRecord {
  id: AccountId
  owner: string
  state: State
  transferred: DecAmount[]
  settledAt: bigint
  funds: DecAmount[]
  deposits: Depositor[]
}

export interface PaymentRecord {
  id: PaymentId
  owner: string
  state: State
  rate: DecAmount
  balance: DecAmount
  unsettled: DecAmount
  /** Integer amount. */
  withdrawn: {denom: string; amount: bigint}
}

const ACC = 'escrow/acc/'
const PAY = 'escrow/pay/'

export function accountStoreKey(state: State, id: AccountId): string {
  return `${ACC}${state}/${accountKeyString(id)}`
}

export function paymentStoreKey(state: State, id: PaymentId): string {
  return `${PAY}${state}/${accountKeyString(id.aid)}/${id.xid}`
}

/** All payments of one account in one state. The trailing "/" keeps dseq 12 from matching 123. */
export function accountPaymentsPrefix(state: State, id: AccountId): string {
  return `${PAY}${state}/${accountKeyString(id)}/`
}

export function accountSearchPrefix(state: State, xid: string): string {
  return `${ACC}${state}/${xid}`
}

export function paymentSearchPrefix(state: State, xid: string): string {
  return `${PAY}${state}/${xid}`
}

export const ALL_STATES = [State.open, State.closed, State.overdrawn] as const

// -------------------------------------------------------------------------------------------
// Encoding

export function encodeAccount(rec: AccountRecord): Uint8Array {
  return AccountState.encode(
    AccountState.fromPartial({
      owner: rec.owner,
      state: rec.state,
      transferred: rec.transferred.map((t) => protoDecCoin(t.denom, t.amount)),
      settledAt: BigInt(rec.settledAt),
      funds: rec.funds.map((f) => ({denom: f.denom, amount: formatDec(f.amount)})),
      deposits: rec.deposits.map((d) => ({
        owner: d.owner,
        height: BigInt(d.height),
        source: d.source,
        balance: protoDecCoin(d.denom, d.amount),
      })),
    }),
  ).finish()
}

export function decodeAccount(id: AccountId, bytes: Uint8Array): AccountRecord {
  const s = AccountState.decode(bytes)
  return {
    id,
    owner: s.owner,
    state: s.state,
    transferred: s.transferred.map((t) => ({denom: t.denom, amount: parseDec(t.amount)})),
    settledAt: i64(s.settledAt),
    funds: s.funds.map((f) => ({denom: f.denom, amount: parseDec(f.amount)})),
    deposits: s.deposits.map((d) => ({
      owner: d.owner,
      height: i64(d.height),
      source: d.source,
      denom: d.balance?.denom ?? '',
      amount: parseDec(d.balance?.amount),
    })),
  }
}

export function encodePayment(rec: PaymentRecord): Uint8Array {
  return PaymentState.encode(
    PaymentState.fromPartial({
      owner: rec.owner,
      state: rec.state,
      rate: protoDecCoin(rec.rate.denom, rec.rate.amount),
      balance: protoDecCoin(rec.balance.denom, rec.balance.amount),
      unsettled: protoDecCoin(rec.unsettled.denom, rec.unsettled.amount),
      withdrawn: {denom: rec.withdrawn.denom, amount: rec.withdrawn.amount.toString()},
    }),
  ).finish()
}

export function decodePayment(id: PaymentId, bytes: Uint8Array): PaymentRecord {
  const s = PaymentState.decode(bytes)
  return {
    id,
    owner: s.owner,
    state: s.state,
    rate: {denom: s.rate?.denom ?? '', amount: parseDec(s.rate?.amount)},
    balance: {denom: s.balance?.denom ?? '', amount: parseDec(s.balance?.amount)},
    unsettled: {denom: s.unsettled?.denom ?? '', amount: parseDec(s.unsettled?.amount)},
    withdrawn: {denom: s.withdrawn?.denom ?? '', amount: BigInt(s.withdrawn?.amount || '0')},
  }
}

/** The akash.escrow.types.v1 Account a query returns. */
export function accountToProto(rec: AccountRecord): Types_Account {
  return Types_Account.fromPartial({
    id: {scope: rec.id.scope, xid: rec.id.xid},
    state: AccountState.decode(encodeAccount(rec)),
  })
}

/**
 * The stored `AccountState` bytes of account `id`, whatever its state: what `accountToProto`
 * would encode, for list queries that return thousands without decoding them.
 */
export function storedAccountState(ctx: Context, id: AccountId): Uint8Array | undefined {
  for (const state of ALL_STATES) {
    const raw = ctx.store.get(accountStoreKey(state, id))
    if (raw) return raw
  }
  return undefined
}

export function paymentToProto(rec: PaymentRecord): Types_Payment {
  return Types_Payment.fromPartial({
    id: {aid: {scope: rec.id.aid.scope, xid: rec.id.aid.xid}, xid: rec.id.xid},
    state: PaymentState.decode(encodePayment(rec)),
  })
}

/** Decodes an account from its store key and value (for queries). */
export function accountFromStore(key: string, value: Uint8Array): AccountRecord | undefined {
  const rest = key.slice(ACC.length)
  const cut = rest.indexOf('/')
  const id = parseAccountKeyString(rest.slice(cut + 1))
  return id ? decodeAccount(id, value) : undefined
}

export function paymentFromStore(key: string, value: Uint8Array): PaymentRecord | undefined {
  const rest = key.slice(PAY.length)
  const cut = rest.indexOf('/')
  const id = parsePaymentKeyString(rest.slice(cut + 1))
  return id ? decodePayment(id, value) : undefined
}
