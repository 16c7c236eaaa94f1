/**
 * GroupSpec rules from pkg.akt.dev/go/node/deployment/v1beta4 (groupspec.go, resourceunit.go,
 * resourceunits.go, validation_config.go, group_validation.go): validation, the group price and
 * the view the matching rules need.
 */
import type {Attribute} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import type {GroupSpec, ResourceUnit, ResourceValue} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'

import {attributesProblem, type MatchGroup} from '../../../protocol/matching.js'
import {decCoinValid, decCoinAmount} from '../common/coins.js'
import {decFromInt} from '../common/dec.js'
import {Grpc, ModuleError, plainError, panicError} from '../common/errors.js'
import {DeploymentErr} from './errors.js'

const Ki = 1024n
const Mi = Ki * 1024n
const Gi = Mi * 1024n
const Ti = Gi * 1024n

/** The network's hard limits (validation_config.go). */
export const LIMITS = {
  unit: {
    max: {cpu: 384n * 1000n, gpu: 24n, memory: 2n * Ti, storage: 32n * Ti, count: 50n, price: 10_000_000n},
    min: {cpu: 10n, gpu: 0n, memory: Mi, storage: 5n * Mi, count: 1n},
  },
  group: {
    max: {cpu: 384n * 1000n * 50n, gpu: 24n * 50n, memory: 2n * Ti * 50n, storage: 32n * Ti * 50n},
  },
} as const

/**
 * `ResourceValue.Val` holds the decimal string of an integer on the wire; chain-sdk's codec
 * parses it into a bigint (empty is zero) and refuses anything else while decoding, as the node's
 * sdk.Int does.
 */
export function resourceValue(rv: ResourceValue | undefined): bigint {
  return rv?.val ?? 0n
}

function attributesError(label: string, attributes: readonly Attribute[]): ModuleError | undefined {
  const problem = attributesProblem(attributes, true)
  if (problem === undefined) return undefined
  // fmt.Errorf("error: invalid X attributes: %w", err) keeps the akash codespace of err.
  return problem === 'invalid_key'
    ? new ModuleError('akash', 2, `error: invalid ${label} attributes: attribute key does not match regexp`, Grpc.invalidArgument)
    : new ModuleError('akash', 1, `error: invalid ${label} attributes: attributes cannot have duplicate keys`, Grpc.invalidArgument)
}

function validateResources(ru: ResourceUnit): void {
  const res = ru.resource
  const L = LIMITS.unit
  if (!res || res.id === 0) throw plainError('error: invalid resources ID (> 0 fails)')

  if (!res.cpu) throw plainError('error: invalid unit CPU, cannot be nil')
  const cpu = resourceValue(res.cpu.units)
  if (cpu > L.max.cpu || cpu < L.min.cpu) {
    throw plainError(`error: invalid unit CPU (${L.max.cpu} > ${cpu} > ${L.max.cpu} fails)`)
  }
  const cpuAttr = attributesError('CPU', res.cpu.attributes)
  if (cpuAttr) throw cpuAttr

  if (!res.gpu) throw plainError('error: invalid unit GPU, cannot be nil')
  const gpu = resourceValue(res.gpu.units)
  if (gpu > L.max.gpu || gpu < L.min.gpu) {
    throw plainError(`error: invalid unit GPU (${L.max.gpu} > ${gpu} > ${L.max.gpu} fails)`)
  }
  if (gpu === 0n && res.gpu.attributes.length > 0) {
    throw plainError('error: invalid GPU state. attributes cannot be present if units == 0')
  }
  const gpuAttr = attributesError('GPU', res.gpu.attributes)
  if (gpuAttr) throw gpuAttr

  if (!res.memory) throw plainError('error: invalid unit memory, cannot be nil')
  const memory = resourceValue(res.memory.quantity)
  if (memory > L.max.memory || memory < L.min.memory) {
    throw plainError(`error: invalid unit memory (${L.max.memory} > ${memory} > ${L.max.memory} fails)`)
  }
  const memAttr = attributesError('Memory', res.memory.attributes)
  if (memAttr) throw memAttr

  // A unit with no volume decodes as a nil slice in Go, which the chain rejects.
  if (res.storage.length === 0) throw plainError('error: invalid unit storage, cannot be nil')
  for (const vol of res.storage) {
    const size = resourceValue(vol.quantity)
    if (size > L.max.storage || size < L.min.storage) {
      throw plainError(`error: invalid unit storage (${L.max.storage} > ${size} > ${L.min.storage} fails)`)
    }
    const volAttr = attributesError('Storage', vol.attributes)
    if (volAttr) throw volAttr
  }
}

/** `ResourceUnits.Validate`: each unit, unique ids, then the group totals (count included). */
function validateResourceUnits(units: readonly ResourceUnit[]): void {
  const ids = new Set<number>()
  for (const ru of units) {
    validateResources(ru)
    const id = ru.resource!.id
    if (ids.has(id)) throw plainError(`duplicate resources ID (${id}) within group`)
    ids.add(id)
  }
  let cpu = 0n
  let gpu = 0n
  let memory = 0n
  for (const ru of units) {
    const count = BigInt(ru.count)
    cpu += resourceValue(ru.resource?.cpu?.units) * count
    gpu += resourceValue(ru.resource?.gpu?.units) * count
    memory += resourceValue(ru.resource?.memory?.quantity) * count
  }
  const G = LIMITS.group.max
  if (cpu > G.cpu || cpu <= 0n) throw plainError(`invalid total CPU (${G.cpu} > ${cpu} > 0 fails)`)
  if (gpu !== 0n && (gpu > G.gpu || gpu <= 0n)) throw plainError(`invalid total GPU (${G.gpu} > ${gpu} > 0 fails)`)
  if (memory > G.memory || memory <= 0n) throw plainError(`invalid total memory (${G.memory} > ${memory} > 0 fails)`)
}

function validatePricing(spec: GroupSpec): void {
  let denom: string | undefined
  for (const ru of spec.resources) {
    if (!decCoinValid(ru.price)) throw plainError(`group ${spec.name}: error: invalid price object`)
    if (decCoinAmount(ru.price) > decFromInt(LIMITS.unit.max.price)) {
      throw plainError(`group ${spec.name}: error: invalid unit price (${LIMITS.unit.max.price} > ${ru.price?.amount} fails)`)
    }
    const d = ru.price!.denom
    if (denom === undefined) denom = d
    else if (d !== denom) throw plainError(`multi-denonimation group: (${d} == ${denom} fails)`)
  }
}

/** `GroupSpec.ValidateBasic`. */
export function validateGroupSpec(spec: GroupSpec): void {
  if (spec.name === '') throw plainError('empty group spec name denomination')
  validateResourceUnits(spec.resources)
  validatePricing(spec)
}

/** `GroupSpec.Price()`: Σ unit price × count, per block. Undefined denom when there are no units. */
export function groupPrice(spec: GroupSpec): {denom: string; amount: bigint} {
  let denom = ''
  let amount = 0n
  spec.resources.forEach((ru, idx) => {
    const full = decCoinAmount(ru.price) * BigInt(ru.count)
    const d = ru.price?.denom ?? ''
    if (idx === 0) denom = d
    else if (d !== denom) throw panicError(`coin denom different: ${denom} vs ${d}`)
    amount += full
  })
  return {denom, amount}
}

/** `ValidateDeploymentGroups`: same denom everywhere, each spec valid, unique names. */
export function validateDeploymentGroups(specs: readonly GroupSpec[]): void {
  if (specs.length === 0) throw DeploymentErr.invalidGroups()
  let denom = ''
  const names = new Set<string>()
  specs.forEach((spec, idx) => {
    const d = groupPrice(spec).denom
    if (idx === 0) denom = d
    else if (d !== denom) throw DeploymentErr.invalidPrice.wrap(`inconsistent group denomination: ${denom} != ${d}`)
    validateGroupSpec(spec)
    if (names.has(spec.name)) throw DeploymentErr.duplicateGroupName.wrap(`duplicate deployment group name ${spec.name}`)
    names.add(spec.name)
  })
  if (denom === '') throw DeploymentErr.invalidPrice.wrap(`unsupported denomination ${denom}`)
}

/** The part of a GroupSpec the matching rules read (src/protocol/matching.ts). */
export function toMatchGroup(spec: GroupSpec): MatchGroup {
  return {
    name: spec.name,
    requirements: {
      signedBy: {allOf: spec.requirements?.signedBy?.allOf ?? [], anyOf: spec.requirements?.signedBy?.anyOf ?? []},
      attributes: spec.requirements?.attributes ?? [],
    },
    resources: spec.resources.map((ru) => ({
      gpu: {units: resourceValue(ru.resource?.gpu?.units), attributes: ru.resource?.gpu?.attributes ?? []},
      storage: (ru.resource?.storage ?? []).map((s) => ({name: s.name, attributes: s.attributes})),
    })),
  }
}
