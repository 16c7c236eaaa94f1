/**
 * "Why no bids?" — run when the bid window closes without an acceptable bid. Every provider on
 * chain is checked against the order with the chain's own matching rules (protocol/matching.ts):
 * which constraint excluded how many providers, which providers matched but did not bid, which
 * bids the client-side filters dropped, and what to relax, with the number of providers each
 * relaxation would bring in.
 */
import {matchGroup, matchGroupFromSpec, type Mismatch, type MismatchKind} from '../../protocol/matching.js'
import type {Attribute, AuditedAttributes, GroupSpec, ProviderInfo} from '../../market/market.js'
import {formatUsd} from '../../protocol/money.js'
import type {Excluded} from './candidates.js'

export interface ProviderVerdict {
  provider: string
  hostUri?: string
  /**
   * What kept it out, or `no_bid` when it matched and stayed silent, `no_capacity` when it matched
   * but has not the free resources the order needs, or `bid_excluded`.
   */
  outcome: MismatchKind | 'no_bid' | 'no_capacity' | 'bid_excluded' | 'bid_accepted'
  detail: string
}

export interface ConstraintCount {
  constraint: string
  kind: MismatchKind | 'price_cap' | 'region' | 'hardware' | 'capacity' | 'silent'
  providers: number
}

/** What a provider says it has free (its `/status`), summed over its nodes. */
export interface FreeCapacity {
  provider: string
  cpuMillis: bigint
  memoryBytes: bigint
  storageBytes: bigint
  gpus: bigint
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
  /** Free resources of the providers that matched and did not bid, where they told (`/status`). */
  capacity?: readonly FreeCapacity[]
}

/** What the order asks in all (every group, units × count). */
export function orderNeeds(specs: readonly GroupSpec[]): Omit<FreeCapacity, 'provider'> {
  const need = {cpuMillis: 0n, memoryBytes: 0n, storageBytes: 0n, gpus: 0n}
  for (const spec of specs) {
    for (const r of spec.resources) {
      const n = BigInt(r.count)
      need.cpuMillis += r.cpuMillis * n
      need.memoryBytes += r.memoryBytes * n
      // Persistent volumes come from storage classes, not the ephemeral disk a provider's status counts.
      need.storageBytes += r.storage.filter((v) => !v.attributes.some((a) => a.key === 'persistent' && a.value === 'true')).reduce((sum, v) => sum + v.bytes, 0n) * n
      need.gpus += r.gpu.units * n
    }
  }
  return need
}

const RESOURCES = [
  {key: 'cpuMillis', text: (v: bigint) => `${formatCores(v)} CPU`},
  {key: 'memoryBytes', text: (v: bigint) => `${formatBytes(v)} memory`},
  {key: 'storageBytes', text: (v: bigint) => `${formatBytes(v)} storage`},
  {key: 'gpus', text: (v: bigint) => `${v} GPU${v === 1n ? '' : 's'}`},
] as const

function formatCores(millis: bigint): string {
  return millis % 1000n === 0n ? String(millis / 1000n) : (Number(millis) / 1000).toString()
}

function formatBytes(bytes: bigint): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti']
  let value = Number(bytes)
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${units[i]}${i === 0 ? ' bytes' : ''}`
}

/**
 * The resources that no provider has enough of, as "needs 100 CPU; the largest provider has 2 CPU
 * free" (the largest offer of each resource across the providers that told).
 */
export function capacityShortfall(need: Omit<FreeCapacity, 'provider'>, free: readonly FreeCapacity[]): string[] {
  if (free.length === 0) return []
  const out: string[] = []
  for (const r of RESOURCES) {
    const wanted = need[r.key]
    if (wanted <= 0n) continue
    const best = free.reduce((max, f) => (f[r.key] > max ? f[r.key] : max), 0n)
    if (best < wanted) out.push(`needs ${r.text(wanted)}; the largest provider has ${r.text(best)} free`)
  }
  return out
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
  const need = orderNeeds(input.specs)
  const freeOf = new Map((input.capacity ?? []).map((c) => [c.provider, c]))

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
      const free = freeOf.get(p.owner)
      const short = free ? capacityShortfall(need, [free]) : []
      if (short.length > 0) {
        verdicts.push({provider: p.owner, hostUri: p.hostUri, outcome: 'no_capacity', detail: `matches every requirement but has not the capacity: the order ${short.join('; ').replace('the largest provider has', 'it has')}`})
        bump('free capacity', 'capacity')
        continue
      }
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
  // No provider that told its free resources has what the order needs: say which, first.
  const tooSmall = verdicts.filter((v) => v.outcome === 'no_capacity')
  const shortfall = tooSmall.length > 0 ? capacityShortfall(need, tooSmall.map((v) => freeOf.get(v.provider)!)) : []
  if (shortfall.length > 0) relax.push({change: `ask for less in the SDL's resources (the order ${shortfall.join('; ')})`, gain: tooSmall.length})
  const silent = verdicts.filter((v) => v.outcome === 'no_bid').length
  if (silent > 0) {
    const price = input.orderUsdPerHour !== undefined ? ` (the order offers at most ${formatUsd(input.orderUsdPerHour)}/h)` : ''
    relax.push({change: `raise the SDL price${price} or wait longer with --bid-timeout`, gain: silent})
  }
  relax.sort((a, b) => b.gain - a.gain)

  const constraints = [...counts.values()].sort((a, b) => b.providers - a.providers)
  const total = input.providers.length
  const parts = constraints.map((c) => `${c.constraint} excluded ${c.providers} of ${total}`)
  const capacityText = shortfall.length > 0 && tooSmall.length === matched - input.bidders.size ? ` No matching provider has the capacity: the order ${shortfall.join('; ')}.` : ''
  const summary =
    total === 0
      ? 'There are no providers on this network.'
      : `${total} provider${total === 1 ? '' : 's'} on chain, ${matched} match${matched === 1 ? 'es' : ''} the order, ${input.bidders.size} bid.${parts.length ? ` ${capitalize(parts.join('; '))}.` : ''}${capacityText}`
  return {providersOnChain: total, matched, bids: input.bidders.size, verdicts, constraints, relax, summary}
}

/** A sentence starts with a capital ("your --max-price excluded…" follows a full stop). */
function capitalize(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

/**
 * Free resources from a provider's `GET /status` (Akash's shape: `cluster.inventory.available.nodes[].available`
 * with CPU in millicores), summed over its nodes; undefined when it does not say.
 */
export function freeCapacityOf(provider: string, status: unknown): FreeCapacity | undefined {
  const nodes = (status as {cluster?: {inventory?: {available?: {nodes?: unknown}}}})?.cluster?.inventory?.available?.nodes
  if (!Array.isArray(nodes) || nodes.length === 0) return undefined
  const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? BigInt(Math.floor(v)) : typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : 0n)
  const free = {provider, cpuMillis: 0n, memoryBytes: 0n, storageBytes: 0n, gpus: 0n}
  for (const node of nodes) {
    const a = (node as {available?: Record<string, unknown>})?.available ?? {}
    free.cpuMillis += int(a.cpu)
    free.memoryBytes += int(a.memory)
    free.storageBytes += int(a.storage_ephemeral)
    free.gpus += int(a.gpu)
  }
  return free
}
