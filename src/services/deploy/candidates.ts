/**
 * From raw bids to scored candidates: provider facts (region, audit), measured latency, the
 * hardware the offer names, and the client-side filters (price cap, region) with the reason each
 * excluded bid was dropped.
 */
import {globMatch} from '../../protocol/matching.js'
import type {Attribute, AuditedAttributes, Bid, GroupSpec, ProviderInfo} from '../../market/market.js'
import {formatUsd} from '../../protocol/money.js'
import type {LatencyResult} from '../../provider-client/probe.js'
import {type BidCandidate, type HardwareMatch, bidPerHour} from './scoring.js'

const REGION_KEYS = ['region', 'location-region', 'region-code', 'location/region']

export function providerRegion(attributes: readonly Attribute[] | undefined): string | undefined {
  for (const key of REGION_KEYS) {
    const found = attributes?.find((a) => a.key === key)
    if (found) return found.value
  }
  return undefined
}

const COUNTRY_KEYS = ['country', 'location-country', 'country-code', 'location/country']

export function providerCountry(attributes: readonly Attribute[] | undefined): string | undefined {
  for (const key of COUNTRY_KEYS) {
    const found = attributes?.find((a) => a.key === key)
    if (found) return found.value
  }
  return undefined
}

/** `--region us-west` matches "us-west", "us-west-1" and "US-WEST". */
export function regionMatches(region: string | undefined, wanted: string): boolean {
  if (!region) return false
  const r = region.toLowerCase()
  const w = wanted.toLowerCase()
  return r === w || r.startsWith(w + '-') || globMatch(w, r)
}

const modelOf = (key: string) => /model\/([^/]+)/.exec(key)?.[1]

/** Does the offer's GPU match what the group asked for? */
export function hardwareMatch(spec: GroupSpec | undefined, bid: Bid): {hardware: HardwareMatch; gpus: string[]} {
  const requested = (spec?.resources ?? []).filter((r) => r.gpu.units > 0n)
  if (requested.length === 0) return {hardware: 'n/a', gpus: []}
  const wantedKeys = requested.flatMap((r) => r.gpu.attributes.map((a) => a.key))
  const offered = bid.resourcesOffer.flatMap((o) => o.resources.gpu.attributes.map((a) => a.key))
  const gpus = [...new Set(offered.map(modelOf).filter((m): m is string => Boolean(m)))]
  if (offered.length === 0) return {hardware: 'unverified', gpus}
  if (wantedKeys.length === 0) return {hardware: 'match', gpus}
  const ok = offered.some((key) => wantedKeys.some((want) => globMatch(want, key)))
  return {hardware: ok ? 'match' : 'mismatch', gpus}
}

export interface CandidateInputs {
  bids: readonly Bid[]
  providers: ReadonlyMap<string, ProviderInfo>
  audits: ReadonlyMap<string, readonly AuditedAttributes[]>
  latency: ReadonlyMap<string, LatencyResult>
  specs: ReadonlyMap<number, GroupSpec>
  blockTimeMs: number
  aktUsd?: bigint
}

export function buildCandidates(inputs: CandidateInputs): BidCandidate[] {
  return inputs.bids.map((bid) => {
    const provider = inputs.providers.get(bid.id.provider)
    const {perHour, usdPerHour} = bidPerHour(bid, inputs.blockTimeMs, inputs.aktUsd)
    const {hardware, gpus} = hardwareMatch(inputs.specs.get(bid.id.gseq), bid)
    const latency = provider ? inputs.latency.get(provider.hostUri) : undefined
    const region = providerRegion(provider?.attributes)
    return {
      bid,
      ...(provider ? {provider} : {}),
      ...(region ? {region} : {}),
      perHour,
      ...(usdPerHour === undefined ? {} : {usdPerHour}),
      ...(latency ? {latency} : {}),
      auditors: [...new Set((inputs.audits.get(bid.id.provider) ?? []).map((a) => a.auditor))],
      hardware,
      gpus,
    }
  })
}

export interface Filters {
  /** USD per hour × 10^18 for the whole deployment. */
  maxUsdPerHour?: bigint
  region?: string
}

export interface Excluded {
  provider: string
  reason: 'price' | 'region' | 'hardware' | 'unreachable'
  detail: string
}

/** Applies the client-side filters; the chain already enforced attributes, audits and the order price. */
export function applyFilters(candidates: readonly BidCandidate[], filters: Filters): {kept: BidCandidate[]; excluded: Excluded[]} {
  const kept: BidCandidate[] = []
  const excluded: Excluded[] = []
  for (const c of candidates) {
    const provider = c.bid.id.provider
    if (c.hardware === 'mismatch') {
      excluded.push({provider, reason: 'hardware', detail: `offers GPU ${c.gpus.join(', ') || '?'}, not the requested model`})
    } else if (filters.maxUsdPerHour !== undefined && c.usdPerHour !== undefined && c.usdPerHour > filters.maxUsdPerHour) {
      excluded.push({provider, reason: 'price', detail: `asks ${formatUsd(c.usdPerHour)}/h, above --max-price ${formatUsd(filters.maxUsdPerHour)}/h`})
    } else if (filters.region && !regionMatches(c.region, filters.region)) {
      excluded.push({provider, reason: 'region', detail: `is in region ${c.region ?? '(none declared)'}, not ${filters.region}`})
    } else {
      kept.push(c)
    }
  }
  return {kept, excluded}
}
