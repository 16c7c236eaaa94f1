/**
 * x/audit (akash.audit.v1): auditors sign (and delete) attributes of a provider; the market checks
 * placement `signedBy` against these records. Port of node v2.1 x/audit.
 *
 * Store: audit/p/<owner bytes hex>/<auditor bytes hex> → AuditedAttributesStore. Keys in address
 * byte order, as node's length-prefixed keys.
 */
import {fromHex, toBech32} from '@cosmjs/encoding'
import {
  AuditedAttributesStore,
  AuditedProvider,
  EventTrustedAuditorCreated,
  EventTrustedAuditorDeleted,
  MsgDeleteProviderAttributes,
  MsgDeleteProviderAttributesResponse,
  MsgSignProviderAttributes,
  MsgSignProviderAttributesResponse,
  QueryAllProvidersAttributesRequest,
  QueryAuditorAttributesRequest,
  QueryProviderAttributesRequest,
  QueryProviderAuditorRequest,
  QueryProvidersResponse,
  type Attribute,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import {paginate} from '../../paginate.js'
import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {addressKey, BECH32_PREFIX, isAddress} from '../common/address.js'
import {Grpc, register, SdkErr} from '../common/errors.js'

const cs = 'audit'

export const AuditErr = {
  providerNotFound: register(cs, 1, Grpc.notFound, 'invalid provider: address not found'),
  invalidAddress: register(cs, 2, Grpc.invalidArgument, 'invalid address'),
  attributeNotFound: register(cs, 3, Grpc.notFound, 'attribute not found'),
} as const

const RECORDS = 'audit/p/'

export interface AuditedRecord {
  owner: string
  auditor: string
  attributes: Attribute[]
}

export interface AuditKeeper {
  /** Every auditor's record for one provider, in auditor address byte order. */
  getProviderAttributes(ctx: Context, owner: string): AuditedRecord[]
  getProviderByAuditor(ctx: Context, owner: string, auditor: string): AuditedRecord | undefined
}

export interface AuditGenesis {
  providers?: Array<{owner: string; auditor: string; attributes: Array<{key: string; value: string}>}>
}

function recordKey(owner: string, auditor: string): string {
  return `${RECORDS}${addressKey(owner)}/${addressKey(auditor)}`
}

function fromKey(key: string, value: Uint8Array): AuditedRecord {
  const [ownerHex, auditorHex] = key.slice(RECORDS.length).split('/')
  return {
    owner: toBech32(BECH32_PREFIX, fromHex(ownerHex)),
    auditor: toBech32(BECH32_PREFIX, fromHex(auditorHex)),
    attributes: AuditedAttributesStore.decode(value).attributes,
  }
}

const byKey = (a: Attribute, b: Attribute) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function validateAddresses(msg: {owner: string; auditor: string}): void {
  // node's messages say "MsgCreate" for both sign and delete.
  if (!isAddress(msg.owner)) throw SdkErr.invalidAddress.wrap('MsgCreate: Invalid Owner Address')
  if (!isAddress(msg.auditor)) throw SdkErr.invalidAddress.wrap('MsgCreate: Invalid Auditor Address')
}

export function auditModule(): Module & {keeper: AuditKeeper} {
  const keeper: AuditKeeper = {
    getProviderAttributes(ctx, owner) {
      if (!isAddress(owner)) return []
      const out: AuditedRecord[] = []
      for (const [key, value] of ctx.store.iterate(`${RECORDS}${addressKey(owner)}/`)) out.push(fromKey(key, value))
      return out
    },
    getProviderByAuditor(ctx, owner, auditor) {
      if (!isAddress(owner) || !isAddress(auditor)) return undefined
      const key = recordKey(owner, auditor)
      const raw = ctx.store.get(key)
      return raw ? fromKey(key, raw) : undefined
    },
  }

  function write(ctx: Context, owner: string, auditor: string, attributes: Attribute[]): void {
    ctx.store.set(recordKey(owner, auditor), AuditedAttributesStore.encode({attributes}).finish())
  }

  const sign: MsgRoute<MsgSignProviderAttributes> = {
    codec: MsgSignProviderAttributes,
    signers: (msg) => [msg.auditor],
    validateBasic: validateAddresses,
    handle(ctx, msg) {
      const existing = keeper.getProviderByAuditor(ctx, msg.owner, msg.auditor)
      let attributes: Attribute[] = [...msg.attributes]
      if (existing) {
        // New values replace old ones key by key; the rest are kept.
        const merged = new Map(existing.attributes.map((a) => [a.key, a.value]))
        for (const a of msg.attributes) merged.set(a.key, a.value)
        attributes = [...merged].map(([key, value]) => ({key, value}))
      }
      attributes.sort(byKey)
      write(ctx, msg.owner, msg.auditor, attributes)
      ctx.events.emitTyped(
        EventTrustedAuditorCreated,
        EventTrustedAuditorCreated.fromPartial({owner: msg.owner, auditor: msg.auditor}),
      )
      return MsgSignProviderAttributesResponse.encode({}).finish()
    },
  }

  const remove: MsgRoute<MsgDeleteProviderAttributes> = {
    codec: MsgDeleteProviderAttributes,
    signers: (msg) => [msg.auditor],
    validateBasic: validateAddresses,
    handle(ctx, msg) {
      const existing = keeper.getProviderByAuditor(ctx, msg.owner, msg.auditor)
      if (!existing) throw AuditErr.providerNotFound()
      // An empty key list decodes as nil in Go: the whole record goes.
      if (msg.keys.length === 0) {
        ctx.store.delete(recordKey(msg.owner, msg.auditor))
      } else {
        const kv = new Map(existing.attributes.map((a) => [a.key, a.value]))
        for (const key of msg.keys) {
          if (!kv.has(key)) {
            throw AuditErr.attributeNotFound.wrap(
              `trying to delete non-existing attribute "${key}" for auditor/provider "${msg.auditor}/${msg.owner}"`,
            )
          }
          kv.delete(key)
        }
        const rest = [...kv].map(([key, value]) => ({key, value})).sort(byKey)
        if (rest.length === 0) ctx.store.delete(recordKey(msg.owner, msg.auditor))
        else write(ctx, msg.owner, msg.auditor, rest)
      }
      ctx.events.emitTyped(
        EventTrustedAuditorDeleted,
        EventTrustedAuditorDeleted.fromPartial({owner: msg.owner, auditor: msg.auditor}),
      )
      return MsgDeleteProviderAttributesResponse.encode({}).finish()
    },
  }

  const toProto = (r: AuditedRecord) => AuditedProvider.fromPartial(r)

  // node decodes the stored AuditedAttributesStore as an AuditedProvider here, which yields
  // garbage; we return what the query is meant to return.
  const all: QueryRoute<QueryAllProvidersAttributesRequest, QueryProvidersResponse> = {
    path: '/akash.audit.v1.Query/AllProvidersAttributes',
    http: '/akash/audit/v1/audit/attributes/list',
    request: QueryAllProvidersAttributesRequest,
    response: QueryProvidersResponse,
    handle(ctx, req) {
      const page = paginate(ctx.store, RECORDS, req.pagination, (key, value) => toProto(fromKey(key, value)))
      return QueryProvidersResponse.fromPartial({providers: page.items, pagination: page.pagination})
    },
  }

  const ofProvider: QueryRoute<QueryProviderAttributesRequest, QueryProvidersResponse> = {
    path: '/akash.audit.v1.Query/ProviderAttributes',
    http: '/akash/audit/v1/audit/attributes/{owner}/list',
    request: QueryProviderAttributesRequest,
    response: QueryProvidersResponse,
    handle(ctx, req) {
      if (!isAddress(req.owner)) throw AuditErr.invalidAddress()
      const records = keeper.getProviderAttributes(ctx, req.owner)
      if (records.length === 0) throw AuditErr.providerNotFound()
      return QueryProvidersResponse.fromPartial({providers: records.map(toProto)})
    },
  }

  const ofProviderAuditor: QueryRoute<QueryProviderAuditorRequest, QueryProvidersResponse> = {
    path: '/akash.audit.v1.Query/ProviderAuditorAttributes',
    http: '/akash/audit/v1/audit/attributes/{auditor}/{owner}',
    request: QueryProviderAuditorRequest,
    response: QueryProvidersResponse,
    handle(ctx, req) {
      if (!isAddress(req.owner) || !isAddress(req.auditor)) throw AuditErr.invalidAddress()
      const record = keeper.getProviderByAuditor(ctx, req.owner, req.auditor)
      if (!record) throw AuditErr.providerNotFound()
      return QueryProvidersResponse.fromPartial({providers: [toProto(record)]})
    },
  }

  // node ignores the auditor here and lists everything; we filter by it, as the query intends.
  // Empty lists everything as node does; a malformed one is refused rather than read as empty.
  const ofAuditor: QueryRoute<QueryAuditorAttributesRequest, QueryProvidersResponse> = {
    path: '/akash.audit.v1.Query/AuditorAttributes',
    http: '/akash/provider/v1/auditor/{auditor}/list',
    request: QueryAuditorAttributesRequest,
    response: QueryProvidersResponse,
    handle(ctx, req) {
      if (req.auditor !== '' && !isAddress(req.auditor)) throw AuditErr.invalidAddress.wrap(`auditor ${JSON.stringify(req.auditor)}`)
      const auditor = req.auditor === '' ? undefined : addressKey(req.auditor)
      const page = paginate(ctx.store, RECORDS, req.pagination, (key, value) =>
        auditor === undefined || key.endsWith(`/${auditor}`) ? toProto(fromKey(key, value)) : undefined,
      )
      return QueryProvidersResponse.fromPartial({providers: page.items, pagination: page.pagination})
    },
  }

  return {
    name: 'audit',
    msgs: [sign, remove],
    queries: [all, ofProvider, ofProviderAuditor, ofAuditor],
    initGenesis(ctx, state) {
      for (const p of (state as AuditGenesis | undefined)?.providers ?? []) {
        write(ctx, p.owner, p.auditor, [...p.attributes].sort(byKey))
      }
    },
    keeper,
  }
}
