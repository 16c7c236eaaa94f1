/**
 * x/escrow (akash.escrow.v1): MsgAccountDeposit and the Accounts/Payments queries. The keeper
 * (keeper.ts) does the money; deployment and market call it through `ctx.keeper('escrow')`.
 */
import {
  MsgAccountDeposit,
  MsgAccountDepositResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryPaymentsRequest,
  QueryPaymentsResponse,
  Source,
  Types_State as State,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressError} from '../common/address.js'
import {coinAmount} from '../common/coins.js'
import {Grpc, panicError, plainError, queryStatus} from '../common/errors.js'
import {paginatePrefixes} from '../common/pagination.js'
import {AkashErr, EscrowErr} from './errors.js'
import {type AccountId, validateAccountId} from './ids.js'
import {createEscrowKeeper, type EscrowKeeper} from './keeper.js'
import {accountFromStore, accountSearchPrefix, accountToProto, paymentFromStore, paymentSearchPrefix, paymentToProto} from './store.js'

export * from './keeper.js'
export {accountToProto, paymentToProto, storedAccountState} from './store.js'
export * from './ids.js'
export {EscrowErr} from './errors.js'

/** Escrow's genesis section: edge dev starts with no accounts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the genesis section has no fields yet; an interface so modules read alike
export interface EscrowGenesis {}

/** `deposit.Deposit.Validate` minus the coin check (callers differ on that). */
export function validateDepositSources(sources: readonly Source[]): void {
  if (sources.length === 0) throw AkashErr.invalidDepositSource.wrap('empty deposit sources')
  const seen = new Set<Source>()
  for (const src of sources) {
    if (src !== Source.balance && src !== Source.grant) {
      throw AkashErr.invalidDepositSource.wrap(`empty deposit source type ${src}`)
    }
    if (seen.has(src)) throw AkashErr.invalidDepositSource.wrap(`duplicate deposit source type ${src}`)
    seen.add(src)
  }
}

function toAccountId(id: {scope: number; xid: string} | undefined): AccountId {
  return {scope: id?.scope ?? 0, xid: id?.xid ?? ''}
}

const STATES_ALL = [State.open, State.closed, State.overdrawn]

/** Resolves the `state` filter as node does: empty means every state, unknown is an error. */
function statesFor(state: string): State[] {
  if (state === '') return STATES_ALL
  const value = ({open: State.open, closed: State.closed, overdrawn: State.overdrawn} as Record<string, State>)[state]
  if (value === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid state value')
  return [value]
}

export function escrowModule(keeper: EscrowKeeper = createEscrowKeeper()): Module & {keeper: EscrowKeeper} {
  const accountDeposit: MsgRoute<MsgAccountDeposit> = {
    codec: MsgAccountDeposit,
    signers: (msg) => [msg.signer],
    validateBasic(msg) {
      const err = addressError(msg.signer)
      if (err) throw plainError(err)
      validateAccountId(toAccountId(msg.id))
      if (coinAmount(msg.deposit?.amount) === 0n) throw EscrowErr.invalidDeposit()
      validateDepositSources(msg.deposit?.sources ?? [])
    },
    handle(ctx: Context, msg) {
      const amount = coinAmount(msg.deposit?.amount)
      if (amount < 0n) throw panicError(`negative coin amount: ${amount}`)
      const deposits = keeper.authorizeDeposits(ctx, msg.signer, {
        denom: msg.deposit?.amount?.denom ?? '',
        amount,
        sources: msg.deposit?.sources ?? [],
      })
      keeper.accountDeposit(ctx, toAccountId(msg.id), deposits)
      return MsgAccountDepositResponse.encode({}).finish()
    },
  }

  const accounts: QueryRoute<QueryAccountsRequest, QueryAccountsResponse> = {
    path: '/akash.escrow.v1.Query/Accounts',
    http: '/akash/escrow/v1/types/accounts',
    request: QueryAccountsRequest,
    response: QueryAccountsResponse,
    handle(ctx, req) {
      const states = statesFor(req.state)
      const page = paginatePrefixes(
        ctx.store,
        states.map((s) => accountSearchPrefix(s, req.xid)),
        req.pagination,
        (key, value) => {
          const rec = accountFromStore(key, value)
          return rec ? accountToProto(rec) : undefined
        },
      )
      return QueryAccountsResponse.fromPartial({accounts: page.items, pagination: page.pagination})
    },
  }

  const payments: QueryRoute<QueryPaymentsRequest, QueryPaymentsResponse> = {
    path: '/akash.escrow.v1.Query/Payments',
    http: '/akash/escrow/v1/types/payments',
    request: QueryPaymentsRequest,
    response: QueryPaymentsResponse,
    handle(ctx, req) {
      const states = statesFor(req.state)
      const page = paginatePrefixes(
        ctx.store,
        states.map((s) => paymentSearchPrefix(s, req.xid)),
        req.pagination,
        (key, value) => {
          const rec = paymentFromStore(key, value)
          return rec ? paymentToProto(rec) : undefined
        },
      )
      return QueryPaymentsResponse.fromPartial({payments: page.items, pagination: page.pagination})
    },
  }

  return {
    name: 'escrow',
    msgs: [accountDeposit],
    queries: [accounts, payments],
    initGenesis() {
      // No accounts at genesis; the escrow module account is created by the bank on first use.
    },
    keeper,
  }
}
