import {
  Bank_Params,
  Bank_QueryParamsRequest,
  Bank_QueryParamsResponse,
  Metadata,
  MsgMultiSend,
  MsgMultiSendResponse,
  MsgSend,
  MsgSendResponse,
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomsMetadataRequest,
  QueryDenomsMetadataResponse,
  QuerySendEnabledRequest,
  QuerySendEnabledResponse,
  QuerySpendableBalanceByDenomRequest,
  QuerySpendableBalanceByDenomResponse,
  QuerySpendableBalancesRequest,
  QuerySpendableBalancesResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyRequest,
  QueryTotalSupplyResponse,
} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

import {addressBytes} from '../../core/address.js'
import {formatCoins, fromProtoCoins, isValidDenom, normalizeCoins} from '../../core/coins.js'
import {sdkError, SdkCode} from '../../core/errors.js'
import {nodeAccess} from '../../core/gas.js'
import {invalidArgument, notFound} from '../../core/query-error.js'
import {paginate} from '../../paginate.js'
import {type Context, type Module, type MsgRoute, type PageRequest, type QueryRoute, TxError} from '../../types.js'
import {AccountKeeper} from '../auth/keeper.js'
import {BankKeeper, BankKeys, decodeAmount, sendDisabledError} from './keeper.js'

function requireAddressArg(address: string): void {
  if (!address) throw invalidArgument('empty address string is not allowed')
  if (!addressBytes(address)) throw invalidArgument(`invalid address ${address}: decoding bech32 failed`)
}

function requireDenomArg(denom: string): void {
  if (!isValidDenom(denom)) throw invalidArgument(`invalid denom: ${denom}`)
}

/**
 * `IsSendEnabledCoins` first reads the bank params (key `0x05`; `default_send_enabled: true` is
 * two bytes), which edge dev keeps as constants: the read is charged as the node makes it.
 */
function chargeBankParamsRead(ctx: Context): void {
  nodeAccess(ctx.store)?.read(1, 2)
}

function bankOf(ctx: Context): BankKeeper {
  return ctx.bank instanceof BankKeeper ? ctx.bank : new BankKeeper(ctx.store, ctx.events)
}

const send: MsgRoute<MsgSend> = {
  codec: MsgSend,
  signers: (msg) => [msg.fromAddress],
  handle(ctx, msg) {
    if (!addressBytes(msg.fromAddress)) throw sdkError(SdkCode.invalidAddress, `invalid from address: ${msg.fromAddress}`)
    if (!addressBytes(msg.toAddress)) throw sdkError(SdkCode.invalidAddress, `invalid to address: ${msg.toAddress}`)
    if (msg.amount.length === 0) throw sdkError(SdkCode.invalidCoins, '')
    const coins = fromProtoCoins(msg.amount)
    const bank = bankOf(ctx)
    chargeBankParamsRead(ctx)
    for (const c of coins) if (!bank.isSendEnabled(c.denom)) throw sendDisabledError(c.denom)
    if (new AccountKeeper(ctx.store).isModuleAccount(msg.toAddress))
      throw sdkError(SdkCode.unauthorized, `${msg.toAddress} is not allowed to receive funds`)
    bank.send(msg.fromAddress, msg.toAddress, coins)
    return MsgSendResponse.encode(MsgSendResponse.fromPartial({})).finish()
  },
}

const multiSend: MsgRoute<MsgMultiSend> = {
  codec: MsgMultiSend,
  signers: (msg) => msg.inputs.map((i) => i.address),
  handle(ctx, msg) {
    if (msg.inputs.length === 0) throw new TxError('bank', 2, 'no inputs to send transaction')
    if (msg.outputs.length === 0) throw new TxError('bank', 3, 'no outputs to send transaction')
    if (msg.inputs.length !== 1) throw sdkError(SdkCode.invalidRequest, 'multiple senders not allowed')
    const bank = bankOf(ctx)
    const accounts = new AccountKeeper(ctx.store)
    const input = msg.inputs[0]
    const inCoins = fromProtoCoins(input.coins)
    chargeBankParamsRead(ctx)
    for (const c of inCoins) if (!bank.isSendEnabled(c.denom)) throw sendDisabledError(c.denom)
    const outputs = msg.outputs.map((out) => ({address: out.address, coins: fromProtoCoins(out.coins)}))
    for (const out of outputs) {
      if (accounts.isModuleAccount(out.address)) throw sdkError(SdkCode.unauthorized, `${out.address} is not allowed to receive funds`)
    }
    // Equal per denom (`Coins.Equal`), not in sum: the outputs may only move the input's denoms,
    // or a send-disabled denom (uact) could leave under an enabled one's name.
    if (formatCoins(inCoins) !== formatCoins(normalizeCoins(outputs.flatMap((o) => o.coins)))) {
      throw new TxError('bank', 4, 'sum inputs != sum outputs')
    }
    for (const out of outputs) bank.send(input.address, out.address, out.coins)
    return MsgMultiSendResponse.encode(MsgMultiSendResponse.fromPartial({})).finish()
  },
}

function balanceCoin(ctx: Context, address: string, denom: string) {
  return {denom, amount: decodeAmount(ctx.store.get(BankKeys.balance(address, denom))).toString()}
}

/** One page of an address's non-zero balances, in denom order. */
function balancesPage(ctx: Context, req: {address: string; pagination?: PageRequest}) {
  requireAddressArg(req.address)
  const prefix = BankKeys.balancesOf(req.address)
  const {items, pagination} = paginate(ctx.store, prefix, req.pagination, (key, value) => {
    const amount = decodeAmount(value)
    return amount > 0n ? {denom: key.slice(prefix.length), amount: amount.toString()} : undefined
  })
  return {balances: items, pagination}
}

export function bankModule(): Module {
  const queries: QueryRoute[] = [
    {
      path: '/cosmos.bank.v1beta1.Query/Balance',
      http: '/cosmos/bank/v1beta1/balances/{address}/by_denom',
      request: QueryBalanceRequest,
      response: QueryBalanceResponse,
      handle(ctx: Context, req: QueryBalanceRequest) {
        requireAddressArg(req.address)
        requireDenomArg(req.denom)
        return QueryBalanceResponse.fromPartial({balance: balanceCoin(ctx, req.address, req.denom)})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/AllBalances',
      http: '/cosmos/bank/v1beta1/balances/{address}',
      request: QueryAllBalancesRequest,
      response: QueryAllBalancesResponse,
      handle: (ctx: Context, req: QueryAllBalancesRequest) => QueryAllBalancesResponse.fromPartial(balancesPage(ctx, req)),
    },
    {
      path: '/cosmos.bank.v1beta1.Query/SpendableBalances',
      http: '/cosmos/bank/v1beta1/spendable_balances/{address}',
      request: QuerySpendableBalancesRequest,
      response: QuerySpendableBalancesResponse,
      // Nothing is locked on edge dev (no vesting accounts): spendable is every balance.
      handle: (ctx: Context, req: QuerySpendableBalancesRequest) => QuerySpendableBalancesResponse.fromPartial(balancesPage(ctx, req)),
    },
    {
      path: '/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom',
      http: '/cosmos/bank/v1beta1/spendable_balances/{address}/by_denom',
      request: QuerySpendableBalanceByDenomRequest,
      response: QuerySpendableBalanceByDenomResponse,
      handle(ctx: Context, req: QuerySpendableBalanceByDenomRequest) {
        requireAddressArg(req.address)
        requireDenomArg(req.denom)
        return QuerySpendableBalanceByDenomResponse.fromPartial({balance: balanceCoin(ctx, req.address, req.denom)})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/TotalSupply',
      http: '/cosmos/bank/v1beta1/supply',
      request: QueryTotalSupplyRequest,
      response: QueryTotalSupplyResponse,
      handle(ctx: Context, req: QueryTotalSupplyRequest) {
        const {items, pagination} = paginate(ctx.store, BankKeys.supplyPrefix, req.pagination, (key, value) => ({
          denom: key.slice(BankKeys.supplyPrefix.length),
          amount: decodeAmount(value).toString(),
        }))
        return QueryTotalSupplyResponse.fromPartial({supply: items, pagination})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/SupplyOf',
      http: '/cosmos/bank/v1beta1/supply/by_denom',
      request: QuerySupplyOfRequest,
      response: QuerySupplyOfResponse,
      handle(ctx: Context, req: QuerySupplyOfRequest) {
        requireDenomArg(req.denom)
        return QuerySupplyOfResponse.fromPartial({
          amount: {denom: req.denom, amount: decodeAmount(ctx.store.get(BankKeys.supply(req.denom))).toString()},
        })
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/Params',
      http: '/cosmos/bank/v1beta1/params',
      request: Bank_QueryParamsRequest,
      response: Bank_QueryParamsResponse,
      handle() {
        return Bank_QueryParamsResponse.fromPartial({params: Bank_Params.fromPartial({defaultSendEnabled: true, sendEnabled: []})})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/SendEnabled',
      http: '/cosmos/bank/v1beta1/send_enabled',
      request: QuerySendEnabledRequest,
      response: QuerySendEnabledResponse,
      handle(ctx: Context, req: QuerySendEnabledRequest) {
        const bank = new BankKeeper(ctx.store, ctx.events)
        if (req.denoms.length > 0) {
          return QuerySendEnabledResponse.fromPartial({
            sendEnabled: req.denoms
              .filter((denom) => ctx.store.get(BankKeys.sendEnabled(denom)) !== undefined)
              .map((denom) => ({denom, enabled: bank.isSendEnabled(denom)})),
          })
        }
        const {items, pagination} = paginate(ctx.store, BankKeys.sendEnabledPrefix, req.pagination, (key, value) => ({
          denom: key.slice(BankKeys.sendEnabledPrefix.length),
          enabled: new TextDecoder().decode(value) === 'true',
        }))
        return QuerySendEnabledResponse.fromPartial({sendEnabled: items, pagination})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/DenomsMetadata',
      http: '/cosmos/bank/v1beta1/denoms_metadata',
      request: QueryDenomsMetadataRequest,
      response: QueryDenomsMetadataResponse,
      handle(ctx: Context, req: QueryDenomsMetadataRequest) {
        const {items, pagination} = paginate(ctx.store, BankKeys.metadataPrefix, req.pagination, (_k, v) => Metadata.decode(v))
        return QueryDenomsMetadataResponse.fromPartial({metadatas: items, pagination})
      },
    },
    {
      path: '/cosmos.bank.v1beta1.Query/DenomMetadata',
      http: '/cosmos/bank/v1beta1/denoms_metadata/{denom}',
      request: QueryDenomMetadataRequest,
      response: QueryDenomMetadataResponse,
      handle(ctx: Context, req: QueryDenomMetadataRequest) {
        requireDenomArg(req.denom)
        const raw = ctx.store.get(BankKeys.metadata(req.denom))
        if (!raw) throw notFound(`client metadata for denom ${req.denom}`)
        return QueryDenomMetadataResponse.fromPartial({metadata: Metadata.decode(raw)})
      },
    },
  ]
  return {name: 'bank', msgs: [send, multiSend], queries}
}
