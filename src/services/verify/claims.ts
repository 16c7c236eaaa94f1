/**
 * What each service of a lease pays for, per replica: the resources come from the chain (the order
 * the tenant signed), never from the provider; the provider's manifest only says which resource
 * unit a service uses (`resources.id`, as Akash's manifests carry it) and where its volumes mount.
 */
import type {Attribute, Deployment} from '../../market/market.js'
import type {ManifestGroup, ManifestService} from '../../provider/runtime/manifest-types.js'
import {type LeaseClaim, claimFromResources, resourcesFromManifest} from '../../verify/probe/claim.js'

export interface ServiceClaim {
  service: string
  image: string
  replicas: number
  claim: LeaseClaim
  /** `chain`: the order's resource unit; `manifest`: no unit matched, so the provider's manifest (weaker). */
  source: 'chain' | 'manifest'
  /** The order asks for a TEE (`tee/*` placement attributes). */
  teeRequested: boolean
  /** The order asks for confidential GPUs too (`tee/type: cpu-gpu`): only then must the quote carry GPU evidence. */
  teeGpu: boolean
}

export function serviceClaims(deployment: Deployment, gseq: number, manifest: unknown, providerAttributes: readonly Attribute[]): ServiceClaim[] {
  const group = deployment.groups.find((g) => g.id.gseq === gseq)
  const units = group?.spec.resources ?? []
  const teeRequested = (group?.spec.requirements.attributes ?? []).some((a) => a.key.startsWith('tee/'))
  const teeGpu = (group?.spec.requirements.attributes ?? []).some((a) => a.key === 'tee/type' && a.value === 'cpu-gpu')
  const services = manifestServices(manifest, group?.spec.name)
  return services.map((s) => {
    const mounts = Object.fromEntries((s.params?.storage ?? []).map((p) => [p.name, p.mount]))
    const unit = s.resources.id !== undefined ? units.find((u) => u.id === s.resources.id) : units.length === 1 ? units[0] : undefined
    const resources = unit ?? resourcesFromManifest({
      cpu: {units: {val: String(s.resources.cpu.units.val)}},
      memory: {size: {val: String(s.resources.memory.size.val)}},
      storage: (s.resources.storage ?? []).map((x) => ({name: x.name, size: {val: String(x.size.val)}, attributes: x.attributes ?? []})),
      gpu: {units: {val: String(s.resources.gpu?.units.val ?? 0)}, attributes: s.resources.gpu?.attributes ?? []},
    })
    return {
      service: s.name,
      image: s.image,
      replicas: s.count,
      claim: claimFromResources(resources, {providerAttributes, mounts}),
      source: unit ? 'chain' : 'manifest',
      teeRequested,
      teeGpu,
    }
  })
}

/**
 * How many GPUs the attestation quote must carry evidence for: the GPUs of every replica, when the
 * order asks for confidential GPUs. A `tee/type: cpu` lease (or no TEE) may have GPUs outside the
 * TEE, which no quote covers.
 */
export function confidentialGpus(claims: readonly ServiceClaim[]): number | undefined {
  return claims.reduce((n, c) => n + (c.teeGpu ? c.claim.gpu.units * c.replicas : 0), 0) || undefined
}

/** The provider answers `GET …/manifest` with `[group]`; older ones with the group itself. */
export function manifestServices(manifest: unknown, groupName?: string): ManifestService[] {
  const groups = (Array.isArray(manifest) ? manifest : [manifest]) as ManifestGroup[]
  const group = groups.find((g) => g && g.name === groupName) ?? groups.find((g) => g && Array.isArray(g.services))
  return group?.services ?? []
}
