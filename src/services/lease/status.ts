/** `edge status`: the deployment on chain, its leases, and what each provider says about them. */
import type {EdgeError} from '../../errors.js'
import {formatUsd, perHour, perMonth, toUsd} from '../../market/money.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {providerRegion} from '../deploy/candidates.js'
import {collectUris, summarizeServices, type ForwardedPortView} from '../deploy/status.js'
import type {DeployedService} from '../deploy/types.js'
import type {TenantContext} from './context.js'
import {providerClient} from './provider-client.js'
import {requireDeployment} from './lease.js'
import {type EscrowView, deploymentMoney} from './list.js'

export interface LeaseView {
  provider: string
  hostUri?: string
  region?: string
  gseq: number
  oseq: number
  bseq: number
  state: string
  closeReason?: string
  createdHeight: number
  usdPerHour?: string
  usdPerMonth?: string
  perBlock: bigint
  denom: string
  /** Provider-side status, or why it could not be read. */
  status?: LeaseStatus
  statusError?: {code: string; message: string}
}

export interface StatusResult {
  dseq: bigint
  owner: string
  network: string
  state: string
  hash: string
  createdHeight: number
  height: number
  groups: Array<{gseq: number; name: string; state: string}>
  escrowLeft?: EscrowView
  leases: LeaseView[]
  services: DeployedService[]
  uris: string[]
  forwardedPorts: ForwardedPortView[]
  ttlLeftMs?: number
  timeLeftMs?: number
  budgetUsd?: string
  spentUsd?: string
  labels: Record<string, string>
}

export async function deploymentStatus(ctx: TenantContext, dseq: bigint, signal?: AbortSignal): Promise<StatusResult> {
  const {market, network} = ctx
  const deployment = await requireDeployment(ctx, dseq)
  const [leases, block, aktUsd] = await Promise.all([market.leases({owner: ctx.owner, dseq}), market.latestBlock(), market.aktUsd()])
  const entry = ctx.ledger.get(network.name, ctx.owner, dseq)
  // Each lease's provider is asked in parallel: a slow or unreachable one does not hold up the rest.
  const views = await Promise.all(
    leases.map(async (lease): Promise<LeaseView> => {
      const info = await market.provider(lease.id.provider).catch(() => undefined)
      const region = providerRegion(info?.attributes)
      const usdH = toUsd(perHour(lease.price.amount, network.blockTimeMs), lease.price.denom, aktUsd)
      const usdM = toUsd(perMonth(lease.price.amount, network.blockTimeMs), lease.price.denom, aktUsd)
      const view: LeaseView = {
        provider: lease.id.provider,
        ...(info ? {hostUri: info.hostUri} : {}),
        ...(region ? {region} : {}),
        gseq: lease.id.gseq,
        oseq: lease.id.oseq,
        bseq: lease.id.bseq,
        state: lease.state,
        ...(lease.reason ? {closeReason: lease.reason} : {}),
        createdHeight: lease.createdAt,
        ...(usdH !== undefined ? {usdPerHour: formatUsd(usdH)} : {}),
        ...(usdM !== undefined ? {usdPerMonth: formatUsd(usdM)} : {}),
        perBlock: lease.price.amount,
        denom: lease.price.denom,
      }
      if (lease.state === 'active' && info && ctx.key) {
        try {
          view.status = await providerClient(ctx, info, dseq, entry?.services).leaseStatus(
            {owner: ctx.owner, provider: info.owner, dseq, gseq: lease.id.gseq, oseq: lease.id.oseq},
            signal,
          )
        } catch (error) {
          view.statusError = {code: (error as EdgeError).code ?? 'error', message: (error as Error).message}
        }
      }
      return view
    }),
  )
  const active = leases.filter((l) => l.state === 'active')
  const statuses = views.filter((v) => v.status).map((v) => v.status!)
  const {uris, forwardedPorts} = collectUris(statuses, views.filter((v) => v.status).map((v) => v.hostUri))
  const {escrowLeft: left, guards} = deploymentMoney({deployment, active, height: block.height, entry, network, aktUsd, now: Date.now()})
  // `edge ls` shows the ledger's URIs: keep them as the providers say now (a restarted provider may serve elsewhere).
  if (entry && statuses.length > 0 && statuses.length === active.length && JSON.stringify(entry.uris) !== JSON.stringify(uris)) {
    ctx.ledger.update(network.name, ctx.owner, dseq, {uris})
  }
  return {
    dseq,
    owner: ctx.owner,
    network: network.name,
    state: deployment.state,
    hash: Buffer.from(deployment.hash).toString('hex'),
    createdHeight: deployment.createdAt,
    height: block.height,
    groups: deployment.groups.map((g) => ({gseq: g.id.gseq, name: g.spec.name, state: g.state})),
    ...(left ? {escrowLeft: left} : {}),
    leases: views,
    services: summarizeServices(statuses),
    uris,
    forwardedPorts,
    ...(guards.ttlLeftMs !== undefined ? {ttlLeftMs: guards.ttlLeftMs} : {}),
    ...(deployment.state === 'active' && guards.timeLeftMs !== undefined ? {timeLeftMs: guards.timeLeftMs} : {}),
    ...(entry?.budgetUsd !== undefined ? {budgetUsd: formatUsd(entry.budgetUsd)} : {}),
    ...(guards.spentUsd !== undefined ? {spentUsd: formatUsd(guards.spentUsd)} : {}),
    labels: entry?.labels ?? {},
  }
}
