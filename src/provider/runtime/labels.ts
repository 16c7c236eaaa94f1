import {createHash} from 'node:crypto'

import type {LeaseId} from './types.js'

/**
 * Labels tying engine objects to leases. The `akash.network/*` keys follow what Akash's own
 * provider puts on its Kubernetes objects, so tools that know those keys read ours too.
 */
export const Labels = {
  managed: 'akash.network',
  owner: 'akash.network/lease.id.owner',
  dseq: 'akash.network/lease.id.dseq',
  gseq: 'akash.network/lease.id.gseq',
  oseq: 'akash.network/lease.id.oseq',
  provider: 'akash.network/lease.id.provider',
  service: 'akash.network/manifest.service',
  group: 'edge.provider/group',
  manifestVersion: 'edge.provider/manifest-version',
  specHash: 'edge.provider/spec-hash',
  /** The service's spec revision: 1 at deploy, one more each time an update changes the spec. */
  generation: 'edge.provider/generation',
  replica: 'edge.provider/replica',
  /** JSON of the service's exposes, so the ingress can be rebuilt from the engine alone. */
  expose: 'edge.provider/expose',
  /** JSON of the replica count the manifest asked for. */
  count: 'edge.provider/count',
  volume: 'edge.provider/volume',
} as const

export function leaseLabels(lease: LeaseId): Record<string, string> {
  return {
    [Labels.managed]: 'true',
    [Labels.owner]: lease.owner,
    [Labels.dseq]: String(lease.dseq),
    [Labels.gseq]: String(lease.gseq),
    [Labels.oseq]: String(lease.oseq),
    [Labels.provider]: lease.provider,
  }
}

/** Docker `label=` filters selecting exactly this lease's objects (filters are ANDed). */
export function leaseLabelFilters(lease: LeaseId): string[] {
  return Object.entries(leaseLabels(lease)).map(([k, v]) => `${k}=${v}`)
}

export function leaseFromLabels(labels: Record<string, string> | undefined): LeaseId | undefined {
  if (!labels || labels[Labels.managed] !== 'true') return undefined
  const owner = labels[Labels.owner]
  const dseq = labels[Labels.dseq]
  const gseq = Number(labels[Labels.gseq])
  const oseq = Number(labels[Labels.oseq])
  const provider = labels[Labels.provider]
  if (!owner || !dseq || !provider || !Number.isInteger(gseq) || !Number.isInteger(oseq)) return undefined
  return {owner, dseq, gseq, oseq, provider}
}

/** A stable string for maps and file names: owner/dseq/gseq/oseq/provider. */
export function leaseKey(lease: LeaseId): string {
  return `${lease.owner}/${lease.dseq}/${lease.gseq}/${lease.oseq}/${lease.provider}`
}

/** Short stable hash of a lease, for engine object names (which have length and charset limits). */
export function leaseHash(lease: LeaseId, length = 10): string {
  return createHash('sha256').update(leaseKey(lease)).digest('hex').slice(0, length)
}

/** Engine object names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; service names are DNS labels already. */
export function safeName(part: string): string {
  const cleaned = part.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '')
  return cleaned.slice(0, 48) || 'x'
}

/**
 * Does `labels` carry every `key=value` of `filters`? Engines disagree on combining label
 * filters (Podman ORs them for volumes), so results are always checked here too.
 */
export function matchesLabelFilters(labels: Record<string, string> | undefined, filters: string[]): boolean {
  if (!labels) return filters.length === 0
  return filters.every((f) => {
    const eq = f.indexOf('=')
    return eq === -1 ? f in labels : labels[f.slice(0, eq)] === f.slice(eq + 1)
  })
}
