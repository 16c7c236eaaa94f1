import type {Attribute} from '../market/market.js'
import {gpuCapabilityAttributes, storageCapabilityAttributes} from '../protocol/matching.js'
import type {ProviderConfig} from './config/provider-config.js'

/**
 * The provider's on-chain attributes, following Akash's conventions (akash-protocol.md §5):
 * `host=akash`, `tier=community`, the operator's own (`region`, `organization`, …), then
 * `capabilities/cpu`, `capabilities/memory`, the GPU keys in every depth a tenant may ask for, and
 * one `capabilities/storage/<n>/…` group per storage class. Sorted by key so that re-running init
 * produces the same list and `MsgUpdateProvider` is only sent when something changed.
 */
export function providerAttributes(config: Pick<ProviderConfig, 'attributes' | 'capacity'>): Attribute[] {
  const map = new Map<string, string>()
  map.set('host', 'akash')
  map.set('tier', 'community')
  for (const [key, value] of Object.entries(config.attributes)) map.set(key, value)
  map.set('capabilities/cpu', cpuVendor())
  map.set('capabilities/memory', 'true')

  const gpus = config.capacity.gpus
  if (gpus.length > 0) {
    const vendors = [...new Set(gpus.map((g) => g.vendor))]
    map.set('capabilities/gpu', vendors.join(','))
    for (const gpu of gpus) {
      for (const attr of gpuCapabilityAttributes({vendor: gpu.vendor, model: gpu.model, ram: gpu.ram, interface: gpu.interface})) {
        map.set(attr.key, attr.value)
      }
    }
  }

  config.capacity.storageClasses.forEach((sc, i) => {
    for (const attr of storageCapabilityAttributes(i, sc.class, sc.persistent)) map.set(attr.key, attr.value)
  })
  return [...map.entries()].map(([key, value]) => ({key, value})).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

function cpuVendor(): string {
  // Akash lists `capabilities/cpu: intel|amd|arm64`; the architecture is the honest part we know.
  return process.arch === 'arm64' ? 'arm64' : 'x86_64'
}

/** True when two attribute lists hold the same pairs (order ignored). */
export function sameAttributes(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a.length !== b.length) return false
  const key = (x: Attribute) => `${x.key}\u0000${x.value}`
  const set = new Set(a.map(key))
  return b.every((x) => set.has(key(x)))
}
