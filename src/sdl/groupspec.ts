import type {GroupSpec} from '../market/market.js'
import type {BuiltGroup} from './build.js'
import {decHuman, decLegacyString, decWire} from './dec.js'
import type {DecCoinForms, GroupSpecJson, GroupSpecProto, ResourcesJson, ResourceValueProto} from './types.js'

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
