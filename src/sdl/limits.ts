import type {BuiltGroup} from './build.js'
import {ATTRIBUTE_KEY} from './decode/common.js'
import {decHuman, DEC_ONE} from './dec.js'
import type {IssueSink} from './issues.js'
import type {Path} from './source.js'
import type {SdlModel} from './types.js'
import {formatBytes, formatCpu, MI, TI} from './units.js'

/**
 * What the chain and the provider check once the SDL is turned into groups and a manifest:
 * `dtypes.ValidateDeploymentGroups` (go/node/deployment/v1beta4) and `Manifest.Validate`
 * (go/manifest/v2beta3). Limits are per replica unless stated.
 */
export const LIMITS = {
  cpuMin: 10,
  cpuMax: 384_000,
  gpuMax: 24,
  memoryMin: MI,
  memoryMax: 2n * TI,
  storageMin: 5n * MI,
  storageMax: 32n * TI,
  countMax: 50,
  /** Highest price per unit per block, in the denom's base unit. */
  priceMax: 10_000_000n,
} as const

const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

export function checkGroups(model: SdlModel, groups: BuiltGroup[], issues: IssueSink): void {
  if (groups.length === 0) {
    issues.error(['deployment'], 'no-groups', 'deployment places no service anywhere, so there is nothing to deploy.', {
      at: 'key',
      hint: 'Add deployment: <service>: <placement>: {profile: <compute profile>, count: 1}.',
    })
    return
  }

  const denoms = new Set<string>()
  for (const group of groups) {
    for (const unit of group.units) {
      denoms.add(unit.price.denom)
      const profilePath: Path = ['profiles', 'compute', unit.profile, 'resources']
      const cpu = Number(unit.resources.cpu.units.val)
      if (cpu < LIMITS.cpuMin || cpu > LIMITS.cpuMax) {
        issues.error([...profilePath, 'cpu', 'units'], 'cpu-out-of-range', `profiles.compute.${unit.profile} asks for ${formatCpu(cpu)} CPU, outside what Akash accepts (0.01 to 384 per instance).`, {
          hint: cpu < LIMITS.cpuMin ? 'Use at least 0.01 CPU (10m).' : 'Split the work across more instances (count) instead.',
        })
      }
      const gpu = Number(unit.resources.gpu.units.val)
      if (gpu > LIMITS.gpuMax) {
        issues.error([...profilePath, 'gpu', 'units'], 'gpu-out-of-range', `profiles.compute.${unit.profile} asks for ${gpu} GPUs; Akash allows at most ${LIMITS.gpuMax} per instance.`, {
          hint: 'Use more instances (count) with fewer GPUs each.',
        })
      }
      for (const a of [...(unit.resources.cpu.attributes ?? []), ...(unit.resources.gpu.attributes ?? [])]) {
        if (!ATTRIBUTE_KEY.test(a.key)) {
          issues.error(profilePath, 'bad-attribute', `profiles.compute.${unit.profile} has the attribute "${a.key}", which is not a valid attribute name.`)
        }
      }
      const memory = BigInt(unit.resources.memory.size.val)
      if (memory < LIMITS.memoryMin || memory > LIMITS.memoryMax) {
        issues.error([...profilePath, 'memory', 'size'], 'memory-out-of-range', `profiles.compute.${unit.profile} asks for ${formatBytes(memory)} of memory, outside what Akash accepts (1Mi to 2Ti per instance).`, {
          hint: memory < LIMITS.memoryMin ? 'Ask for at least 1Mi; most services need 64Mi or more.' : 'Ask for at most 2Ti per instance.',
        })
      }
      const storage = unit.resources.storage
      if (!storage || storage.length === 0) {
        issues.error([...profilePath, 'storage'], 'no-storage', `profiles.compute.${unit.profile} has no storage volume.`, {
          hint: 'Add storage: {size: 1Gi} (the container filesystem).',
        })
      }
      ;(storage ?? []).forEach((vol) => {
        const size = BigInt(vol.size.val)
        if (size < LIMITS.storageMin || size > LIMITS.storageMax) {
          issues.error([...profilePath, 'storage'], 'storage-out-of-range', `The volume "${vol.name}" of profiles.compute.${unit.profile} is ${formatBytes(size)}, outside what Akash accepts (5Mi to 32Ti).`, {
            hint: size < LIMITS.storageMin ? 'Make the volume at least 5Mi.' : 'Keep each volume at or under 32Ti.',
          })
        }
      })
      if (unit.price.amount > LIMITS.priceMax * DEC_ONE) {
        issues.error(['profiles', 'placement', group.name, 'pricing', unit.profile, 'amount'], 'price-too-high', `The price for "${unit.profile}" in "${group.name}" is ${decHuman(unit.price.amount)} ${unit.price.denom} per block, above Akash's limit of ${LIMITS.priceMax} per unit.`, {
          hint: 'Amounts are in the base unit (uact): 1,000,000 uact = 1 ACT ≈ 1 USD per block. Lower the amount.',
        })
      }
    }
    const cpuTotal = group.units.reduce((sum, u) => sum + BigInt(u.resources.cpu.units.val) * BigInt(u.count), 0n)
    if (cpuTotal > BigInt(LIMITS.cpuMax * LIMITS.countMax)) {
      issues.error(['profiles', 'placement', group.name], 'group-too-large', `Placement "${group.name}" asks for ${formatCpu(Number(cpuTotal))} CPU in total, more than Akash allows in one group.`, {
        at: 'key',
        hint: 'Reduce count or CPU, or split services across placements.',
      })
    }
  }
  if (denoms.size > 1) {
    issues.error(['profiles', 'placement'], 'mixed-denoms', `The prices use more than one denom (${[...denoms].join(', ')}); a deployment is paid in one.`, {
      at: 'key',
      hint: 'Price every profile in the same denom: uact.',
    })
  }
}

export function checkManifest(model: SdlModel, groups: BuiltGroup[], issues: IssueSink): void {
  const hostnames = new Map<string, string>()
  let globalCount = 0
  for (const group of groups) {
    for (const svc of group.services) {
      const path: Path = ['services', svc.name]
      if (!SERVICE_NAME.test(svc.name)) {
        issues.error(path, 'bad-service-name', `The service name "${svc.name}" is not allowed.`, {
          at: 'key',
          hint: 'Service names are lowercase letters, digits and "-", starting with a letter and not ending with "-" (they become DNS names).',
        })
      }
      ;(svc.env ?? []).forEach((entry, i) => {
        const name = entry.split('=', 1)[0]
        const bad = !ENV_NAME.test(name) || name === '.' || name === '..' || name.startsWith('..')
        if (bad) {
          issues.error([...path, 'env', i], 'bad-env-name', `services.${svc.name}.env[${i}] sets the variable "${name}", which is not a valid name.`, {
            hint: 'Write each entry as NAME=value, where NAME uses letters, digits, "_", "-" or "." and does not start with a digit.',
          })
        }
      })
      const svcDef = model.services[svc.name]
      svcDef.expose.forEach((expose, ei) => {
        for (const to of expose.to) if (to.global) globalCount++
        ;(expose.accept ?? []).forEach((host, hi) => {
          const hp: Path = [...path, 'expose', ei, 'accept', hi]
          if (!isDns1123Subdomain(host)) {
            issues.error(hp, 'bad-hostname', `services.${svc.name} accepts the hostname "${host}", which is not a valid DNS name.`, {
              hint: 'Use a lowercase name like app.example.com (no scheme, port, path or wildcard).',
            })
            return
          }
          const other = hostnames.get(host)
          if (other !== undefined) {
            issues.error(hp, 'duplicate-hostname', `The hostname "${host}" is accepted twice (${other} and services.${svc.name}).`, {
              hint: 'Each hostname can route to one exposed port only.',
            })
            return
          }
          hostnames.set(host, `services.${svc.name}`)
        })
      })
    }
  }
  if (globalCount === 0) {
    issues.error(['services'], 'no-global-expose', 'No service exposes a port to the internet (to: [{global: true}]); Akash rejects such a deployment.', {
      at: 'key',
      hint: 'Expose at least one port globally, e.g. expose: [{port: 80, as: 80, to: [{global: true}]}].',
    })
  }
}

/** Kubernetes' IsDNS1123Subdomain, which the provider uses for accepted hostnames. */
export function isDns1123Subdomain(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host)
}
