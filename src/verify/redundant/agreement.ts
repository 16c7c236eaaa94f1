/**
 * Redundant execution: the same deterministic job on n distinct providers, and whether their output
 * hashes agree (k of n). A provider that skips the work, or runs something else, returns a hash
 * the others do not; it cannot know what the others returned. This only means something for jobs
 * whose output is bit-for-bit reproducible (design §A4: LLM inference usually is not).
 */
import {type VerifyCheck, failCheck, passCheck, plural, skipCheck, warnCheck} from '../check.js'

export interface ProviderOutput {
  provider: string
  /** SHA-256 of the declared output, hex (a `sha256:` prefix and upper case are accepted). */
  hash?: string
  /** Why there is no hash (the job failed, the output was missing, the provider was unreachable). */
  error?: string
}

export type AgreementStatus = 'unanimous' | 'quorum' | 'no-quorum'

export interface AgreementReport {
  /** Distinct providers asked. */
  n: number
  /** How many must return the same hash. */
  k: number
  status: AgreementStatus
  /** The hash at least k providers returned, if one did. */
  majority?: string
  agreeing: string[]
  /** Providers whose hash differs from the majority (or, without one, from every larger group). */
  disagreeing: Array<{provider: string; hash: string}>
  missing: Array<{provider: string; error: string}>
  /** Every distinct hash with the providers that returned it, largest group first. */
  groups: Array<{hash: string; providers: string[]}>
}

export function normalizeHash(hash: string): string {
  return hash.trim().toLowerCase().replace(/^sha256:/, '')
}

/**
 * @param outputs one entry per provider; a provider listed twice counts once (its first entry), since
 *   redundancy needs distinct parties.
 * @param options.k providers that must agree; default a strict majority of n.
 */
export function agreement(outputs: readonly ProviderOutput[], options: {k?: number} = {}): AgreementReport {
  const seen = new Set<string>()
  const distinct = outputs.filter((o) => (seen.has(o.provider) ? false : (seen.add(o.provider), true)))
  const n = distinct.length
  const k = Math.max(1, Math.min(n, options.k ?? Math.floor(n / 2) + 1))
  const byHash = new Map<string, string[]>()
  const missing: AgreementReport['missing'] = []
  for (const o of distinct) {
    if (!o.hash) {
      missing.push({provider: o.provider, error: o.error ?? 'no output hash'})
      continue
    }
    const h = normalizeHash(o.hash)
    byHash.set(h, [...(byHash.get(h) ?? []), o.provider])
  }
  const groups = [...byHash.entries()].map(([hash, providers]) => ({hash, providers})).sort((a, b) => b.providers.length - a.providers.length || (a.hash < b.hash ? -1 : 1))
  const top = groups[0]
  const unique = top !== undefined && (groups.length === 1 || groups[1].providers.length < top.providers.length)
  const majority = unique && top.providers.length >= k ? top.hash : undefined
  const disagreeing = groups.filter((g) => (majority ? g.hash !== majority : g !== top || !unique)).flatMap((g) => g.providers.map((provider) => ({provider, hash: g.hash})))
  const status: AgreementStatus = !majority ? 'no-quorum' : top.providers.length === n ? 'unanimous' : 'quorum'
  return {n, k, status, ...(majority ? {majority} : {}), agreeing: majority ? top.providers : [], disagreeing, missing, groups}
}

const short = (hash: string) => `sha256:${hash.slice(0, 12)}…`

/** The report as one check for `edge deploy --redundant` and receipts. */
export function agreementCheck(r: AgreementReport): VerifyCheck {
  const evidence: Record<string, string> = {n: String(r.n), k: String(r.k), status: r.status}
  if (r.majority) evidence.majority = r.majority
  for (const g of r.groups) for (const p of g.providers) evidence[p] = g.hash
  for (const m of r.missing) evidence[m.provider] = `missing: ${m.error}`
  if (r.n === 0) return skipCheck('redundant.agreement', 'no provider ran the job', evidence)
  const dissent = r.disagreeing.map((d) => `${d.provider} returned ${short(d.hash)}`)
  const absent = r.missing.map((m) => `${m.provider} returned nothing (${m.error})`)
  if (r.status === 'unanimous') return passCheck('redundant.agreement', `all ${plural(r.n, 'provider')} returned ${short(r.majority!)}`, evidence)
  if (r.status === 'quorum') {
    return warnCheck('redundant.agreement', `${r.agreeing.length} of ${r.n} providers agree on ${short(r.majority!)} (${r.k} needed); ${[...dissent, ...absent].join('; ')}`, evidence)
  }
  const best = r.groups[0] ? `at most ${r.groups[0].providers.length} agree` : 'none returned a hash'
  return failCheck('redundant.agreement', `no ${r.k} of ${r.n} providers agree (${best}): ${[...dissent, ...absent].join('; ')}`, evidence)
}
