/**
 * x/provider (akash.provider.v1beta4): create/update providers (host URI, attributes, info) and
 * the Providers/Provider queries, as node v2.1 x/provider does. Delete is not implemented on the
 * real chain either: it answers provider/10 "NOTIMPLEMENTED".
 *
 * Store: provider/p/<address bytes, hex> → Provider (byte order, as node's length-prefixed keys).
 */
import {
  EventProviderCreated,
  EventProviderUpdated,
  MsgCreateProvider,
  MsgCreateProviderResponse,
  MsgDeleteProvider,
  MsgUpdateProvider,
  MsgUpdateProviderResponse,
  Provider,
  QueryProviderRequest,
  QueryProviderResponse,
  QueryProvidersRequest,
  QueryProvidersResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'

import {attributesProblem} from '../../../protocol/matching.js'
import {paginate} from '../../paginate.js'
import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressKey, isAddress} from '../common/address.js'
import {Grpc, register, SdkErr} from '../common/errors.js'
import {AkashErr} from '../escrow/errors.js'

const cs = 'provider'

export const ProviderErr = {
  invalidProviderURI: register(cs, 1, Grpc.invalidArgument, 'invalid provider: invalid host uri'),
  notAbsProviderURI: register(cs, 2, Grpc.invalidArgument, 'invalid provider: not absolute host uri'),
  providerNotFound: register(cs, 3, Grpc.notFound, 'invalid provider: address not found'),
  providerExists: register(cs, 4, Grpc.alreadyExists, 'invalid provider: already exists'),
  invalidAddress: register(cs, 5, Grpc.invalidArgument, 'invalid address'),
  attributes: register(cs, 6, Grpc.invalidArgument, 'attribute specification error'),
  incompatibleAttributes: register(cs, 7, Grpc.failedPrecondition, 'attributes cannot be changed'),
  invalidInfoWebsite: register(cs, 8, Grpc.invalidArgument, 'invalid provider: invalid info website'),
  internal: register(cs, 9, Grpc.internal, 'internal error'),
  /** Registered by node's provider handler itself (x/provider/handler/server.go), code 10. */
  handlerInternal: register(cs, 10, Grpc.unknown, 'internal error'),
} as const

const PROVIDERS = 'provider/p/'

export function providerStoreKey(owner: string): string {
  return PROVIDERS + addressKey(owner)
}

export interface ProviderGenesis {
  providers?: Array<{owner: string; hostUri: string; attributes: Array<{key: string; value: string}>; info?: {email: string; website: string}}>
}

export interface ProviderKeeper {
  get(ctx: Context, owner: string): Provider | undefined
  set(ctx: Context, provider: Provider): void
}

// The node's provider keeper checks `Has` before each Get and Set (x/provider/keeper): the
// accesses, and so the gas, follow it.

/** The parts of Go's `url.Parse` the host URI check looks at, or undefined when it fails. */
export function parseGoUrl(raw: string): {scheme: string; host: string; path: string} | undefined {
  // eslint-disable-next-line no-control-regex -- Go's url.Parse rejects ASCII control characters
  if (/[\u0000-\u001f\u007f]/.test(raw)) return undefined
  let rest = raw
  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  if (rest.startsWith(':')) return undefined // missing protocol scheme
  let scheme = ''
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest)
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase()
    rest = rest.slice(schemeMatch[0].length)
  }
  const q = rest.indexOf('?')
  if (q >= 0) rest = rest.slice(0, q)
  if (rest.startsWith('//')) {
    const authEnd = rest.slice(2).search(/\//)
    const authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, 2 + authEnd)
    const path = authEnd < 0 ? '' : rest.slice(2 + authEnd)
    const host = authority.slice(authority.lastIndexOf('@') + 1)
    if (!/^[A-Za-z0-9.\-_~:[\]%!$&'()*+,;=]*$/.test(host)) return undefined
    return {scheme, host, path}
  }
  // "scheme:opaque" or a relative reference: no host.
  return {scheme, host: '', path: scheme && !rest.startsWith('/') ? '' : rest}
}

/** `validateProviderURI` (provider/v1beta4/msgs.go). */
export function validateProviderURI(value: string): void {
  const u = parseGoUrl(value)
  if (!u) throw ProviderErr.invalidProviderURI()
  if (u.scheme === '') throw ProviderErr.notAbsProviderURI.wrap(`validating "${value}" for absolute URI`)
  if (u.scheme !== 'https') throw ProviderErr.invalidProviderURI.wrap(`scheme in "${value}" should be https`)
  if (u.host === '') throw ProviderErr.invalidProviderURI.wrap(`validating "${value}" for valid host`)
  if (u.path !== '') throw ProviderErr.invalidProviderURI.wrap(`path in "${value}" should be empty`)
}

function validateProviderMsg(msg: MsgCreateProvider | MsgUpdateProvider, kind: 'MsgCreate' | 'MsgUpdate'): void {
  validateProviderURI(msg.hostUri)
  if (!isAddress(msg.owner)) throw SdkErr.invalidAddress.wrap(`${kind}: Invalid Provider Address`)
  const problem = attributesProblem(msg.attributes, false)
  if (problem === 'invalid_key') throw AkashErr.invalidAttributeKey()
  if (problem === 'duplicate_key') throw AkashErr.attributesDuplicateKeys()
  if (msg.info?.website && parseGoUrl(msg.info.website) === undefined) throw ProviderErr.invalidInfoWebsite()
}

export function providerModule(): Module & {keeper: ProviderKeeper} {
  const keeper: ProviderKeeper = {
    get(ctx, owner) {
      if (!isAddress(owner)) return undefined
      const key = providerStoreKey(owner)
      if (!ctx.store.has(key)) return undefined
      return Provider.decode(ctx.store.get(key)!)
    },
    set(ctx, provider) {
      const key = providerStoreKey(provider.owner)
      ctx.store.has(key)
      ctx.store.set(key, Provider.encode(provider).finish())
    },
  }

  const toProvider = (msg: MsgCreateProvider | MsgUpdateProvider) =>
    Provider.fromPartial({owner: msg.owner, hostUri: msg.hostUri, attributes: msg.attributes, info: msg.info})

  const create: MsgRoute<MsgCreateProvider> = {
    codec: MsgCreateProvider,
    signers: (msg) => [msg.owner],
    validateBasic: (msg) => validateProviderMsg(msg, 'MsgCreate'),
    handle(ctx, msg) {
      validateProviderMsg(msg, 'MsgCreate')
      if (keeper.get(ctx, msg.owner)) throw ProviderErr.providerExists.wrap(`id: ${msg.owner}`)
      keeper.set(ctx, toProvider(msg))
      ctx.events.emitTyped(EventProviderCreated, EventProviderCreated.fromPartial({owner: msg.owner}))
      return MsgCreateProviderResponse.encode({}).finish()
    },
  }

  const update: MsgRoute<MsgUpdateProvider> = {
    codec: MsgUpdateProvider,
    signers: (msg) => [msg.owner],
    validateBasic: (msg) => validateProviderMsg(msg, 'MsgUpdate'),
    handle(ctx, msg) {
      validateProviderMsg(msg, 'MsgUpdate')
      if (!keeper.get(ctx, msg.owner)) throw ProviderErr.providerNotFound.wrap(`id: ${msg.owner}`)
      keeper.set(ctx, toProvider(msg))
      ctx.events.emitTyped(EventProviderUpdated, EventProviderUpdated.fromPartial({owner: msg.owner}))
      return MsgUpdateProviderResponse.encode({}).finish()
    },
  }

  const remove: MsgRoute<MsgDeleteProvider> = {
    codec: MsgDeleteProvider,
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      if (!isAddress(msg.owner)) throw SdkErr.invalidAddress.wrap('MsgDelete: Invalid Provider Address')
    },
    handle(ctx, msg) {
      if (!keeper.get(ctx, msg.owner)) throw ProviderErr.providerNotFound()
      throw ProviderErr.handlerInternal.wrap('NOTIMPLEMENTED')
    },
  }

  const providers: QueryRoute<QueryProvidersRequest, QueryProvidersResponse> = {
    path: '/akash.provider.v1beta4.Query/Providers',
    http: '/akash/provider/v1beta4/providers',
    request: QueryProvidersRequest,
    response: QueryProvidersResponse,
    handle(ctx, req) {
      const page = paginate(ctx.store, PROVIDERS, req.pagination, (_key, value) => Provider.decode(value))
      return QueryProvidersResponse.fromPartial({providers: page.items, pagination: page.pagination})
    },
  }

  const provider: QueryRoute<QueryProviderRequest, QueryProviderResponse> = {
    path: '/akash.provider.v1beta4.Query/Provider',
    http: '/akash/provider/v1beta4/providers/{owner}',
    request: QueryProviderRequest,
    response: QueryProviderResponse,
    handle(ctx, req) {
      if (!isAddress(req.owner)) throw ProviderErr.invalidAddress()
      const found = keeper.get(ctx, req.owner)
      if (!found) throw ProviderErr.providerNotFound()
      return QueryProviderResponse.fromPartial({provider: found})
    },
  }

  return {
    name: 'provider',
    msgs: [create, update, remove],
    queries: [providers, provider],
    initGenesis(ctx, state) {
      for (const p of (state as ProviderGenesis | undefined)?.providers ?? []) {
        keeper.set(ctx, Provider.fromPartial(p))
      }
    },
    keeper,
  }
}

