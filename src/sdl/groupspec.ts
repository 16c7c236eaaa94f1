import type {DecAmount, GroupSpec, ResourceUnit} from '../market/market.js'
import type {BuiltGroup} from './build.js'
import {decHuman, decLegacyString, decWire, parseDecHuman} from './dec.js'
import type {DecCoinForms, DecodedGroupSpec, DecodedResources, GroupSpecJson, GroupSpecProto, ResourcesJson, ResourceValueProto} from './types.js'

export function decCoin(denom: string, scaled: bigint): DecCoinForms {
  return {denom, amount: decHuman(scaled), legacy: decLegacyString(scaled), wire: decWire(scaled), scaled}
}

/** Go's JSON of `dtypes.GroupSpecs` (the group-specs.json fixtures), price as LegacyDec string. */
export function toGroupSpecJson(group: BuiltGroup): GroupSpecJson {
  return {
    name: group.name,
    requirements: {
      signed_by: {all_of: group.signedBy.allOf, any_of: group.signedBy.anyOf},
      attributes: group.attributes,
    },
    resources: group.units.map((u) => ({
      resource: u.resources,
      count: u.count,
      price: {denom: u.price.denom, amount: decLegacyString(u.price.amount)},
    })),
  }
}

function rv(val: {val: string}): ResourceValueProto {
  return {val: BigInt(val.val)}
}

function resourcesProto(r: ResourcesJson): GroupSpecProto['resources'][number]['resource'] {
  return {
    id: r.id,
    cpu: {units: rv(r.cpu.units), attributes: r.cpu.attributes ?? []},
    memory: {quantity: rv(r.memory.size), attributes: r.memory.attributes ?? []},
    storage: (r.storage ?? []).map((s) => ({name: s.name, quantity: rv(s.size), attributes: s.attributes ?? []})),
    gpu: {units: rv(r.gpu.units), attributes: r.gpu.attributes ?? []},
    endpoints: r.endpoints.map((e) => ({kind: e.kind ?? 0, sequenceNumber: e.sequence_number})),
  }
}

const ENDPOINT_KINDS = ['shared_http', 'random_port', 'leased_ip'] as const

/** The plain GroupSpec the Market takes and returns (bigint quantities, the price ×10^18): no protobuf shape in between. */
export function toGroupSpec(group: BuiltGroup): GroupSpec {
  const copy = (attributes: ReadonlyArray<{key: string; value: string}> | null | undefined) => (attributes ?? []).map((a) => ({key: a.key, value: a.value}))
  return {
    name: group.name,
    requirements: {
      signedBy: {allOf: [...(group.signedBy.allOf ?? [])], anyOf: [...(group.signedBy.anyOf ?? [])]},
      attributes: copy(group.attributes),
    },
    resources: group.units.map((u) => {
      const r = u.resources
      return {
        id: r.id,
        cpuMillis: BigInt(r.cpu.units.val),
        memoryBytes: BigInt(r.memory.size.val),
        storage: (r.storage ?? []).map((s) => ({name: s.name, bytes: BigInt(s.size.val), attributes: copy(s.attributes)})),
        gpu: {units: BigInt(r.gpu.units.val), attributes: copy(r.gpu.attributes)},
        endpoints: r.endpoints.map((e) => ({kind: ENDPOINT_KINDS[e.kind ?? 0] ?? 'shared_http', sequenceNumber: e.sequence_number})),
        count: u.count,
        price: {denom: u.price.denom, amount: u.price.amount},
      }
    }),
  }
}

/**
 * The GroupSpec as chain-sdk's ts-proto codecs take it. `amount: 'human'` suits chain-sdk's
 * patched DecCoin codec (it scales to 18 decimals itself); `'wire'` is the already-scaled integer
 * string for codecs that write the field as-is.
 */
export function toGroupSpecProto(group: BuiltGroup, amount: 'human' | 'wire' = 'human'): GroupSpecProto {
  return {
    name: group.name,
    requirements: {
      signedBy: {allOf: group.signedBy.allOf ?? [], anyOf: group.signedBy.anyOf ?? []},
      attributes: group.attributes ?? [],
    },
    resources: group.units.map((u) => ({
      resource: resourcesProto(u.resources),
      count: u.count,
      price: {denom: u.price.denom, amount: amount === 'human' ? decHuman(u.price.amount) : decWire(u.price.amount)},
    })),
  }
}

const copyAttributes = (list: ReadonlyArray<{key: string; value: string}> | undefined) => (list ?? []).map((a) => ({key: a.key, value: a.value}))

/** A decoded price coin as the Market's DecAmount (×10^18); no coin is zero of no denom. */
export function decAmountFromDecoded(coin: {denom: string; amount: string} | undefined): DecAmount {
  if (!coin) return {denom: '', amount: 0n}
  return {denom: coin.denom, amount: coin.amount === '' ? 0n : parseDecHuman(coin.amount)}
}

/** Decoded resources (a group spec's unit or a bid's offer) as the Market's ResourceUnit. */
export function resourceUnitFromDecoded(resources: DecodedResources | undefined, count: number, price: {denom: string; amount: string} | undefined): ResourceUnit {
  return {
    id: resources?.id ?? 0,
    cpuMillis: resources?.cpu?.units?.val ?? 0n,
    memoryBytes: resources?.memory?.quantity?.val ?? 0n,
    storage: (resources?.storage ?? []).map((s) => ({name: s.name, bytes: s.quantity?.val ?? 0n, attributes: copyAttributes(s.attributes)})),
    gpu: {units: resources?.gpu?.units?.val ?? 0n, attributes: copyAttributes(resources?.gpu?.attributes)},
    // A kind this list does not name (ts-proto's UNRECOGNIZED is -1; a newer chain may add kinds) reads as shared_http.
    endpoints: (resources?.endpoints ?? []).map((e) => ({kind: ENDPOINT_KINDS[e.kind] ?? 'shared_http', sequenceNumber: e.sequenceNumber})),
    count,
    price: decAmountFromDecoded(price),
  }
}

/**
 * The plain GroupSpec of a decoded one: the inverse of toGroupSpecProto, shared by the chain
 * adapter (queries) and the provider (bid screening requests).
 */
export function groupSpecFromDecoded(spec: DecodedGroupSpec | undefined): GroupSpec {
  return {
    name: spec?.name ?? '',
    requirements: {
      signedBy: {allOf: spec?.requirements?.signedBy?.allOf ?? [], anyOf: spec?.requirements?.signedBy?.anyOf ?? []},
      attributes: copyAttributes(spec?.requirements?.attributes),
    },
    resources: (spec?.resources ?? []).map((r) => resourceUnitFromDecoded(r.resource, r.count, r.price)),
  }
}
