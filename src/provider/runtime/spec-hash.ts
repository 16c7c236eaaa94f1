import {createHash} from 'node:crypto'

import type {ManifestService} from './manifest-types.js'

/** JSON with object keys sorted, so equal specs hash equally whatever order the JSON came in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/**
 * What a replica runs, without the replica count: a count change scales a service, any other
 * change replaces its containers. Resource values are normalised to strings (chain-sdk's unsorted
 * manifest gives numbers, the wire gives strings).
 */
export function serviceSpecHash(service: ManifestService): string {
  const spec = {
    image: service.image,
    command: service.command ?? [],
    args: service.args ?? [],
    env: service.env ?? [],
    resources: normaliseVals(service.resources),
    expose: service.expose ?? [],
    params: service.params ?? null,
    credentials: service.credentials ? {host: service.credentials.host, username: service.credentials.username} : null,
  }
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16)
}

function normaliseVals(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => normaliseVals(v))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = k === 'val' && (typeof v === 'number' || typeof v === 'string') ? String(v) : normaliseVals(v)
  }
  return out
}
