import os from 'node:os'

import type {Status} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'

import {type Reservation, sumReservations} from '../capacity/capacity.js'
import type {GpuConfig} from '../config/provider-config.js'
import type {StatusInputs} from '../status-json.js'

export interface StatusProtoInputs extends StatusInputs {
  /** The GPUs offered (the node's GPU info); Capacity counts them but does not describe them. */
  gpus?: GpuConfig[]
  now?: Date
  /** The reclamation window this provider offers (AEP-82), seconds; absent when it takes no reclaimable orders or offers the order's minimum. */
  reclamationWindowS?: number
}

type Quantity = {string: string}
type Pair = {allocatable: Quantity; allocated: Quantity; capacity: Quantity; attributes: []}

/**
 * Kubernetes quantities, as Akash's inventory reports them: CPU in cores (`4`, `1500m`), memory,
 * storage and GPUs as plain integers. Akash Console reads CPU back in cores (it multiplies by 1000).
 */
const cpu = (millis: bigint): Quantity => ({string: millis % 1000n === 0n ? (millis / 1000n).toString() : `${millis}m`})
const int = (n: bigint | number): Quantity => ({string: BigInt(n).toString()})
const max0 = (n: bigint): bigint => (n < 0n ? 0n : n)

function pair(total: bigint, free: bigint, q: (n: bigint) => Quantity): Pair {
  const t = max0(total)
  return {allocatable: q(t), allocated: q(max0(t - max0(free))), capacity: q(t), attributes: []}
}

function metric(reservations: Reservation[]) {
  const t = sumReservations(reservations)
  return {
    count: reservations.length,
    resources: {
      cpu: cpu(t.cpuMillis),
      memory: int(t.memoryBytes),
      gpu: int(t.gpus),
      ephemeralStorage: int(t.ephemeralBytes),
      storage: Object.fromEntries(Object.entries(t.persistentBytes).map(([cls, bytes]) => [cls, int(bytes)])),
    },
  }
}

/**
 * `akash.provider.v1.Status` (what gRPC GetStatus/StreamStatus answer) from the same inputs as
 * `GET /status`: one node (this machine) with what it offers and what bids and leases hold, the
 * persistent storage classes, the reservations of active leases and pending bids, and counts.
 */
export function providerStatusProto(input: StatusProtoInputs): Status {
  const totals = input.capacity.totals()
  const free = input.capacity.available()
  const active = input.activeLeases.map((l) => input.capacity.get(l.orderKey) ?? l.reservation)
  const pending = input.openBidKeys.map((k) => input.capacity.get(k)).filter((r): r is Reservation => r !== undefined)
  const classes = Object.keys(totals.persistentBytes)
  return {
    errors: [],
    cluster: {
      leases: {active: input.activeLeases.length},
      inventory: {
        cluster: {
          nodes: [
            {
              name: os.hostname(),
              resources: {
                cpu: {quantity: pair(totals.cpuMillis, free.cpuMillis, cpu), info: []},
                memory: {quantity: pair(totals.memoryBytes, free.memoryBytes, int), info: []},
                gpu: {
                  quantity: pair(BigInt(totals.gpus), BigInt(free.gpus), int),
                  info: (input.gpus ?? []).map((g) => ({vendor: g.vendor, vendorId: '', name: g.model, modelid: '', interface: g.interface ?? '', memorySize: g.ram ?? ''})),
                },
                ephemeralStorage: pair(totals.ephemeralBytes, free.ephemeralBytes, int),
                volumesAttached: undefined,
                volumesMounted: undefined,
                // No GPU interconnect (InfiniBand/RoCE) is detected or offered.
                gpuInterconnect: undefined,
              },
              capabilities: {storageClasses: classes, interconnectResourceName: '', interconnectFabric: '', ncclHcaPrefixes: []},
            },
          ],
          storage: classes.map((cls) => ({
            quantity: pair(totals.persistentBytes[cls], free.persistentBytes[cls] ?? 0n, int),
            info: {class: cls, iops: ''},
          })),
        },
        reservations: {pending: metric(pending), active: metric(active)},
        // No IP leases (as /endpoint/migrate says).
        leasedIp: undefined,
      },
    },
    bidEngine: {orders: input.openBidKeys.length},
    manifest: {deployments: input.manifests},
    publicHostnames: input.publicHostname ? [input.publicHostname] : [],
    timestamp: input.now ?? new Date(),
    // AEP-82: the notice this provider gives; unset, it gives each order's minimum.
    reclamationWindow: input.reclamationWindowS !== undefined ? {seconds: BigInt(input.reclamationWindowS), nanos: 0} : undefined,
  }
}
