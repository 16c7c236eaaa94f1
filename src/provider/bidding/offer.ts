import type {Attribute, GroupSpec, ResourceOfferInput, ResourceUnit} from '../../market/market.js'
import type {GpuConfig} from '../config/provider-config.js'

const KINDS = {shared_http: 0, random_port: 1, leased_ip: 2} as const

const val = (n: bigint) => ({val: n})

/**
 * `MsgCreateBid.resources_offer`: what the provider will run for each resource unit. GPU units
 * carry the model actually given (not the tenant's wildcard), so the bid says which card the
 * tenant gets (field.md pain 3).
 */
export function resourcesOffer(spec: GroupSpec, gpusByUnit: Record<number, readonly GpuConfig[]>): ResourceOfferInput[] {
  return spec.resources.map((ru) => ({resources: resourcesOf(ru, gpusByUnit[ru.id] ?? []), count: ru.count}))
}

function resourcesOf(ru: ResourceUnit, gpus: readonly GpuConfig[]): ResourceOfferInput['resources'] {
  const gpuAttributes: Attribute[] = gpus.length > 0 ? givenGpuAttributes(gpus) : ru.gpu.attributes
  return {
    id: ru.id,
    cpu: {units: val(ru.cpuMillis), attributes: []},
    memory: {quantity: val(ru.memoryBytes), attributes: []},
    storage: ru.storage.map((s) => ({name: s.name, quantity: val(s.bytes), attributes: s.attributes})),
    gpu: {units: val(ru.gpu.units), attributes: gpuAttributes},
    endpoints: ru.endpoints.map((e) => ({kind: KINDS[e.kind], sequenceNumber: e.sequenceNumber})),
  }
}

function givenGpuAttributes(gpus: readonly GpuConfig[]): Attribute[] {
  const keys = new Set<string>()
  for (const g of gpus) {
    let key = `vendor/${g.vendor}/model/${g.model}`
    if (g.ram) key += `/ram/${g.ram}`
    if (g.interface) key += `/interface/${g.interface}`
    keys.add(key)
  }
  return [...keys].sort().map((key) => ({key, value: 'true'}))
}
