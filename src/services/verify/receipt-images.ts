/**
 * The images a receipt records: the services of the manifest the provider applies, each with the
 * digest the provider says its containers run (edge's providers report it in their lease status)
 * or, failing that, the digest the SDL pins. Where the two disagree the SDL's is kept and the
 * disagreement is said: a receipt must not silently vouch for either.
 */
import type {LeaseStatus} from '../../provider-client/types.js'
import type {ImageRecord} from '../../verify/receipt/index.js'

export interface ReceiptImages {
  images: ImageRecord[]
  /** Facts the provider did not give (read as "The receipt has no …"). */
  missing: string[]
  /** Facts that disagree: a pinned digest the provider says it does not run. */
  warnings: string[]
}

type Reported = NonNullable<NonNullable<LeaseStatus['edge']>['images']>[number]

const PINNED = /@(sha256:[0-9a-f]{64})$/i
const DIGEST = /^sha256:[0-9a-f]{64}$/i

/**
 * @param services the manifest's services (name and image reference as the SDL wrote it)
 * @param status the provider's lease status, or the error that reading it gave
 */
export function receiptImages(services: ReadonlyArray<{name: string; image: string}>, status: LeaseStatus | Error): ReceiptImages {
  const missing: string[] = []
  const warnings: string[] = []
  const pinnedOnly = (s: {name: string; image: string}): ImageRecord => {
    const pinned = PINNED.exec(s.image)
    return {service: s.name, image: s.image, ...(pinned ? {digest: pinned[1].toLowerCase(), digestSource: 'sdl' as const} : {})}
  }
  if (status instanceof Error) {
    missing.push(`image digests from the provider: its lease status did not answer (${status.message})`)
    return {images: services.map(pinnedOnly), missing, warnings}
  }
  const runtime = status.edge?.runtime
  if (runtime && !runtime.uses_images) {
    // Host processes: the image is not what runs, so no digest (not even a pinned one) describes it.
    missing.push('image digests: the provider runs host processes, not images (it ignores them)')
    return {images: services.map((s) => ({service: s.name, image: s.image, notRun: true})), missing, warnings}
  }
  const reportedAll = status.edge?.images
  if (!reportedAll) {
    missing.push('image digests from the provider: it does not report what its containers run (edge providers do)')
    return {images: services.map(pinnedOnly), missing, warnings}
  }
  const images = services.map((s) => {
    const record = pinnedOnly(s)
    const rows = reportedAll.filter((r): r is Reported & {digest: string} => r.service === s.name && typeof r.digest === 'string' && DIGEST.test(r.digest))
    if (rows.length === 0) {
      missing.push(`image digest of ${s.name} from the provider: it reports no running container of it`)
      return record
    }
    const row = rows.find((r) => r.digest.toLowerCase() === record.digest) ?? rows[0]
    const digest = row.digest.toLowerCase()
    const digestOf = row.digest_of === 'config' ? ('config' as const) : ('manifest' as const)
    const distinct = [...new Set(rows.map((r) => r.digest.toLowerCase()))]
    if (distinct.length > 1) warnings.push(`images: the provider reports that ${s.name} runs several images (${distinct.join(', ')}); the receipt records ${digest}`)
    if (!record.digest) return {...record, digest, digestSource: 'provider' as const, digestOf}
    if (digest === record.digest) return {...record, digestSource: 'provider' as const, digestOf}
    if (digestOf === 'config') {
      warnings.push(`images: the provider reports only the image id of ${s.name} (${digest}), which cannot be compared with the digest the SDL pins (${record.digest}); the receipt records the SDL's`)
      return record
    }
    warnings.push(`images: the SDL pins ${s.image} for ${s.name}, but the provider reports it runs ${digest}; the receipt records the SDL's digest and the provider's as providerDigest`)
    return {...record, providerDigest: digest}
  })
  return {images, missing, warnings}
}
