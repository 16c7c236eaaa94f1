import type {Attribute, GroupSpec, ResourceUnit} from '../../market/market.js'

/** What one order asks of the machine, summed over its resource units × counts. */
export interface Demand {
  cpuMillis: bigint
  memoryBytes: bigint
  /** Container root filesystems and volumes without a class. */
  ephemeralBytes: bigint
  /** Persistent volumes by storage class. */
  persistentBytes: Map<string, bigint>
  /** GPU needs, one entry per resource unit that asks for GPUs. */
  gpus: Array<{unitId: number; count: number; attributes: Attribute[]}>
  /** Global endpoints by kind. */
  endpoints: {sharedHttp: number; randomPort: number; leasedIp: number}
}

const attr = (list: readonly Attribute[], key: string) => list.find((a) => a.key === key)?.value

/** Sums the group's resource units; `ram`-class volumes count as memory, as Akash does. */
export function demandOf(spec: GroupSpec): Demand {
  const d: Demand = {
    cpuMillis: 0n,
    memoryBytes: 0n,
    ephemeralBytes: 0n,
    persistentBytes: new Map(),
    gpus: [],
    endpoints: {sharedHttp: 0, randomPort: 0, leasedIp: 0},
  }
  for (const ru of spec.resources) addUnit(d, ru)
  return d
}

function addUnit(d: Demand, ru: ResourceUnit): void {
  const n = BigInt(ru.count)
  d.cpuMillis += ru.cpuMillis * n
  d.memoryBytes += ru.memoryBytes * n
  for (const s of ru.storage) {
    const cls = attr(s.attributes, 'class')
    const persistent = attr(s.attributes, 'persistent') === 'true'
    if (cls === 'ram') d.memoryBytes += s.bytes * n
    else if (persistent && cls) d.persistentBytes.set(cls, (d.persistentBytes.get(cls) ?? 0n) + s.bytes * n)
    else d.ephemeralBytes += s.bytes * n
  }
  if (ru.gpu.units > 0n) d.gpus.push({unitId: ru.id, count: Number(ru.gpu.units) * ru.count, attributes: ru.gpu.attributes})
  for (const e of ru.endpoints) {
    if (e.kind === 'shared_http') d.endpoints.sharedHttp += ru.count
    else if (e.kind === 'random_port') d.endpoints.randomPort += ru.count
    else d.endpoints.leasedIp += ru.count
  }
}

/** The order's maximum price per block (Σ unit price × count), in the order's denom (×10^18). */
export function orderMaxPrice(spec: GroupSpec): {denom: string; amount: bigint} {
  let amount = 0n
  let denom = ''
  for (const ru of spec.resources) {
    amount += ru.price.amount * BigInt(ru.count)
    denom ||= ru.price.denom
  }
  return {denom, amount}
}
