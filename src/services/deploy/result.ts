/** The run's result: what `edge deploy --json` prints (the ready deployment, or a dry run's plan). */
import type {Lease} from '../../market/market.js'
import {formatCoin, formatPerBlock, formatUsd, perHour, perMonth} from '../../protocol/money.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {usdEntry} from '../usd.js'
import {providerRegion} from './candidates.js'
import type {DeployPlan} from './plan.js'
import type {PlanState, RunState} from './state.js'
import {collectUris, leaseKey, summarizeServices} from './status.js'
import {leasedTtl, plannedTtl} from './ttl-view.js'
import type {DeployLease, DeployResult} from './types.js'

/** A dry run's result: the order's price at most, the deposit, and the providers that match it. */
export function dryRunResult(state: PlanState, plan: DeployPlan): DeployResult {
  const {clock, forecast: f, pricing} = state
  clock.timings.total = clock.now() - state.startedAt
  const usd = (value: bigint | undefined) => (value !== undefined ? formatUsd(value) : pricing.missing(f.denom) ? null : undefined)
  return {
    dseq: 0n,
    owner: state.owner,
    network: state.network,
    state: 'dry-run',
    reused: false,
    leases: [],
    price: {
      perBlock: formatPerBlock(f.maxPerBlock, f.denom),
      denom: f.denom,
      ...usdEntry('usdPerHour', usd(f.maxUsdPerHour)),
      ...usdEntry('usdPerMonth', usd(f.maxUsdPerMonth)),
    },
    deposit: {amount: f.deposit.amount, denom: f.deposit.denom, display: formatCoin(f.deposit.amount, f.deposit.denom)},
    services: state.services.map((name) => ({name, ready: 0, total: 0, uris: []})),
    uris: [],
    forwardedPorts: [],
    hash: state.sdlHash,
    labels: state.input.labels,
    ...(f.ttl ? {ttl: plannedTtl(f.ttl)} : {}),
    blocks: state.blocks,
    timings: clock.timings,
    // The country is for allowlists (edge mcp); the dry run's result lists what it always has.
    matchingProviders: (plan.candidates ?? []).map(({country: _country, ...c}) => c),
    ...(plan.screening ? {screening: plan.screening} : {}),
  }
}

/** The ready deployment: leases, prices, where the services answer, and the run's blocks and timings. */
export function readyResult(run: RunState, leases: Lease[], statuses: Map<string, LeaseStatus>, reused: boolean): DeployResult {
  const {ctx, clock, forecast: f, pricing, directory} = run
  const {network, ledger} = ctx
  const dseq = run.dseq!
  clock.timings.total = clock.now() - run.startedAt
  // Statuses in lease order, so each one's forwarded ports fall back to its own provider's host.
  const answered = leases.filter((l) => statuses.has(leaseKey(l)))
  const allStatuses = answered.map((l) => statuses.get(leaseKey(l))!)
  const {uris, forwardedPorts} = collectUris(allStatuses, answered.map((l) => directory.get(l.id.provider)?.hostUri))
  const leaseViews: DeployLease[] = leases.map((l) => {
    const info = directory.get(l.id.provider)
    const region = providerRegion(info?.attributes)
    const runtime = run.runtimes.get(l.id.provider)
    return {
      provider: l.id.provider,
      hostUri: info?.hostUri ?? '',
      ...(region ? {region} : {}),
      gseq: l.id.gseq,
      oseq: l.id.oseq,
      bseq: l.id.bseq,
      perBlock: formatPerBlock(l.price.amount, l.price.denom),
      denom: l.price.denom,
      ...usdEntry('usdPerHour', pricing.format(perHour(l.price.amount, network.blockTimeMs), l.price.denom)),
      ...usdEntry('usdPerMonth', pricing.format(perMonth(l.price.amount, network.blockTimeMs), l.price.denom)),
      ...(runtime ? {runtime} : {}),
    }
  })
  const totalPerBlock = leases.reduce((s, l) => s + l.price.amount, 0n)
  const denom = leases[0]?.price.denom ?? f.denom
  const usdH = pricing.format(perHour(totalPerBlock, network.blockTimeMs), denom)
  const usdM = pricing.format(perMonth(totalPerBlock, network.blockTimeMs), denom)
  ledger.update(run.network, run.owner, dseq, {state: 'ready', uris})
  const entry = ledger.get(run.network, run.owner, dseq)
  const deposit = {amount: entry?.deposit ?? f.deposit.amount, denom: entry?.depositDenom ?? f.deposit.denom}
  return {
    dseq,
    owner: run.owner,
    network: run.network,
    state: 'ready',
    reused,
    leases: leaseViews,
    price: {perBlock: formatPerBlock(totalPerBlock, denom), denom, ...usdEntry('usdPerHour', usdH), ...usdEntry('usdPerMonth', usdM)},
    deposit: {...deposit, display: formatCoin(deposit.amount, deposit.denom)},
    services: summarizeServices(allStatuses),
    uris,
    forwardedPorts,
    hash: run.sdlHash,
    ...(entry?.idempotencyKey ? {idempotencyKey: entry.idempotencyKey} : {}),
    labels: entry?.labels ?? run.input.labels,
    ...(entry?.expiresAt ? {expiresAt: new Date(entry.expiresAt).toISOString()} : {}),
    ...(f.ttl && !reused ? {ttl: leasedTtl(f.ttl, deposit.amount, totalPerBlock, network.blockTimeMs)} : {}),
    ...(entry?.budgetUsd !== undefined ? {budgetUsd: formatUsd(entry.budgetUsd)} : {}),
    ...(run.explanation ? {explanation: run.explanation} : {}),
    blocks: run.blocks,
    timings: clock.timings,
  }
}
