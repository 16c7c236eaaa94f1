/** `edge providers`: search the chain's providers; measure them; show one in detail. */
import {UsageError} from '../../errors.js'
import {capabilityMap} from '../../protocol/matching.js'
import type {AuditedAttributes, Market, ProviderInfo} from '../../market/market.js'
import {ProviderClient} from '../../provider-client/client.js'
import {measureLatency, type HandshakeProbe, type LatencyResult} from '../../provider-client/probe.js'
import type {ProviderStatusJson} from '../../provider-client/types.js'
import {providerRegion, regionMatches} from '../deploy/candidates.js'

export interface ProviderRow {
  address: string
  hostUri: string
  region?: string
  gpus: string[]
  audited: boolean
  auditors: string[]
  latency?: LatencyResult
  attributes: Array<{key: string; value: string}>
}

export function gpuModels(attributes: ReadonlyArray<{key: string; value: string}>): string[] {
  const models = capabilityMap(attributes, 'gpu')
    .map((a) => /(?:^|\/)model\/([^/]+)/.exec(a.key)?.[1])
    .filter((m): m is string => Boolean(m))
  return [...new Set(models)].sort()
}

export interface ProviderSearch {
  region?: string
  gpu?: string
  probe?: boolean
  prober?: HandshakeProbe
}

export async function searchProviders(market: Market, search: ProviderSearch): Promise<ProviderRow[]> {
  const all = await market.providers()
  const filtered = all.filter((p) => {
    if (search.region && !regionMatches(providerRegion(p.attributes), search.region)) return false
    if (search.gpu && !gpuModels(p.attributes).some((m) => m.toLowerCase() === search.gpu!.toLowerCase())) return false
    return true
  })
  const audits = new Map<string, AuditedAttributes[]>()
  await Promise.all(filtered.map(async (p) => audits.set(p.owner, await market.auditedAttributes(p.owner).catch(() => []))))
  const latency = search.probe ? await measureLatency(filtered.map((p) => p.hostUri), search.prober ? {probe: search.prober} : {}) : new Map<string, LatencyResult>()
  const rows = filtered.map((p) => row(p, audits.get(p.owner) ?? [], latency.get(p.hostUri)))
  // Measured ones first, fastest first; then by address.
  return rows.sort((a, b) => (a.latency?.p50Ms ?? Infinity) - (b.latency?.p50Ms ?? Infinity) || a.address.localeCompare(b.address))
}

function row(p: ProviderInfo, audits: AuditedAttributes[], latency?: LatencyResult): ProviderRow {
  const region = providerRegion(p.attributes)
  return {
    address: p.owner,
    hostUri: p.hostUri,
    ...(region ? {region} : {}),
    gpus: gpuModels(p.attributes),
    audited: audits.length > 0,
    auditors: [...new Set(audits.map((a) => a.auditor))],
    ...(latency ? {latency} : {}),
    attributes: p.attributes,
  }
}

export interface ProviderDetail extends ProviderRow {
  email?: string
  website?: string
  audits: Array<{auditor: string; attributes: Array<{key: string; value: string}>}>
  certificates: Array<{serial: string; state: string}>
  /** The provider's own /status, read over verified TLS. */
  status?: ProviderStatusJson
  statusError?: string
  tls?: {mode: string; serial: string; validTo: string}
}

export async function showProvider(market: Market, address: string, options: {probe?: boolean; prober?: HandshakeProbe} = {}): Promise<ProviderDetail> {
  const info = await market.provider(address)
  if (!info) {
    throw new UsageError(`There is no provider ${address} on ${market.network.name}.`, {code: 'provider_not_found', hint: 'List providers with `edge providers`.'})
  }
  const [audits, certificates] = await Promise.all([market.auditedAttributes(address).catch(() => []), market.certificates(address).catch(() => [])])
  const latency = options.probe === false ? undefined : (await measureLatency([info.hostUri], options.prober ? {probe: options.prober} : {})).get(info.hostUri)
  const detail: ProviderDetail = {
    ...row(info, audits, latency),
    ...(info.email ? {email: info.email} : {}),
    ...(info.website ? {website: info.website} : {}),
    audits: audits.map((a) => ({auditor: a.auditor, attributes: a.attributes})),
    certificates: certificates.map((c) => ({serial: c.serial, state: c.state})),
  }
  const client = new ProviderClient({provider: address, hostUri: info.hostUri, certificates: market, token: () => '', timeoutMs: 5000})
  try {
    const trusted = await client.endpoint()
    detail.tls = {mode: trusted.mode, serial: trusted.serial, validTo: trusted.validTo}
    detail.status = await client.status()
  } catch (error) {
    detail.statusError = (error as Error).message
  }
  return detail
}
