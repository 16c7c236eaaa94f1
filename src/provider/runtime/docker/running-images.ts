import type Docker from 'dockerode'

import {normalizeImage} from '../manifest-read.js'
import type {ServiceImage} from '../types.js'

/**
 * What image each container of a lease actually runs, as the engine says: the container's image
 * id, and the image's repository digests. The digest reported is the manifest digest of the
 * service's repository (what `image@sha256:` pins) where the engine knows one; else the image id
 * (the digest of the image's config). A container's image never changes, so each container is
 * inspected once and the answer kept until the container is gone.
 */
export class RunningImages {
  /** Container id → what it runs, and the lease it belongs to (to forget it with the lease). */
  private readonly known = new Map<string, {lease: string; image: Omit<ServiceImage, 'service'>}>()

  constructor(private readonly docker: Pick<Docker, 'getContainer' | 'getImage'>) {}

  /**
   * The images of these containers (one row per service and digest, sorted by service). A
   * container the engine cannot inspect (removed meanwhile) is left out; it is asked again next time.
   */
  async of(lease: string, containers: ReadonlyArray<{id: string; service: string}>): Promise<ServiceImage[]> {
    const rows = await Promise.all(
      containers.map(async (c) => {
        const image = await this.image(lease, c.id).catch(() => undefined)
        return image ? {service: c.service, ...image} : undefined
      }),
    )
    // Containers of this lease that no longer exist are forgotten.
    const present = new Set(containers.map((c) => c.id))
    for (const [id, entry] of this.known) if (entry.lease === lease && !present.has(id)) this.known.delete(id)
    const seen = new Set<string>()
    const out: ServiceImage[] = []
    for (const row of rows) {
      if (!row) continue
      const key = `${row.service}\u0000${row.image}\u0000${row.digest ?? ''}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(row)
    }
    return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0))
  }

  /** Forgets every container of a lease (its teardown). */
  forgetLease(lease: string): void {
    for (const [id, entry] of this.known) if (entry.lease === lease) this.known.delete(id)
  }

  private async image(lease: string, containerId: string): Promise<Omit<ServiceImage, 'service'>> {
    const cached = this.known.get(containerId)
    if (cached) return cached.image
    const container = await this.docker.getContainer(containerId).inspect()
    const reference = container.Config?.Image ?? ''
    const imageId = container.Image
    let repoDigests: string[] = []
    try {
      repoDigests = (await this.docker.getImage(imageId).inspect()).RepoDigests ?? []
    } catch {
      // The image can be removed (forced) while a container still runs it: its id is still known.
    }
    const image = {image: reference, ...runningDigest(reference, imageId, repoDigests)}
    this.known.set(containerId, {lease, image})
    return image
  }
}

/**
 * The digest to report for an image run from `reference`: the repository digest that the reference
 * pins, else the one of the reference's repository, else the image id (a config digest).
 */
export function runningDigest(reference: string, imageId: string, repoDigests: readonly string[]): Pick<ServiceImage, 'digest' | 'digestOf'> {
  const wanted = normalizeImage(reference)
  const repository = repositoryOf(wanted)
  const digests = repoDigests.map((d) => normalizeImage(d)).filter((d) => /@sha256:[0-9a-f]{64}$/i.test(d))
  const chosen = digests.find((d) => d === wanted) ?? digests.find((d) => repositoryOf(d) === repository)
  if (chosen) return {digest: chosen.slice(chosen.indexOf('@') + 1).toLowerCase(), digestOf: 'manifest'}
  const id = /^(?:sha256:)?([0-9a-f]{64})$/i.exec(imageId)
  return id ? {digest: `sha256:${id[1].toLowerCase()}`, digestOf: 'config'} : {}
}

/** `docker.io/library/busybox:1.36` → `docker.io/library/busybox` (the tag and digest dropped). */
export function repositoryOf(reference: string): string {
  const name = reference.split('@')[0] ?? reference
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  return colon > slash ? name.slice(0, colon) : name
}
