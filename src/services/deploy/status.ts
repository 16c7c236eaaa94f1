/** Reading the provider's lease status: readiness, and where the services can be reached. */
import type {Lease} from '../../market/market.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import type {DeployedService, LeaseRuntime} from './types.js'

export function summarizeServices(statuses: readonly LeaseStatus[]): DeployedService[] {
  const out: DeployedService[] = []
  for (const status of statuses) {
    for (const [name, s] of Object.entries(status.services ?? {})) {
      const total = s.total ?? 0
      const ready = Math.max(s.available_replicas ?? 0, s.ready_replicas ?? 0, s.available ?? 0)
      out.push({name: s.name || name, ready: Math.min(ready, total || ready), total, uris: [...(s.uris ?? [])]})
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/** Every expected service reports all its replicas available. */
export function servicesReady(statuses: readonly LeaseStatus[], expected: readonly string[]): boolean {
  const services = summarizeServices(statuses)
  if (services.length === 0) return false
  const names = new Set(services.map((s) => s.name))
  if (expected.some((e) => !names.has(e))) return false
  return services.every((s) => s.total > 0 && s.ready >= s.total)
}

/** A URI the provider reports for HTTP ingress is a host name; make it a URL a user can open. */
export function toUrl(uri: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `http://${uri}`
}

export interface ForwardedPortView {
  service: string
  host: string
  port: number
  externalPort: number
  proto: string
}

/**
 * URLs of HTTP ingress, and `host:port` of forwarded ports; a forward without a host is on the
 * provider's own host (from its host URI).
 */
export function collectUris(statuses: readonly LeaseStatus[], providerHostUris: ReadonlyArray<string | undefined>): {uris: string[]; forwardedPorts: ForwardedPortView[]} {
  const uris: string[] = []
  const forwardedPorts: ForwardedPortView[] = []
  statuses.forEach((status, i) => {
    for (const s of Object.values(status.services ?? {})) for (const u of s.uris ?? []) uris.push(toUrl(u))
    const fallbackHost = hostOf(providerHostUris[i])
    for (const [service, ports] of Object.entries(status.forwarded_ports ?? {})) {
      for (const p of ports ?? []) {
        const host = p.host || fallbackHost || 'localhost'
        forwardedPorts.push({service, host, port: p.port, externalPort: p.externalPort, proto: (p.proto || 'TCP').toUpperCase()})
        uris.push(`${host}:${p.externalPort}`)
      }
    }
  })
  return {uris: [...new Set(uris)], forwardedPorts}
}

function hostOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined
  try {
    return new URL(uri).hostname
  } catch {
    return undefined
  }
}

/** How a lease runs, from an edge provider's lease status; undefined for other providers. */
export function leaseRuntime(status: LeaseStatus | undefined): LeaseRuntime | undefined {
  const r = status?.edge?.runtime
  if (!r) return undefined
  const notes = [...(r.uses_images ? [] : ['the image is ignored']), ...(r.isolated ? [] : ["the workload is not isolated from the provider's machine"])]
  return {kind: r.kind, engine: r.engine, isolated: r.isolated, usesImages: r.uses_images, summary: notes.length ? `${r.engine} (${notes.join('; ')})` : r.engine}
}

/** Per provider, how it runs the lease (lease-status keys are `provider/gseq/oseq`). */
export function runtimesOf(statuses: ReadonlyMap<string, LeaseStatus>): Map<string, LeaseRuntime> {
  const out = new Map<string, LeaseRuntime>()
  for (const [key, status] of statuses) {
    const runtime = leaseRuntime(status)
    if (runtime) out.set(key.split('/')[0] as string, runtime)
  }
  return out
}

/** A lease among a run's leases, and its status among the ready statuses. */
export const leaseKey = (l: Lease) => `${l.id.provider}/${l.id.gseq}/${l.id.oseq}`
