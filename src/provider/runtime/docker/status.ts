import type Docker from 'dockerode'

import {Labels} from '../labels.js'
import {exposeProto, externalPortOf, httpOptionsOf, isIngressExpose} from '../manifest-read.js'
import type {ManifestExpose} from '../manifest-types.js'
import type {PublishedPort, ReplicaState} from '../types.js'

/** What the engine's container listing says, read as the runtime's status terms (pure). */

export function containerState(state: string | undefined): ReplicaState {
  switch ((state ?? '').toLowerCase()) {
    case 'running':
      return 'running'
    case 'created':
    case 'configured':
    case 'initialized':
      return 'created'
    case 'restarting':
      return 'restarting'
    case 'paused':
      return 'paused'
    case 'exited':
    case 'stopped':
      return 'exited'
    case 'dead':
    case 'removing':
      return 'dead'
    default:
      return 'unknown'
  }
}

/** "Exited (3) 2 minutes ago" → 3. */
export function exitCodeFromStatus(status: string | undefined): number | undefined {
  const m = /Exited \((-?\d+)\)/i.exec(status ?? '')
  return m ? Number(m[1]) : undefined
}

export function parseExposeLabel(label: string | undefined): ManifestExpose[] {
  if (!label) return []
  try {
    const parsed = JSON.parse(label) as unknown
    return Array.isArray(parsed) ? (parsed as ManifestExpose[]) : []
  } catch {
    return []
  }
}

/** Matches a replica's exposes to the host ports the engine reports for it. */
export function publishedPorts(
  service: string,
  replica: number,
  exposes: ManifestExpose[],
  container: Pick<Docker.ContainerInfo, 'Ports'>,
  addresses: {publicAddress: string; privateAddress: string},
): PublishedPort[] {
  const out: PublishedPort[] = []
  for (const expose of exposes) {
    const proto = exposeProto(expose)
    const ingress = isIngressExpose(expose)
    const wantIp = expose.global && !ingress ? addresses.publicAddress : addresses.privateAddress
    const candidates = (container.Ports ?? []).filter(
      (p) => p.PrivatePort === expose.port && String(p.Type).toUpperCase() === proto && p.PublicPort,
    )
    const binding = candidates.find((p) => sameAddress(p.IP, wantIp)) ?? candidates[0]
    out.push({
      service,
      replica,
      port: expose.port,
      externalPort: externalPortOf(expose),
      proto,
      global: Boolean(expose.global),
      ingress,
      hostIp: binding?.IP || wantIp,
      hostPort: binding?.PublicPort ?? 0,
      hosts: [...(expose.hosts ?? [])],
      httpOptions: httpOptionsOf(expose),
    })
  }
  return out
}

function sameAddress(a: string | undefined, b: string): boolean {
  const norm = (x: string | undefined) => (!x || x === '::' ? '0.0.0.0' : x)
  return norm(a) === norm(b)
}

/** Containers from before generations were labelled count as revision 1. */
export function containerGeneration(labels: Record<string, string>): number {
  const value = Number(labels[Labels.generation])
  return Number.isInteger(value) && value > 0 ? value : 1
}
