import {
  AddressBytesToStringRequest,
  AddressBytesToStringResponse,
  AddressStringToBytesRequest,
  AddressStringToBytesResponse,
  BaseAccount,
  Bech32PrefixRequest,
  Bech32PrefixResponse,
  Params,
  QueryAccountAddressByIDRequest,
  QueryAccountAddressByIDResponse,
  QueryAccountInfoRequest,
  QueryAccountInfoResponse,
  QueryAccountRequest,
  QueryAccountResponse,
  QueryAccountsRequest,
  QueryAccountsResponse,
  QueryModuleAccountByNameRequest,
  QueryModuleAccountByNameResponse,
  QueryModuleAccountsRequest,
  QueryModuleAccountsResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {fromBech32, toBech32} from '@cosmjs/encoding'
import {Any} from 'cosmjs-types/google/protobuf/any'

import {BECH32_PREFIX, addressBytes, moduleAddress} from '../../core/address.js'
import {invalidArgument, notFound} from '../../core/query-error.js'
import {paginate} from '../../paginate.js'
import type {Context, Module, QueryRoute} from '../../types.js'
import {AccountKeeper, AuthKeys, encodeAccount} from './keeper.js'

/** Auth parameters: the SDK defaults, which Akash keeps. */
export const AUTH_PARAMS = {
  maxMemoCharacters: 256,
  txSigLimit: 7,
  txSizeCostPerByte: 10,
  sigVerifyCostEd25519: 590,
  sigVerifyCostSecp256k1: 1000,
} as const

function requireQueryAddress(address: string): void {
  if (!address) throw invalidArgument('empty address string is not allowed')
  if (!addressBytes(address)) throw invalidArgument(`invalid address ${address}: decoding bech32 failed`)
}

function query<Req, Res>(route: QueryRoute<Req, Res>): QueryRoute<Req, Res> {
  return route
}

export function authModule(): Module {
  const queries: QueryRoute[] = [
    query({
      path: '/cosmos.auth.v1beta1.Query/Account',
      http: '/cosmos/auth/v1beta1/accounts/{address}',
      request: QueryAccountRequest,
      response: QueryAccountResponse,
      handle(ctx: Context, req: QueryAccountRequest) {
        requireQueryAddress(req.address)
        const any = new AccountKeeper(ctx.store).getAny(req.address)
        if (!any) throw notFound(`account ${req.address} not found`)
        return QueryAccountResponse.fromPartial({account: any})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/Accounts',
      http: '/cosmos/auth/v1beta1/accounts',
      request: QueryAccountsRequest,
      response: QueryAccountsResponse,
      handle(ctx: Context, req: QueryAccountsRequest) {
        const {items, pagination} = paginate(ctx.store, AuthKeys.accountPrefix, req.pagination, (_k, v) => Any.decode(v))
        return QueryAccountsResponse.fromPartial({accounts: items, pagination})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/AccountInfo',
      http: '/cosmos/auth/v1beta1/account_info/{address}',
      request: QueryAccountInfoRequest,
      response: QueryAccountInfoResponse,
      handle(ctx: Context, req: QueryAccountInfoRequest) {
        requireQueryAddress(req.address)
        const account = new AccountKeeper(ctx.store).get(req.address)
        if (!account) throw notFound(`account ${req.address} not found`)
        const base = BaseAccount.decode(encodeAccount({...account, moduleName: undefined}).value)
        return QueryAccountInfoResponse.fromPartial({info: base})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/AccountAddressByID',
      http: '/cosmos/auth/v1beta1/address_by_id/{id}',
      request: QueryAccountAddressByIDRequest,
      response: QueryAccountAddressByIDResponse,
      handle(ctx: Context, req: QueryAccountAddressByIDRequest) {
        const id = BigInt(req.accountId === 0n ? req.id.toString() : req.accountId.toString())
        const raw = ctx.store.get(AuthKeys.byNumber(id))
        if (!raw) throw notFound(`account address not found for account number ${id}`)
        return QueryAccountAddressByIDResponse.fromPartial({accountAddress: new TextDecoder().decode(raw)})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/Params',
      http: '/cosmos/auth/v1beta1/params',
      request: QueryParamsRequest,
      response: QueryParamsResponse,
      handle() {
        return QueryParamsResponse.fromPartial({
          params: Params.fromPartial({
            maxMemoCharacters: BigInt(AUTH_PARAMS.maxMemoCharacters),
            txSigLimit: BigInt(AUTH_PARAMS.txSigLimit),
            txSizeCostPerByte: BigInt(AUTH_PARAMS.txSizeCostPerByte),
            sigVerifyCostEd25519: BigInt(AUTH_PARAMS.sigVerifyCostEd25519),
            sigVerifyCostSecp256k1: BigInt(AUTH_PARAMS.sigVerifyCostSecp256k1),
          }),
        })
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/ModuleAccounts',
      http: '/cosmos/auth/v1beta1/module_accounts',
      request: QueryModuleAccountsRequest,
      response: QueryModuleAccountsResponse,
      handle(ctx: Context) {
        const accounts: Any[] = []
        for (const [, value] of ctx.store.iterate(AuthKeys.accountPrefix)) {
          const any = Any.decode(value)
          if (any.typeUrl === '/cosmos.auth.v1beta1.ModuleAccount') accounts.push(any)
        }
        return QueryModuleAccountsResponse.fromPartial({accounts})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/ModuleAccountByName',
      http: '/cosmos/auth/v1beta1/module_accounts/{name}',
      request: QueryModuleAccountByNameRequest,
      response: QueryModuleAccountByNameResponse,
      handle(ctx: Context, req: QueryModuleAccountByNameRequest) {
        if (!req.name) throw invalidArgument('module name is empty')
        const any = new AccountKeeper(ctx.store).getAny(moduleAddress(req.name))
        if (!any || any.typeUrl !== '/cosmos.auth.v1beta1.ModuleAccount') throw notFound(`account ${req.name} not found`)
        return QueryModuleAccountByNameResponse.fromPartial({account: any})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/Bech32Prefix',
      http: '/cosmos/auth/v1beta1/bech32',
      request: Bech32PrefixRequest,
      response: Bech32PrefixResponse,
      handle() {
        return Bech32PrefixResponse.fromPartial({bech32Prefix: BECH32_PREFIX})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/AddressBytesToString',
      http: '/cosmos/auth/v1beta1/bech32/{address_bytes}',
      request: AddressBytesToStringRequest,
      response: AddressBytesToStringResponse,
      handle(_ctx: Context, req: AddressBytesToStringRequest) {
        if (req.addressBytes.length === 0) throw invalidArgument('empty address bytes is not allowed')
        return AddressBytesToStringResponse.fromPartial({addressString: toBech32(BECH32_PREFIX, req.addressBytes)})
      },
    }),
    query({
      path: '/cosmos.auth.v1beta1.Query/AddressStringToBytes',
      http: '/cosmos/auth/v1beta1/bech32/{address_string}',
      request: AddressStringToBytesRequest,
      response: AddressStringToBytesResponse,
      handle(_ctx: Context, req: AddressStringToBytesRequest) {
        if (!req.addressString) throw invalidArgument('empty address string is not allowed')
        try {
          return AddressStringToBytesResponse.fromPartial({addressBytes: fromBech32(req.addressString).data})
        } catch (error) {
          throw invalidArgument((error as Error).message)
        }
      },
    }),
  ]
  return {name: 'auth', msgs: [], queries}
}
