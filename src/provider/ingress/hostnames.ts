import {createHash} from 'node:crypto'

import {leaseKey} from '../runtime/labels.js'
import type {LeaseId, LeaseRuntimeStatus, PublishedPort} from '../runtime/types.js'
import type {IngressRoute} from './route-table.js'

/** The Akash lease status `forwarded_ports` entry. */
export interface ForwardedPort {
  host: string
  /** The port inside the container. */
  port: number
  /** The host port a client connects to. */
  externalPort: number
  proto: 'TCP' | 'UDP'
  /** The service name. */
  name: string
}

export interface IngressPlanOptions {
  /** e.g. "localhost" on edge dev, "ingress.example.com" on a provider. */
  domain: string
  /** Makes generated names unguessable; keep it stable (provider config) so names survive restarts. */
  salt?: string
  /** Host tenants reach forwarded ports on (the provider's public hostname or IP). */
  publicHost: string
  /** The ingress port, added to URIs when it is not 80. */
  ingressPort?: number
}

export interface LeaseIngressPlan {
  routes: IngressRoute[]
  /** Per service, what lease status lists as `uris`. */
  uris: Record<string, string[]>
  forwardedPorts: Record<string, ForwardedPort[]>
}

const base32 = 'abcdefghijklmnopqrstuvwxyz234567'

/**
 * `<id>.<domain>` for a service's HTTP expose. The id is derived (salted hash of lease, service and
 * port), not stored: a restarted provider computes the same names from what the runtime reports.
 */
export function ingressHostname(lease: LeaseId, service: string, port: number, options: {domain: string; salt?: string}): string {
  const digest = createHash('sha256').update(`${options.salt ?? ''}|${leaseKey(lease)}|${service}|${port}`).digest()
  let id = ''
  for (let i = 0; i < 26; i++) id += base32[(digest[i] as number) % 32]
  return `${id}.${normalizeHostname(options.domain)}`
}

/** Lowercase, no port, no trailing dot: how Host headers and accept names are compared. */
export function normalizeHostname(host: string): string {
  let h = host.trim().toLowerCase()
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    return end === -1 ? h : h.slice(0, end + 1)
  }
  const colon = h.indexOf(':')
  if (colon !== -1) h = h.slice(0, colon)
  return h.endsWith('.') ? h.slice(0, -1) : h
}

function targetHost(p: PublishedPort): string {
  return !p.hostIp || p.hostIp === '0.0.0.0' ? '127.0.0.1' : p.hostIp === '::' ? '::1' : p.hostIp
}

/** Routes, URIs and forwarded ports of one lease, from its runtime status alone. */
export function planLeaseIngress(status: LeaseRuntimeStatus, options: IngressPlanOptions): LeaseIngressPlan {
  const routes: IngressRoute[] = []
  const uris: Record<string, string[]> = {}
  const forwardedPorts: Record<string, ForwardedPort[]> = {}
  const suffix = options.ingressPort && options.ingressPort !== 80 ? `:${options.ingressPort}` : ''
  for (const [name, service] of Object.entries(status.services)) {
    const ingressPorts = new Map<number, PublishedPort[]>()
    for (const p of service.ports) {
      if (p.ingress) {
        const list = ingressPorts.get(p.port) ?? []
        list.push(p)
        ingressPorts.set(p.port, list)
      } else if (p.global && p.hostPort > 0) {
        ;(forwardedPorts[name] ??= []).push({host: options.publicHost, port: p.port, externalPort: p.hostPort, proto: p.proto, name})
      }
    }
    for (const [port, published] of ingressPorts) {
      const generated = ingressHostname(status.lease, name, port, options)
      const accepted = [...new Set(published.flatMap((p) => p.hosts.map((h) => normalizeHostname(h))))].filter(Boolean)
      const first = published[0] as PublishedPort
      routes.push({
        hostnames: [generated, ...accepted.filter((h) => h !== generated)],
        leaseKey: leaseKey(status.lease),
        lease: status.lease,
        service: name,
        port,
        targets: published
          .filter((p) => p.hostPort > 0)
          .map((p) => ({host: targetHost(p), port: p.hostPort, replica: p.replica})),
        httpOptions: first.httpOptions,
      })
      const list = (uris[name] ??= [])
      for (const h of [generated, ...accepted]) if (!list.includes(h + suffix)) list.push(h + suffix)
    }
  }
  return {routes, uris, forwardedPorts}
}
