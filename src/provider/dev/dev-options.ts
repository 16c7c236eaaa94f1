/**
 * provider.yaml `dev:` — behaviour for testing tenants' tools against edge dev, refused on any other
 * network. Today one option, a provider that lies about its capacity so `edge verify` has something
 * to catch:
 *
 *   dev:
 *     underProvision: {cpu: 0.5, memory: 0.5}
 *
 * The provider still advertises and bids its full capacity and accepts the lease at the full price,
 * but gives each container only that fraction of the CPU and memory the lease pays for (its cgroup
 * limits). Needs the docker runtime: host processes have no cgroup limits to shrink.
 */
import type {NetworkContext} from '../../config/networks.js'
import {UsageError} from '../../errors.js'
import type {ManifestGroup, ManifestResourceValue} from '../runtime/manifest-types.js'
import {resourceInt} from '../runtime/manifest-read.js'
import type {Runtime} from '../runtime/types.js'

export interface DevOptions {
  /** Fractions (0 < f ≤ 1) of the paid CPU and memory the containers really get. */
  underProvision?: {cpu?: number; memory?: number}
}

/** Reads `dev:` from a parsed provider.yaml; `bad(field, why)` makes the config error. */
export function parseDevOptions(raw: unknown, bad: (field: string, why: string) => Error): DevOptions | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('dev', 'must be a mapping')
  const r = raw as Record<string, unknown>
  const under = r.underProvision
  if (under === undefined || under === null) return {}
  if (typeof under !== 'object' || Array.isArray(under)) throw bad('dev.underProvision', 'must be a mapping with cpu and/or memory')
  const fraction = (v: unknown, field: string): number | undefined => {
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw bad(field, 'must be a fraction above 0 and at most 1 (e.g. 0.5)')
    return v
  }
  const u = under as Record<string, unknown>
  const cpu = fraction(u.cpu, 'dev.underProvision.cpu')
  const memory = fraction(u.memory, 'dev.underProvision.memory')
  return {underProvision: {...(cpu !== undefined ? {cpu} : {}), ...(memory !== undefined ? {memory} : {})}}
}

/**
 * The runtime the provider uses: as configured, or one that shrinks every lease's containers when
 * `dev.underProvision` says so (edge dev only).
 */
export function withDevOptions(runtime: Runtime, dev: DevOptions | undefined, network: Pick<NetworkContext, 'name' | 'profile'>): Runtime {
  const under = dev?.underProvision
  if (!under || (under.cpu === undefined && under.memory === undefined)) return runtime
  if (network.profile.kind !== 'dev') {
    throw new UsageError(`provider.yaml: dev.underProvision makes the provider cheat its tenants; it is refused on ${network.name}.`, {
      code: 'bad_provider_config',
      hint: 'Remove the dev: section; it exists to test `edge verify` on edge dev.',
    })
  }
  const shrink = (group: ManifestGroup) => underProvisioned(group, under.cpu ?? 1, under.memory ?? 1)
  // Every other call goes to the real runtime, bound to it (its state stays in one object).
  return {
    kind: runtime.kind,
    info: () => runtime.info(),
    deploy: (lease, group, options) => runtime.deploy(lease, shrink(group), options),
    update: (lease, group, options) => runtime.update(lease, shrink(group), options),
    status: (lease) => runtime.status(lease),
    logs: (lease, options) => runtime.logs(lease, options),
    events: (lease, options) => runtime.events(lease, options),
    exec: (lease, options) => runtime.exec(lease, options),
    teardown: (lease) => runtime.teardown(lease),
    list: () => runtime.list(),
    close: () => runtime.close(),
  }
}

/** The group with each service's CPU and memory scaled by the fractions (what the containers get). */
export function underProvisioned(group: ManifestGroup, cpu: number, memory: number): ManifestGroup {
  const scale = (v: ManifestResourceValue, f: number, min: bigint): ManifestResourceValue => {
    const n = resourceInt(v)
    const scaled = BigInt(Math.floor(Number(n) * f))
    return {val: String(scaled < min ? min : scaled)}
  }
  return {
    ...group,
    services: group.services.map((s) => ({
      ...s,
      resources: {
        ...s.resources,
        cpu: {...s.resources.cpu, units: scale(s.resources.cpu.units, cpu, 1n)},
        memory: {...s.resources.memory, size: scale(s.resources.memory.size, memory, 6n * 1024n * 1024n)},
      },
    })),
  }
}
