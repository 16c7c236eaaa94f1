/**
 * What the lease pays for, in the one container the probe runs in: the resources of one replica
 * of one service (a group's total is spread over its services and replicas, and a container sees
 * only its own share). Plain numbers, so a command can build it from the chain's order, the
 * manifest, or by hand.
 */
import type {Attribute} from '../../market/market.js'
import type {GpuInterface} from './gpu-models.js'

export interface GpuClaim {
  vendor: string
  /** Akash's model name, or `*` for any model. */
  model: string
  ramGiB?: number
  interface?: GpuInterface
}

export interface LeaseClaim {
  /** CPU in millicpu (1000 = one CPU). */
  cpuMillis: number
  memoryBytes: bigint
  /** Ephemeral storage: the container's root file system. */
  ephemeralBytes?: bigint
  /** Persistent volumes; `mount` from the manifest's `params.storage` when known. */
  volumes: Array<{name: string; bytes: bigint; mount?: string}>
  gpu: {
    units: number
    /** Any one of these satisfies the lease; empty = any NVIDIA GPU. */
    accept: GpuClaim[]
  }
  /** From the provider's `capabilities/cpu` attribute when it names a vendor (`intel`, `amd`). */
  cpuVendor?: string
}

/** The resource unit shape that both the chain (market ResourceUnit) and a parsed order hold. */
export interface ResourceUnitLike {
  cpuMillis: bigint | number
  memoryBytes: bigint | number
  storage: ReadonlyArray<{name: string; bytes: bigint | number; attributes: readonly Attribute[]}>
  gpu: {units: bigint | number; attributes: readonly Attribute[]}
}

export interface ClaimOptions {
  /** The provider's on-chain attributes: which GPU models it advertised (`capabilities/gpu/…`). */
  providerAttributes?: readonly Attribute[]
  /** Volume name → mount path, from the manifest service's `params.storage`. */
  mounts?: Readonly<Record<string, string>>
}

/** One replica's resources (a chain ResourceUnit) → the claim the probe compares with. */
export function claimFromResources(unit: ResourceUnitLike, options: ClaimOptions = {}): LeaseClaim {
  let ephemeralBytes: bigint | undefined
  const volumes: LeaseClaim['volumes'] = []
  for (const s of unit.storage) {
    const persistent = s.attributes.some((a) => a.key === 'persistent' && a.value === 'true')
    if (persistent) volumes.push({name: s.name, bytes: BigInt(s.bytes), ...(options.mounts?.[s.name] ? {mount: options.mounts[s.name]} : {})})
    else ephemeralBytes = (ephemeralBytes ?? 0n) + BigInt(s.bytes)
  }
  const units = Number(unit.gpu.units)
  const ordered = unit.gpu.attributes.map((a) => parseGpuAttributeKey(a.key)).filter((c): c is GpuClaim => c !== undefined)
  const advertised = (options.providerAttributes ?? [])
    .filter((a) => a.key.startsWith('capabilities/gpu/') && a.value === 'true')
    .map((a) => parseGpuAttributeKey(a.key.slice('capabilities/gpu/'.length)))
    .filter((c): c is GpuClaim => c !== undefined)
  const cpuVendor = options.providerAttributes?.find((a) => a.key === 'capabilities/cpu')?.value.toLowerCase()
  return {
    cpuMillis: Number(unit.cpuMillis),
    memoryBytes: BigInt(unit.memoryBytes),
    ...(ephemeralBytes !== undefined ? {ephemeralBytes} : {}),
    volumes,
    gpu: {units, accept: units > 0 ? acceptedGpus(ordered, advertised) : []},
    ...(cpuVendor === 'intel' || cpuVendor === 'amd' ? {cpuVendor} : {}),
  }
}

/** The manifest's per-service resources (`ResourcesJson`, values as decimal strings) in the same shape. */
export function resourcesFromManifest(resources: {
  cpu: {units: {val: string}}
  memory: {size: {val: string}}
  storage?: Array<{name: string; size: {val: string}; attributes?: Attribute[]}>
  gpu: {units: {val: string}; attributes?: Attribute[]}
}): ResourceUnitLike {
  return {
    cpuMillis: BigInt(resources.cpu.units.val),
    memoryBytes: BigInt(resources.memory.size.val),
    storage: (resources.storage ?? []).map((s) => ({name: s.name, bytes: BigInt(s.size.val), attributes: s.attributes ?? []})),
    gpu: {units: BigInt(resources.gpu.units.val), attributes: resources.gpu.attributes ?? []},
  }
}

/** `vendor/nvidia/model/h100/ram/80Gi/interface/sxm` (any depth) → a GpuClaim. */
export function parseGpuAttributeKey(key: string): GpuClaim | undefined {
  const t = key.split('/')
  if (t[0] !== 'vendor' || !t[1]) return undefined
  const claim: GpuClaim = {vendor: t[1], model: '*'}
  for (let i = 2; i + 1 < t.length; i += 2) {
    const [name, value] = [t[i], t[i + 1]]
    if (name === 'model') claim.model = value
    else if (name === 'ram') {
      const m = /^(\d+)(Gi|G)?$/i.exec(value)
      if (m) claim.ramGiB = Number(m[1])
    } else if (name === 'interface' && (value === 'pcie' || value === 'sxm')) claim.interface = value
  }
  return claim
}

/**
 * What the tenant pays for: the models the order accepts, narrowed by what the provider
 * advertised (an order for `model/*` on a provider that advertises H100s was priced as an H100),
 * with memory and interface filled in from the advertisement where the order left them open.
 */
function acceptedGpus(ordered: GpuClaim[], advertised: GpuClaim[]): GpuClaim[] {
  const wanted = ordered.length > 0 ? ordered : [{vendor: 'nvidia', model: '*'}]
  // The advertisement lists every depth (model; model+ram; model+interface; all three): keep the most specific.
  const specific = advertised.filter((a) => !advertised.some((b) => b !== a && refines(b, a)))
  const out: GpuClaim[] = []
  for (const w of wanted) {
    const matches = specific.filter((a) => a.vendor === w.vendor && (w.model === '*' || a.model === w.model) && compatible(w, a))
    if (matches.length === 0) {
      if (w.model !== '*' || w.ramGiB !== undefined || w.interface !== undefined) out.push(w)
      continue
    }
    for (const a of matches) out.push({vendor: a.vendor, model: a.model, ...pick(w.ramGiB ?? a.ramGiB, w.interface ?? a.interface)})
  }
  const seen = new Set<string>()
  return out.filter((c) => {
    const k = `${c.vendor}/${c.model}/${c.ramGiB ?? ''}/${c.interface ?? ''}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

const pick = (ramGiB: number | undefined, iface: GpuInterface | undefined) => ({
  ...(ramGiB !== undefined ? {ramGiB} : {}),
  ...(iface !== undefined ? {interface: iface} : {}),
})

/** b says everything a says and more. */
function refines(b: GpuClaim, a: GpuClaim): boolean {
  return (
    b.vendor === a.vendor &&
    b.model === a.model &&
    (a.ramGiB === undefined || a.ramGiB === b.ramGiB) &&
    (a.interface === undefined || a.interface === b.interface) &&
    (b.ramGiB !== a.ramGiB || b.interface !== a.interface)
  )
}

function compatible(w: GpuClaim, a: GpuClaim): boolean {
  return (w.ramGiB === undefined || a.ramGiB === undefined || w.ramGiB === a.ramGiB) && (w.interface === undefined || a.interface === undefined || w.interface === a.interface)
}
