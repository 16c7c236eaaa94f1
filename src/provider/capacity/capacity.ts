import type {Attribute} from '../../market/market.js'
import {attributesAnyOf, gpuCapabilityAttributes} from '../../protocol/matching.js'
import type {CapacityConfig, GpuConfig} from '../config/provider-config.js'
import type {Demand} from './demand.js'
import {fmtBytes, fmtCpu} from '../../output/quantities.js'

/** What a bid or lease holds: resources plus the exact GPUs it was given. */
export interface Reservation {
  cpuMillis: bigint
  memoryBytes: bigint
  ephemeralBytes: bigint
  persistentBytes: Record<string, bigint>
  /** nvidia-smi indexes of the GPUs given, per resource unit id. */
  gpus: Record<number, number[]>
}

export type CapacityShortfall = 'cpu' | 'memory' | 'storage' | 'persistent_storage' | 'gpu'

export type ReserveResult =
  | {ok: true; reservation: Reservation; gpuModels: Record<number, GpuConfig[]>}
  | {ok: false; shortfall: CapacityShortfall; message: string}

export interface CapacityTotals {
  cpuMillis: bigint
  memoryBytes: bigint
  ephemeralBytes: bigint
  persistentBytes: Record<string, bigint>
  gpus: number
}

/**
 * The machine's capacity and what open bids and leases hold of it. Every bid reserves what its
 * order asks until the bid is lost or closed; a won bid's reservation moves to its lease. A GPU is
 * given to one reservation at a time, so two orders never count on the same card.
 */
export class Capacity {
  private readonly reservations = new Map<string, Reservation>()
  private readonly gpus: GpuConfig[]
  /** GPUs the operator wants back (`reclamation.rules`): leases holding them keep them, new bids do not get them. */
  private readonly withheld = new Set<number>()
  private readonly total: CapacityTotals

  constructor(
    config: CapacityConfig,
    /** Ranks GPUs when several fit a wildcard request: the cheapest first, so a tenant is not overcharged. */
    private readonly gpuCost: (gpu: GpuConfig) => bigint = () => 0n,
  ) {
    this.gpus = [...config.gpus].sort((a, b) => a.index - b.index)
    this.total = {
      cpuMillis: BigInt(config.cpuMillis),
      memoryBytes: BigInt(config.memoryBytes),
      ephemeralBytes: BigInt(config.storageBytes),
      persistentBytes: persistentOffer(config),
      gpus: this.gpus.length,
    }
  }

  /** Stops offering these GPUs to new orders (a reclamation rule wants them back). */
  withhold(indexes: Iterable<number>): void {
    for (const i of indexes) this.withheld.add(i)
  }

  totals(): CapacityTotals {
    return {...this.total, persistentBytes: {...this.total.persistentBytes}}
  }

  /** Resources not held by any bid or lease (a GPU wanted back is not free either: no order gets it). */
  available(): CapacityTotals {
    const free = this.totals()
    const held = new Set([...this.reservations.values()].flatMap((r) => Object.values(r.gpus).flat()))
    free.gpus -= [...this.withheld].filter((i) => !held.has(i) && this.gpus.some((g) => g.index === i)).length
    for (const r of this.reservations.values()) {
      free.cpuMillis -= r.cpuMillis
      free.memoryBytes -= r.memoryBytes
      free.ephemeralBytes -= r.ephemeralBytes
      for (const [cls, bytes] of Object.entries(r.persistentBytes)) free.persistentBytes[cls] = (free.persistentBytes[cls] ?? 0n) - bytes
      free.gpus -= Object.values(r.gpus).reduce((n, list) => n + list.length, 0)
    }
    return free
  }

  /** Held resources, summed (for the dashboard and /status). */
  reserved(keys?: Iterable<string>): CapacityTotals {
    const wanted = keys ? new Set(keys) : undefined
    return sumReservations([...this.reservations].filter(([key]) => !wanted || wanted.has(key)).map(([, r]) => r))
  }

  has(key: string): boolean {
    return this.reservations.has(key)
  }

  get(key: string): Reservation | undefined {
    return this.reservations.get(key)
  }

  /** Checks the demand against what is free and, if it fits, holds it under `key`. */
  reserve(key: string, demand: Demand): ReserveResult {
    const result = this.fit(demand, key)
    if (result.ok) this.reservations.set(key, result.reservation)
    return result
  }

  /** Would the demand fit (without holding anything)? */
  fit(demand: Demand, ignoreKey?: string): ReserveResult {
    const free = this.available()
    const own = ignoreKey ? this.reservations.get(ignoreKey) : undefined
    if (own) {
      free.cpuMillis += own.cpuMillis
      free.memoryBytes += own.memoryBytes
      free.ephemeralBytes += own.ephemeralBytes
      for (const [cls, bytes] of Object.entries(own.persistentBytes)) free.persistentBytes[cls] = (free.persistentBytes[cls] ?? 0n) + bytes
    }
    if (demand.cpuMillis > free.cpuMillis) {
      return {ok: false, shortfall: 'cpu', message: `needs ${fmtCpu(demand.cpuMillis)} CPU, ${fmtCpu(max0(free.cpuMillis))} free`}
    }
    if (demand.memoryBytes > free.memoryBytes) {
      return {ok: false, shortfall: 'memory', message: `needs ${fmtBytes(demand.memoryBytes)} memory, ${fmtBytes(max0(free.memoryBytes))} free`}
    }
    if (demand.ephemeralBytes > free.ephemeralBytes) {
      return {ok: false, shortfall: 'storage', message: `needs ${fmtBytes(demand.ephemeralBytes)} storage, ${fmtBytes(max0(free.ephemeralBytes))} free`}
    }
    const persistentBytes: Record<string, bigint> = {}
    for (const [cls, bytes] of demand.persistentBytes) {
      const have = free.persistentBytes[cls]
      if (have === undefined) {
        return {ok: false, shortfall: 'persistent_storage', message: `needs persistent storage class ${cls}, which this provider does not offer`}
      }
      if (bytes > have) {
        return {ok: false, shortfall: 'persistent_storage', message: `needs ${fmtBytes(bytes)} of ${cls} storage, ${fmtBytes(max0(have))} free`}
      }
      persistentBytes[cls] = bytes
    }

    const taken = new Set<number>()
    for (const [key, r] of this.reservations) {
      if (key === ignoreKey) continue
      for (const list of Object.values(r.gpus)) for (const i of list) taken.add(i)
    }
    const gpus: Record<number, number[]> = {}
    const gpuModels: Record<number, GpuConfig[]> = {}
    for (const need of demand.gpus) {
      const candidates = this.gpus
        .filter((g) => !taken.has(g.index) && !this.withheld.has(g.index) && gpuMatches(g, need.attributes))
        .sort((a, b) => {
          const ca = this.gpuCost(a)
          const cb = this.gpuCost(b)
          return ca < cb ? -1 : ca > cb ? 1 : a.index - b.index
        })
      if (candidates.length < need.count) {
        const what = need.attributes.length > 0 ? need.attributes.map((a) => a.key.replace(/^vendor\//, '')).join(' or ') : 'any'
        return {
          ok: false,
          shortfall: 'gpu',
          message: `needs ${need.count} GPU${need.count === 1 ? '' : 's'} (${what}), ${candidates.length} free that match`,
        }
      }
      const chosen = candidates.slice(0, need.count)
      for (const g of chosen) taken.add(g.index)
      gpus[need.unitId] = [...(gpus[need.unitId] ?? []), ...chosen.map((g) => g.index)]
      gpuModels[need.unitId] = [...(gpuModels[need.unitId] ?? []), ...chosen]
    }
    return {
      ok: true,
      reservation: {
        cpuMillis: demand.cpuMillis,
        memoryBytes: demand.memoryBytes,
        ephemeralBytes: demand.ephemeralBytes,
        persistentBytes,
        gpus,
      },
      gpuModels,
    }
  }

  /** Holds a reservation read back from the state DB (restart). */
  restore(key: string, reservation: Reservation): void {
    this.reservations.set(key, reservation)
  }

  release(key: string): boolean {
    return this.reservations.delete(key)
  }
}

/** Bytes offered per persistent storage class (`ram` draws on memory, so it is not storage). */
export function persistentOffer(config: Pick<CapacityConfig, 'storageBytes' | 'storageClasses'>): Record<string, bigint> {
  const persistent: Record<string, bigint> = {}
  for (const sc of config.storageClasses) {
    if (sc.persistent && sc.class !== 'ram') persistent[sc.class] = BigInt(sc.bytes ?? config.storageBytes)
  }
  return persistent
}


/** Reservations added up (GPUs counted). */
export function sumReservations(reservations: Iterable<Reservation>): CapacityTotals {
  const sum: CapacityTotals = {cpuMillis: 0n, memoryBytes: 0n, ephemeralBytes: 0n, persistentBytes: {}, gpus: 0}
  for (const r of reservations) {
    sum.cpuMillis += r.cpuMillis
    sum.memoryBytes += r.memoryBytes
    sum.ephemeralBytes += r.ephemeralBytes
    for (const [cls, bytes] of Object.entries(r.persistentBytes)) sum.persistentBytes[cls] = (sum.persistentBytes[cls] ?? 0n) + bytes
    sum.gpus += Object.values(r.gpus).reduce((n, list) => n + list.length, 0)
  }
  return sum
}

/** Does this card satisfy a resource unit's GPU attributes (`vendor/nvidia/model/h100[/ram/…]`)? */
export function gpuMatches(gpu: GpuConfig, requested: readonly Attribute[]): boolean {
  if (requested.length === 0) return true
  const offered = gpuCapabilityAttributes({vendor: gpu.vendor, model: gpu.model, ram: gpu.ram, interface: gpu.interface}).map((a) => ({
    key: a.key.replace(/^capabilities\/gpu\//, ''),
    value: a.value,
  }))
  return attributesAnyOf(requested, offered)
}

export function reservationToJson(r: Reservation): unknown {
  return {
    cpuMillis: r.cpuMillis.toString(),
    memoryBytes: r.memoryBytes.toString(),
    ephemeralBytes: r.ephemeralBytes.toString(),
    persistentBytes: Object.fromEntries(Object.entries(r.persistentBytes).map(([k, v]) => [k, v.toString()])),
    gpus: r.gpus,
  }
}

export function reservationFromJson(json: unknown): Reservation {
  const j = (json ?? {}) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- reads a stored JSON reservation field by field
  return {
    cpuMillis: BigInt(j.cpuMillis ?? 0),
    memoryBytes: BigInt(j.memoryBytes ?? 0),
    ephemeralBytes: BigInt(j.ephemeralBytes ?? 0),
    persistentBytes: Object.fromEntries(Object.entries(j.persistentBytes ?? {}).map(([k, v]) => [k, BigInt(v as string)])),
    gpus: j.gpus ?? {},
  }
}

const max0 = (v: bigint) => (v < 0n ? 0n : v)
