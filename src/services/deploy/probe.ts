/** The probe phase: the TLS handshake time to every bidder, measured in parallel, for scoring. */
import type {Bid} from '../../market/market.js'
import type {LatencyResult} from '../../provider-client/probe.js'
import type {DeployEvent} from './events.js'
import type {RunState} from './state.js'
import {count} from '../../lib/plural.js'

export async function* probeBidders(run: RunState, bids: readonly Bid[]): AsyncGenerator<DeployEvent, Map<string, LatencyResult>> {
  const {clock, directory} = run
  const bidders = [...new Set(bids.map((b) => b.id.provider))]
  await directory.load(bidders)
  await directory.loadAudits(bidders)
  const hosts = bidders.map((p) => directory.get(p)?.hostUri).filter((h): h is string => Boolean(h))
  if (hosts.length === 0) {
    yield clock.step('probe', 'skipped', 'No bids to measure')
    return new Map()
  }
  yield clock.step('probe', 'started', `Measuring TLS handshake time to ${count(hosts.length, 'provider')}`)
  const {measureLatency} = await run.providerSide.probe()
  const latency = await measureLatency(hosts, {probe: run.ctx.probe})
  for (const p of bidders) {
    const info = directory.get(p)
    const l = info ? latency.get(info.hostUri) : undefined
    if (!info || !l) continue
    yield clock.event({
      type: 'latency',
      provider: p,
      hostUri: info.hostUri,
      ...(l.p50Ms !== undefined ? {p50Ms: l.p50Ms} : {}),
      ...(l.p95Ms !== undefined ? {p95Ms: l.p95Ms} : {}),
      ...(l.rttMs !== undefined ? {rttMs: l.rttMs} : {}),
      samples: l.samples,
      ...(l.error ? {error: l.error} : {}),
    })
  }
  yield clock.step('probe', 'succeeded', `Measured ${[...latency.values()].filter((l) => l.samples > 0).length} of ${hosts.length}`)
  return latency
}
