import {createHash} from 'node:crypto'

import type {GroupSpec} from '../../market/market.js'
import {sortedJson} from '../../sdl/index.js'
import {resourceInt} from '../runtime/manifest-read.js'
import type {Manifest, ManifestGroup, ManifestService} from '../runtime/manifest-types.js'

export type ParseResult = {ok: true; manifest: Manifest} | {ok: false; message: string}

/** Parses and shape-checks a manifest body (Akash's `Manifest.Validate`, the parts that matter here). */
export function parseManifest(body: string): ParseResult {
  let raw: unknown
  try {
    raw = JSON.parse(body)
  } catch (error) {
    return {ok: false, message: `invalid manifest JSON: ${(error as Error).message}`}
  }
  if (!Array.isArray(raw) || raw.length === 0) return {ok: false, message: 'invalid manifest: expected a non-empty array of groups'}
  const names = new Set<string>()
  let globalServices = 0
  for (const [i, g] of raw.entries()) {
    const group = g as ManifestGroup
    if (!group || typeof group !== 'object' || typeof group.name !== 'string' || group.name === '') {
      return {ok: false, message: `invalid manifest: group ${i} has no name`}
    }
    if (names.has(group.name)) return {ok: false, message: `invalid manifest: duplicate group "${group.name}"`}
    names.add(group.name)
    if (!Array.isArray(group.services) || group.services.length === 0) {
      return {ok: false, message: `invalid manifest: group "${group.name}" has no services`}
    }
    const serviceNames = new Set<string>()
    for (const s of group.services) {
      const problem = serviceProblem(s)
      if (problem) return {ok: false, message: `invalid manifest: group "${group.name}": ${problem}`}
      if (serviceNames.has(s.name)) return {ok: false, message: `invalid manifest: group "${group.name}": duplicate service "${s.name}"`}
      serviceNames.add(s.name)
      if ((s.expose ?? []).some((e) => e.global)) globalServices++
    }
  }
  if (globalServices === 0) return {ok: false, message: 'invalid manifest: zero global services'}
  return {ok: true, manifest: raw as Manifest}
}

function serviceProblem(s: ManifestService): string | undefined {
  if (!s || typeof s !== 'object') return 'a service is not an object'
  if (typeof s.name !== 'string' || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s.name)) return `service name "${String(s?.name)}" is not a DNS label`
  if (typeof s.image !== 'string' || s.image.trim() === '') return `service "${s.name}" has no image`
  if (!Number.isInteger(s.count) || s.count < 0) return `service "${s.name}" has an invalid count`
  if (!s.resources || typeof s.resources !== 'object') return `service "${s.name}" has no resources`
  for (const e of s.expose ?? []) {
    if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) return `service "${s.name}" exposes an invalid port`
  }
  return undefined
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * The manifest's version as the provider computes it. A tenant sends the sorted JSON whose hash is
 * on chain; a client that sent the same manifest unsorted is still accepted, because Akash hashes
 * its re-encoding, not the bytes received.
 */
export function manifestVersionMatches(body: string, manifest: Manifest, onChainHash: Uint8Array): {ok: boolean; version: string} {
  const expected = Buffer.from(onChainHash).toString('hex')
  const direct = sha256Hex(body)
  if (direct === expected) return {ok: true, version: direct}
  const canonical = sha256Hex(sortedJson(manifest))
  return {ok: canonical === expected, version: canonical === expected ? canonical : direct}
}

/**
 * `Manifest.CheckAgainstGSpecs`: one manifest group per deployment group, matched by name; every
 * service's resources equal its resource unit's (by id), and the replicas use each unit exactly.
 */
export function crossValidate(manifest: Manifest, specs: GroupSpec[]): string | undefined {
  if (manifest.length !== specs.length) return `group count mismatch (${manifest.length} != ${specs.length})`
  for (const group of manifest) {
    const spec = specs.find((s) => s.name === group.name)
    if (!spec) return `unknown deployment group "${group.name}"`
    const remaining = new Map(spec.resources.map((r) => [r.id, r.count]))
    for (const s of group.services) {
      const id = s.resources.id ?? 1
      const unit = spec.resources.find((r) => r.id === id)
      if (!unit) return `group "${group.name}": service "${s.name}": no resources with ID ${id}`
      const left = remaining.get(id) ?? 0
      if (s.count > left) return `group "${group.name}": service "${s.name}": over-utilized replicas (${s.count}) > group spec resources count (${left})`
      if (resourceInt(s.resources.cpu?.units) !== unit.cpuMillis) return `group "${group.name}": service "${s.name}": CPU resources mismatch for ID ${id}`
      if (resourceInt(s.resources.memory?.size) !== unit.memoryBytes) return `group "${group.name}": service "${s.name}": Memory resources mismatch for ID ${id}`
      if (resourceInt(s.resources.gpu?.units) !== unit.gpu.units) return `group "${group.name}": service "${s.name}": GPU resources mismatch for ID ${id}`
      const storage = s.resources.storage ?? []
      const sameStorage =
        storage.length === unit.storage.length && storage.every((v, i) => v.name === unit.storage[i].name && resourceInt(v.size) === unit.storage[i].bytes)
      if (!sameStorage) return `group "${group.name}": service "${s.name}": Storage resources mismatch for ID ${id}`
      remaining.set(id, left - s.count)
    }
    for (const [id, left] of remaining) {
      if (left > 0) return `group "${group.name}": resources ID (${id}): under-utilized (${left}) resources`
    }
  }
  return undefined
}
