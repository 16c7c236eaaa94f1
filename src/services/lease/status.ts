/** `edge status`: the deployment on chain, its leases, and what each provider says about them. */
import type {EdgeError} from '../../errors.js'
import {isLeaseLive} from '../../market/market.js'
import {formatPerBlock, formatUsd, perHour, perMonth} from '../../protocol/money.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {providerRegion} from '../deploy/candidates.js'
import {collectUris, summarizeServices, type ForwardedPortView} from '../deploy/status.js'
import type {DeployedService} from '../deploy/types.js'
import {UsdPricing, usdEntry} from '../usd.js'
import type {TenantContext} from './context.js'
import {providerClient} from './provider-client.js'
import {requireDeployment} from './lease.js'
import {type EscrowView, deploymentMoney} from './list.js'
import {type ReclamationView, reclamationView} from './reclamation.js'
import type {PerBlockText} from '../../protocol/json-fields.js'

export interface LeaseView {
  provider: string
  hostUri?: string
  region?: string
  gseq: number
  oseq: number
  bseq: number
  /** `active`, `reclaiming` (the provider takes its resources back, see `reclamation`), `closed`, … */
  state: string
  closeReason?: string
  /** The lease's reclamation (AEP-82): its window and, once started, deadline and reason. */
  reclamation?: ReclamationView
  createdHeight: number
  /** null: priced in AKT with no AKT price from the chain (the command warns). */
  usdPerHour?: string | null
  usdPerMonth?: string | null
  perBlock: PerBlockText
  /** The same price as the chain stores it: base denom × 10^18 per block (an integer). */
  perBlockScaled: bigint
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
  spentUsd?: string | null
  labels: Record<string, string>
}

export async function deploymentStatus(ctx: TenantContext, dseq: bigint, signal?: AbortSignal): Promise<StatusResult> {
  const {market, network} = ctx
  const deployment = await requireDeployment(ctx, dseq)
  const [leases, block, aktPrice] = await Promise.all([market.leases({owner: ctx.owner, dseq}), market.latestBlock(), market.aktPrice()])
  const pricing = new UsdPricing(aktPrice, ctx.warn)
  const entry = ctx.ledger.get(network.name, ctx.owner, dseq)
  const now = Date.now()
  // Each lease's provider is asked in parallel: a slow or unreachable one does not hold up the rest.
  const views = await Promise.all(
    leases.map(async (lease): Promise<LeaseView> => {
      const info = await market.provider(lease.id.provider).catch(() => undefined)
      const region = providerRegion(info?.attributes)
      const usdH = pricing.format(perHour(lease.price.amount, network.blockTimeMs), lease.price.denom)
      const usdM = pricing.format(perMonth(lease.price.amount, network.blockTimeMs), lease.price.denom)
      const reclamation = reclamationView(lease, now)
      const view: LeaseView = {
        provider: lease.id.provider,
        ...(info ? {hostUri: info.hostUri} : {}),
        ...(region ? {region} : {}),
        gseq: lease.id.gseq,
        oseq: lease.id.oseq,
        bseq: lease.id.bseq,
        state: lease.state,
        ...(lease.reason ? {closeReason: lease.reason} : {}),
        ...(reclamation ? {reclamation} : {}),
        createdHeight: lease.createdAt,
        ...usdEntry('usdPerHour', usdH),
        ...usdEntry('usdPerMonth', usdM),
        perBlock: formatPerBlock(lease.price.amount, lease.price.denom),
        perBlockScaled: lease.price.amount,
        denom: lease.price.denom,
      }
      if (isLeaseLive(lease) && info && ctx.key) {
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
  const active = leases.filter(isLeaseLive)
  const statuses = views.filter((v) => v.status).map((v) => v.status!)
  const {uris, forwardedPorts} = collectUris(statuses, views.filter((v) => v.status).map((v) => v.hostUri))
  const {escrowLeft: left, denom, guards} = deploymentMoney({deployment, active, height: block.height, entry, network, pricing, now})
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
    ...(guards.spentUsd !== undefined ? {spentUsd: formatUsd(guards.spentUsd)} : active.length && pricing.missing(denom) ? {spentUsd: null} : {}),
    labels: entry?.labels ?? {},
  }
}
