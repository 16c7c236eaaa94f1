/**
 * "Why no bids?" — run when the bid window closes without an acceptable bid. Every provider on
 * chain is checked against the order with the chain's own matching rules (market/matching.ts):
 * which constraint excluded how many providers, which providers matched but did not bid, which
 * bids the client-side filters dropped, and what to relax, with the number of providers each
 * relaxation would bring in.
 */
import {matchGroup, matchGroupFromSpec, type Mismatch, type MismatchKind} from '../../market/matching.js'
import type {Attribute, AuditedAttributes, GroupSpec, ProviderInfo} from '../../market/market.js'
import {formatUsd} from '../../market/money.js'
import type {Excluded} from './candidates.js'

export interface ProviderVerdict {
  provider: string
  hostUri?: string
  /** What kept it out, or `no_bid` when it matched and stayed silent, or `bid_excluded`. */
  outcome: MismatchKind | 'no_bid' | 'bid_excluded' | 'bid_accepted'
  detail: string
}

export interface ConstraintCount {
  constraint: string
  kind: MismatchKind | 'price_cap' | 'region' | 'hardware' | 'silent'
  providers: number
}

export interface Relaxation {
  /** What to change, as an instruction. */
  change: string
  /** How many more providers (or bids) that would admit. */
  gain: number
}

export interface NoBidDiagnosis {
  providersOnChain: number
  matched: number
  bids: number
  verdicts: ProviderVerdict[]
  constraints: ConstraintCount[]
  relax: Relaxation[]
  summary: string
}

export interface DiagnoseInput {
  specs: readonly GroupSpec[]
  providers: readonly ProviderInfo[]
  audits: ReadonlyMap<string, readonly AuditedAttributes[]>
  /** Providers that bid (any group). */
  bidders: ReadonlySet<string>
  /** Bids the client-side filters dropped. */
  excluded: readonly Excluded[]
  /** The order's price, USD/h × 10^18, to say whether silent providers may just be pricier. */
  orderUsdPerHour?: bigint
  maxUsdPerHour?: bigint
}

const fmt = (a: Attribute) => `${a.key}=${a.value}`

function constraintOf(m: Mismatch): string {
  switch (m.kind) {
    case 'attributes':
      return `placement attribute ${(m.unmet ?? []).map(fmt).join(', ')}`
    case 'signed_by':
      return `signedBy ${(m.auditors ?? []).join(', ')}${m.unmet?.length ? ` on ${m.unmet.map(fmt).join(', ')}` : ''}`
    case 'gpu':
      return `GPU ${(m.unmet ?? []).map((a) => a.key.replace(/^vendor\//, '')).join(' or ')}`
    case 'storage':
      return `storage ${(m.unmet ?? []).map(fmt).join(', ')}`
  }
}

function matchAll(specs: readonly GroupSpec[], provider: ProviderInfo, audits: ReadonlyMap<string, readonly AuditedAttributes[]>): Mismatch | undefined {
  for (const spec of specs) {
    const result = matchGroup(matchGroupFromSpec(spec), {attributes: provider.attributes, audited: audits.get(provider.owner) ?? []})
    if (!result.ok) return result.mismatches[0]
  }
  return undefined
}

/** The specs with one requirement removed, to count what dropping it would gain. */
function withoutAttribute(specs: readonly GroupSpec[], attr: Attribute): GroupSpec[] {
  return specs.map((s) => ({
    ...s,
    requirements: {...s.requirements, attributes: s.requirements.attributes.filter((a) => !(a.key === attr.key && a.value === attr.value))},
  }))
}

function withoutSignedBy(specs: readonly GroupSpec[]): GroupSpec[] {
  return specs.map((s) => ({...s, requirements: {...s.requirements, signedBy: {allOf: [], anyOf: []}}}))
}

function withoutGpuModel(specs: readonly GroupSpec[]): GroupSpec[] {
  return specs.map((s) => ({...s, resources: s.resources.map((r) => ({...r, gpu: {...r.gpu, attributes: []}}))}))
}

function withoutStorageAttributes(specs: readonly GroupSpec[]): GroupSpec[] {
  return specs.map((s) => ({...s, resources: s.resources.map((r) => ({...r, storage: r.storage.map((v) => ({...v, attributes: []}))}))}))
}

export function diagnoseNoBids(input: DiagnoseInput): NoBidDiagnosis {
  const verdicts: ProviderVerdict[] = []
  const counts = new Map<string, ConstraintCount>()
  const bump = (constraint: string, kind: ConstraintCount['kind']) => {
    const c = counts.get(constraint) ?? {constraint, kind, providers: 0}
    c.providers++
    counts.set(constraint, c)
  }
  const excludedBy = new Map(input.excluded.map((e) => [e.provider, e]))
  let matched = 0
  const isMatch = (specs: readonly GroupSpec[], p: ProviderInfo) => matchAll(specs, p, input.audits) === undefined

  for (const p of input.providers) {
    const mismatch = matchAll(input.specs, p, input.audits)
    if (mismatch) {
      verdicts.push({provider: p.owner, hostUri: p.hostUri, outcome: mismatch.kind, detail: mismatch.message})
      bump(constraintOf(mismatch), mismatch.kind)
      continue
    }
    matched++
    const excluded = excludedBy.get(p.owner)
    if (excluded) {
      verdicts.push({provider: p.owner, hostUri: p.hostUri, outcome: 'bid_excluded', detail: `bid, but ${excluded.detail}`})
      const label = excluded.reason === 'price' ? 'your --max-price' : excluded.reason === 'region' ? 'your --region' : excluded.reason === 'hardware' ? 'the requested GPU model' : 'reachability'
      bump(label, excluded.reason === 'price' ? 'price_cap' : excluded.reason === 'region' ? 'region' : 'hardware')
    } else if (input.bidders.has(p.owner)) {
      verdicts.push({provider: p.owner, hostUri: p.hostUri, outcome: 'bid_accepted', detail: 'bid'})
    } else {
      verdicts.push({
        provider: p.owner,
        hostUri: p.hostUri,
        outcome: 'no_bid',
        detail: 'matches every requirement but did not bid (offline, out of capacity, or its price is above the order price)',
      })
      bump('no bid from matching providers', 'silent')
    }
  }

  // Relaxations: what each change would admit.
  const relax: Relaxation[] = []
  const base = input.providers.filter((p) => isMatch(input.specs, p)).length
  const attrs = new Map<string, Attribute>()
  for (const s of input.specs) for (const a of s.requirements.attributes) attrs.set(fmt(a), a)
  for (const a of attrs.values()) {
    const gain = input.providers.filter((p) => isMatch(withoutAttribute(input.specs, a), p)).length - base
    if (gain > 0) relax.push({change: `drop the placement attribute ${fmt(a)} from the SDL`, gain})
  }
  if (input.specs.some((s) => s.requirements.signedBy.allOf.length + s.requirements.signedBy.anyOf.length > 0)) {
    const gain = input.providers.filter((p) => isMatch(withoutSignedBy(input.specs), p)).length - base
    if (gain > 0) relax.push({change: 'remove signedBy (accept unaudited providers)', gain})
  }
  if (input.specs.some((s) => s.resources.some((r) => r.gpu.units > 0n && r.gpu.attributes.length > 0))) {
    const gain = input.providers.filter((p) => isMatch(withoutGpuModel(input.specs), p)).length - base
    if (gain > 0) relax.push({change: 'accept any GPU model (drop `model:` from the GPU attributes)', gain})
  }
  if (input.specs.some((s) => s.resources.some((r) => r.storage.some((v) => v.attributes.length > 0)))) {
    const gain = input.providers.filter((p) => isMatch(withoutStorageAttributes(input.specs), p)).length - base
    if (gain > 0) relax.push({change: 'drop the storage class/persistence requirement', gain})
  }
  const priceExcluded = input.excluded.filter((e) => e.reason === 'price')
  if (priceExcluded.length > 0) {
    relax.push({change: `raise --max-price (${priceExcluded.map((e) => e.detail.replace(/^asks /, '').replace(/, above.*$/, '')).sort()[0]} is the lowest ask)`, gain: priceExcluded.length})
  }
  const regionExcluded = input.excluded.filter((e) => e.reason === 'region')
  if (regionExcluded.length > 0) relax.push({change: 'drop or change --region', gain: regionExcluded.length})
  const silent = verdicts.filter((v) => v.outcome === 'no_bid').length
  if (silent > 0) {
    const price = input.orderUsdPerHour !== undefined ? ` (the order offers at most ${formatUsd(input.orderUsdPerHour)}/h)` : ''
    relax.push({change: `raise the SDL price${price} or wait longer with --bid-timeout`, gain: silent})
  }
  relax.sort((a, b) => b.gain - a.gain)

  const constraints = [...counts.values()].sort((a, b) => b.providers - a.providers)
  const total = input.providers.length
  const parts = constraints.map((c) => `${c.constraint} excluded ${c.providers} of ${total}`)
  const summary =
    total === 0
      ? 'There are no providers on this network.'
      : `${total} provider${total === 1 ? '' : 's'} on chain, ${matched} match${matched === 1 ? 'es' : ''} the order, ${input.bidders.size} bid. ${parts.join('; ')}${parts.length ? '.' : ''}`
  return {providersOnChain: total, matched, bids: input.bidders.size, verdicts, constraints, relax, summary}
}
