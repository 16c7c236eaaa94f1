import os from 'node:os'

import type {Capacity, CapacityTotals, Reservation} from './capacity/capacity.js'
import type {LeaseRow} from './state/store.js'

/** Akash's MetricTotal (chain-sdk go/inventory/v1). */
interface MetricTotal {
  cpu: number
  gpu: number
  memory: number
  storage_ephemeral: number
  storage?: Record<string, number>
}

function metric(r: Pick<Reservation, 'cpuMillis' | 'memoryBytes' | 'ephemeralBytes' | 'persistentBytes'> & {gpus: number}): MetricTotal {
  const storage = Object.fromEntries(Object.entries(r.persistentBytes).map(([k, v]) => [k, Number(v)]))
  return {
    cpu: Number(r.cpuMillis),
    gpu: r.gpus,
    memory: Number(r.memoryBytes),
    storage_ephemeral: Number(r.ephemeralBytes),
    ...(Object.keys(storage).length > 0 ? {storage} : {}),
  }
}

const gpuCount = (r: Reservation) => Object.values(r.gpus).reduce((n, l) => n + l.length, 0)

export interface StatusInputs {
  capacity: Capacity
  activeLeases: LeaseRow[]
  openBidKeys: string[]
  manifests: number
  publicHostname: string
}

/**
 * `GET /status` as Akash providers answer it (chain-sdk go/provider/client/types.go): one node (this
 * machine), the resources held by active leases and pending bids, what is free, and counts.
 */
export function providerStatusJson(input: StatusInputs): Record<string, unknown> {
  const totals = input.capacity.totals()
  const free = input.capacity.available()
  const active = input.activeLeases.map((l) => {
    const r = input.capacity.get(l.orderKey) ?? l.reservation
    return metric({...r, gpus: gpuCount(r)})
  })
  const pending = input.openBidKeys
    .map((k) => input.capacity.get(k))
    .filter((r): r is Reservation => r !== undefined)
    .map((r) => metric({...r, gpus: gpuCount(r)}))
  const resources = (t: CapacityTotals) => ({
    cpu: Number(t.cpuMillis < 0n ? 0n : t.cpuMillis),
    gpu: Math.max(0, t.gpus),
    memory: Number(t.memoryBytes < 0n ? 0n : t.memoryBytes),
    storage_ephemeral: Number(t.ephemeralBytes < 0n ? 0n : t.ephemeralBytes),
  })
  return {
    cluster: {
      leases: input.activeLeases.length,
      inventory: {
        ...(active.length > 0 ? {active} : {}),
        ...(pending.length > 0 ? {pending} : {}),
        available: {
          nodes: [{name: os.hostname(), allocatable: resources(totals), available: resources(free)}],
          storage: Object.entries(free.persistentBytes).map(([cls, size]) => ({class: cls, size: Number(size < 0n ? 0n : size)})),
        },
      },
    },
    bidengine: {orders: input.openBidKeys.length},
    manifest: {deployments: input.manifests},
    cluster_public_hostname: input.publicHostname,
  }
}
