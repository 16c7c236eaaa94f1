import type {BuiltGroup} from './build.js'
import {decHuman} from './dec.js'
import type {GroupPrice, GroupTotals} from './types.js'

/** Resources one group asks for: per-replica figures × count, summed over its units. */
export function groupTotals(group: BuiltGroup): GroupTotals {
  let cpuMillis = 0
  let memoryBytes = 0n
  let storageBytes = 0n
  let persistentStorageBytes = 0n
  let gpus = 0
  let replicas = 0
  const gpuModels = new Set<string>()
  for (const unit of group.units) {
    const n = unit.count
    replicas += n
    cpuMillis += Number(unit.resources.cpu.units.val) * n
    memoryBytes += BigInt(unit.resources.memory.size.val) * BigInt(n)
    for (const vol of unit.resources.storage ?? []) {
      const bytes = BigInt(vol.size.val) * BigInt(n)
      storageBytes += bytes
      if (vol.attributes?.some((a) => a.key === 'persistent' && a.value === 'true')) persistentStorageBytes += bytes
    }
    const units = Number(unit.resources.gpu.units.val)
    gpus += units * n
    if (units > 0) for (const a of unit.resources.gpu.attributes ?? []) if (a.key.startsWith('vendor/')) gpuModels.add(a.key)
  }
  return {
    group: group.name,
    services: group.services.map((s) => s.name),
    replicas,
    cpuMillis,
    memoryBytes,
    storageBytes,
    persistentStorageBytes,
    gpus,
    gpuModels: [...gpuModels].sort(),
  }
}

/** The group's order price: Σ price × count per block (go/node/deployment/v1beta4 GroupSpec.Price). */
export function groupPrice(group: BuiltGroup): GroupPrice {
  let perBlock = 0n
  const denom = group.units[0]?.price.denom ?? ''
  for (const unit of group.units) perBlock += unit.price.amount * BigInt(unit.count)
  return {group: group.name, denom, perBlock, perBlockDecimal: decHuman(perBlock)}
}
