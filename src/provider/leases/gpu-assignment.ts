import type {ManifestGroup} from '../runtime/manifest-types.js'
import type {LeaseRow} from '../state/store.js'

/** GPU indexes per service, from what the bid reserved for each resource unit. */
export function gpuAssignment(group: ManifestGroup, row: LeaseRow): Record<string, string[]> | undefined {
  const pools = new Map<number, number[]>(Object.entries(row.reservation.gpus).map(([id, list]) => [Number(id), [...list]]))
  if (pools.size === 0) return undefined
  const out: Record<string, string[]> = {}
  for (const s of group.services) {
    const units = Number(s.resources.gpu?.units?.val ?? 0)
    if (units <= 0) continue
    const pool = pools.get(s.resources.id ?? 1) ?? []
    const take = pool.splice(0, units * s.count)
    if (take.length > 0) out[s.name] = take.map(String)
  }
  return out
}
