import type {
  ManifestExpose,
  ManifestHttpOptions,
  ManifestResourceValue,
  ManifestService,
  ManifestStorage,
} from './manifest-types.js'

/** A resource value as a non-negative integer; the wire carries decimal strings. */
export function resourceInt(value: ManifestResourceValue | undefined | null): bigint {
  if (value === undefined || value === null) return 0n
  const raw = typeof value.val === 'number' ? String(Math.trunc(value.val)) : String(value.val ?? '0').trim()
  if (!/^\d+$/.test(raw)) return 0n
  return BigInt(raw)
}

export function cpuMillis(service: ManifestService): number {
  return Number(resourceInt(service.resources?.cpu?.units))
}

export function memoryBytes(service: ManifestService): number {
  return Number(resourceInt(service.resources?.memory?.size))
}

export function gpuUnits(service: ManifestService): number {
  return Number(resourceInt(service.resources?.gpu?.units ?? undefined))
}

export function storageAttribute(storage: ManifestStorage, key: string): string | undefined {
  return storage.attributes?.find((a) => a.key === key)?.value
}

/** One volume a service mounts: persistent ones become named volumes, `ram` ones tmpfs. */
export interface ServiceMount {
  name: string
  mount: string
  readOnly: boolean
  sizeBytes: number
  kind: 'volume' | 'tmpfs'
}

/** The storage entries that `params.storage` mounts somewhere; the rest is the root filesystem. */
export function serviceMounts(service: ManifestService): ServiceMount[] {
  const params = service.params?.storage ?? []
  const mounts: ServiceMount[] = []
  for (const p of params) {
    const storage = (service.resources?.storage ?? []).find((s) => s.name === p.name)
    if (!storage || !p.mount) continue
    const ram = storageAttribute(storage, 'class') === 'ram'
    mounts.push({
      name: p.name,
      mount: p.mount,
      readOnly: Boolean(p.readOnly),
      sizeBytes: Number(resourceInt(storage.size)),
      kind: ram ? 'tmpfs' : 'volume',
    })
  }
  return mounts
}

export function exposeProto(expose: ManifestExpose): 'TCP' | 'UDP' {
  return String(expose.proto ?? 'TCP').toUpperCase() === 'UDP' ? 'UDP' : 'TCP'
}

export function externalPortOf(expose: ManifestExpose): number {
  return expose.externalPort && expose.externalPort > 0 ? expose.externalPort : expose.port
}

/**
 * Akash serves a global TCP expose on external port 80 through its HTTP ingress (SHARED_HTTP);
 * every other global expose becomes a forwarded (node) port.
 */
export function isIngressExpose(expose: ManifestExpose): boolean {
  return Boolean(expose.global) && exposeProto(expose) === 'TCP' && externalPortOf(expose) === 80
}

export const defaultHttpOptions: ManifestHttpOptions = {
  maxBodySize: 1_048_576,
  readTimeout: 60_000,
  sendTimeout: 60_000,
  nextTries: 3,
  nextTimeout: 0,
  nextCases: ['error', 'timeout'],
}

export function httpOptionsOf(expose: ManifestExpose): ManifestHttpOptions {
  const o = expose.httpOptions ?? undefined
  return {
    maxBodySize: positive(o?.maxBodySize) ?? defaultHttpOptions.maxBodySize,
    readTimeout: positive(o?.readTimeout) ?? defaultHttpOptions.readTimeout,
    sendTimeout: positive(o?.sendTimeout) ?? defaultHttpOptions.sendTimeout,
    nextTries: typeof o?.nextTries === 'number' && o.nextTries >= 0 ? o.nextTries : defaultHttpOptions.nextTries,
    nextTimeout: positive(o?.nextTimeout) ?? 0,
    nextCases: o?.nextCases && o.nextCases.length > 0 ? [...o.nextCases] : [...(defaultHttpOptions.nextCases ?? [])],
    ...(o?.proxyBufferSize ? {proxyBufferSize: o.proxyBufferSize} : {}),
  }
}

function positive(n: number | undefined | null): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined
}

/** Docker's image reference rules: a bare name lives on docker.io/library, no tag means latest. */
export function normalizeImage(image: string): string {
  let ref = image.trim()
  const slash = ref.indexOf('/')
  const first = slash === -1 ? '' : ref.slice(0, slash)
  const hasRegistry = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (!hasRegistry) ref = slash === -1 ? `docker.io/library/${ref}` : `docker.io/${ref}`
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1)
  if (!ref.includes('@') && !lastPart.includes(':')) ref = `${ref}:latest`
  return ref
}
