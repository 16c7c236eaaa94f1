/** `edge ls`: the tenant's deployments with price, escrow left, time left, guards and labels. */
import type {NetworkContext} from '../../config/networks.js'
import {type Deployment, isLeaseLive, type Lease} from '../../market/market.js'
import {DEC_SCALE, formatCoin, formatPerBlock, formatUsd, perHour} from '../../protocol/money.js'
import {providerRegion} from '../deploy/candidates.js'
import {type GuardStatus, evaluateGuards} from '../ledger/guards.js'
import {type LedgerEntry, matchesLabels} from '../ledger/ledger.js'
import {UsdPricing, usdEntry} from '../usd.js'
import type {TenantContext} from './context.js'
import {type ReclamationView, reclamationView} from './reclamation.js'
import type {BaseAmount, PerBlockText} from '../../protocol/json-fields.js'

export interface DeploymentRow {
  dseq: bigint
  /** Chain state, or `unknown` for a ledger entry the chain no longer returns. */
  state: 'active' | 'closed' | 'unknown'
  /** Lease state when leased (`reclaiming`: the provider takes its resources back, see `reclamation`). */
  lease?: string
  /** The lease's reclamation (AEP-82): its window and, once started, deadline and reason. */
  reclamation?: ReclamationView
  provider?: string
  region?: string
  /** null: the lease is priced in AKT and the chain gave no AKT price (the command warns). */
  usdPerHour?: string | null
  // The active leases' price together.
  perBlock?: PerBlockText
  /** The same price as the chain stores it: base denom × 10^18 per block (an integer). */
  perBlockScaled?: bigint
  denom?: string
  /** What is left in escrow (settled up to now). */
  escrowLeft?: EscrowView
  timeLeftMs?: number
  ttlLeftMs?: number
  expiresAt?: string
  expired: boolean
  budgetUsd?: string
  /** null: spent in AKT, with no AKT price to say how much that is in USD. */
  spentUsd?: string | null
  overBudget: boolean
  budgetWarning: boolean
  labels: Record<string, string>
  uris: string[]
  createdHeight: number
  /** Guards that call for action. */
  flags: string[]
}

/** Escrow funds left once the unsettled blocks since the last settlement are paid. */
export function escrowLeft(deployment: Deployment, leases: Lease[], height: number): bigint | undefined {
  const escrow = deployment.escrow
  if (!escrow) return undefined
  const denom = leases[0]?.price.denom ?? escrow.funds[0]?.denom
  const funds = escrow.funds.filter((f) => f.denom === denom).reduce((s, f) => s + f.amount, 0n)
  const rate = leases.filter(isLeaseLive).reduce((s, l) => s + l.price.amount, 0n)
  const owed = rate * BigInt(Math.max(0, height - escrow.settledAt))
  return funds > owed ? funds - owed : 0n
}

/** Escrow left as edge shows it: whole base units, and USD when the denom has a USD value. */
export interface EscrowView {
  amount: BaseAmount
  denom: string
  display: string
  /** null: AKT with no AKT price. */
  usd?: string | null
}

/** `left` is base denom × 10^18, as escrowLeft returns it. */
export function escrowView(left: bigint, denom: string, pricing: UsdPricing): EscrowView {
  const amount = left / DEC_SCALE
  return {amount, denom, display: formatCoin(amount, denom), ...usdEntry('usd', pricing.format(left, denom))}
}

export interface DeploymentMoney {
  /** Sum of the active leases' prices, base denom × 10^18 per block. */
  perBlock: bigint
  denom: string
  escrowLeft?: EscrowView
  guards: GuardStatus
}

/** Price, escrow left and the TTL and budget guards of one deployment (`edge ls`, `edge status`). */
export function deploymentMoney(input: {
  deployment: Deployment
  active: Lease[]
  height: number
  entry?: LedgerEntry
  network: NetworkContext
  pricing: UsdPricing
  now: number
}): DeploymentMoney {
  const {deployment, active, height, entry, network, pricing} = input
  const aktUsd = pricing.aktUsd
  const perBlock = active.reduce((s, l) => s + l.price.amount, 0n)
  const denom = active[0]?.price.denom ?? entry?.depositDenom ?? network.depositDenom
  const left = deployment.state === 'active' ? escrowLeft(deployment, active, height) : undefined
  const guards = evaluateGuards({
    now: input.now,
    ...(entry?.expiresAt !== undefined ? {expiresAt: entry.expiresAt} : {}),
    ...(entry?.budgetUsd !== undefined ? {budgetUsd: entry.budgetUsd} : {}),
    ...(active.length ? {pricePerBlock: perBlock, denom, blocksRun: height - Math.min(...active.map((l) => l.createdAt))} : {}),
    ...(left !== undefined ? {escrowLeft: left} : {}),
    blockTimeMs: network.blockTimeMs,
    ...(aktUsd ? {aktUsd} : {}),
  })
  return {perBlock, denom, ...(left !== undefined ? {escrowLeft: escrowView(left, denom, pricing)} : {}), guards}
}

export async function listDeployments(
  ctx: TenantContext,
  options: {all?: boolean; labels?: Record<string, string>; now?: number; currentUris?: boolean} = {},
): Promise<DeploymentRow[]> {
  const {market, network} = ctx
  const [deployments, leases, block, aktPrice] = await Promise.all([
    market.deployments(ctx.owner, options.all ? undefined : 'active'),
    market.leases({owner: ctx.owner}),
    market.latestBlock(),
    market.aktPrice(),
  ])
  const pricing = new UsdPricing(aktPrice, ctx.warn)
  const now = options.now ?? Date.now()
  const entries = new Map<string, LedgerEntry>(ctx.ledger.list(network.name, ctx.owner).map((e) => [e.dseq.toString(), e]))
  const selected = deployments
    .filter((d) => {
      const entry = entries.get(d.id.dseq.toString())
      return !options.labels || Object.keys(options.labels).length === 0 || (entry !== undefined && matchesLabels(entry, options.labels))
    })
    .map((d) => {
      const mine = leases.filter((l) => l.id.dseq === d.id.dseq)
      // A reclaiming lease still runs and bills; it is the one to show when there is one.
      const active = mine.filter(isLeaseLive)
      return {d, active, lease: active.find((l) => l.state === 'reclaiming') ?? active[0] ?? mine.at(-1)}
    })
  // Each provider's region, asked for once and all at once rather than one deployment at a time.
  const owners = [...new Set(selected.flatMap(({lease}) => (lease ? [lease.id.provider] : [])))]
  const infos = await Promise.all(owners.map((o) => market.provider(o).catch(() => undefined)))
  const providers = new Map(owners.map((o, i) => [o, providerRegion(infos[i]?.attributes)]))
  const rows: DeploymentRow[] = []
  for (const {d, active, lease} of selected) {
    const entry = entries.get(d.id.dseq.toString())
    const {perBlock, denom, escrowLeft: left, guards} = deploymentMoney({deployment: d, active, height: block.height, entry, network, pricing, now})
    const usdH = active.length ? pricing.format(perHour(perBlock, network.blockTimeMs), denom) : undefined
    const flags: string[] = []
    if (d.state === 'active' && guards.expired) flags.push('expired')
    if (d.state === 'active' && guards.overBudget) flags.push('over budget')
    else if (d.state === 'active' && guards.budgetWarning) flags.push('80% of budget')
    if (d.state === 'active' && active.length === 0) flags.push('no lease')
    if (d.state === 'active' && guards.escrowLeftMs !== undefined && guards.escrowLeftMs < 3_600_000) flags.push('escrow < 1h')
    const reclamation = lease ? reclamationView(lease, now) : undefined
    if (d.state === 'active' && lease?.state === 'reclaiming') flags.push('reclaiming')
    rows.push({
      dseq: d.id.dseq,
      state: d.state,
      ...(lease ? {lease: lease.state, provider: lease.id.provider} : {}),
      ...(reclamation ? {reclamation} : {}),
      ...(lease && providers.get(lease.id.provider) ? {region: providers.get(lease.id.provider)} : {}),
      ...usdEntry('usdPerHour', usdH),
      ...(active.length ? {perBlock: formatPerBlock(perBlock, denom), perBlockScaled: perBlock, denom} : {}),
      ...(left ? {escrowLeft: left} : {}),
      ...(d.state === 'active' && guards.timeLeftMs !== undefined ? {timeLeftMs: guards.timeLeftMs} : {}),
      ...(guards.ttlLeftMs !== undefined ? {ttlLeftMs: guards.ttlLeftMs} : {}),
      ...(entry?.expiresAt !== undefined ? {expiresAt: new Date(entry.expiresAt).toISOString()} : {}),
      expired: guards.expired,
      ...(entry?.budgetUsd !== undefined ? {budgetUsd: formatUsd(entry.budgetUsd)} : {}),
      ...(guards.spentUsd !== undefined ? {spentUsd: formatUsd(guards.spentUsd)} : active.length && pricing.missing(denom) ? {spentUsd: null} : {}),
      overBudget: guards.overBudget,
      budgetWarning: guards.budgetWarning,
      labels: entry?.labels ?? {},
      uris: entry?.uris ?? [],
      createdHeight: d.createdAt,
      flags,
    })
    // Keep the ledger's view of the chain current.
    if (entry && d.state === 'closed' && entry.state !== 'closed' && entry.state !== 'failed') {
      ctx.ledger.markClosed(network.name, ctx.owner, d.id.dseq, lease?.reason ?? 'closed on chain')
    }
  }
  if (options.currentUris && ctx.key) await refreshUris(ctx, rows, selected.map(({d, active}) => ({dseq: d.id.dseq, active})))
  return rows.sort((a, b) => (a.dseq < b.dseq ? 1 : -1))
}

/** How long `edge ls` waits for a provider to say where a lease is served. */
const URI_TIMEOUT_MS = 3000

/**
 * The URIs each active lease is served at now, from its provider (a restarted provider may serve
 * it elsewhere); the ledger is corrected as they are read. A provider that does not answer in
 * time leaves the URIs the ledger has.
 */
async function refreshUris(ctx: TenantContext, rows: DeploymentRow[], leases: Array<{dseq: bigint; active: Lease[]}>): Promise<void> {
  const [{providerClient}, {collectUris}] = await Promise.all([import('./provider-client.js'), import('../deploy/status.js')])
  await Promise.all(
    leases.map(async ({dseq, active}) => {
      const row = rows.find((r) => r.dseq === dseq)
      if (!row || active.length === 0) return
      const entry = ctx.ledger.get(ctx.network.name, ctx.owner, dseq)
      try {
        const infos = await Promise.all(active.map((l) => ctx.market.provider(l.id.provider)))
        const statuses = await Promise.all(
          active.map((l, i) => {
            const info = infos[i]
            if (!info) throw new Error(`no provider record for ${l.id.provider}`)
            const ref = {owner: ctx.owner, provider: info.owner, dseq, gseq: l.id.gseq, oseq: l.id.oseq}
            return providerClient(ctx, info, dseq, entry?.services).leaseStatus(ref, AbortSignal.timeout(URI_TIMEOUT_MS))
          }),
        )
        const {uris} = collectUris(statuses, infos.map((i) => i?.hostUri))
        row.uris = uris
        if (entry && JSON.stringify(entry.uris) !== JSON.stringify(uris)) ctx.ledger.update(ctx.network.name, ctx.owner, dseq, {uris})
      } catch {
        // Unreachable or slow: the ledger's URIs stand.
      }
    }),
  )
}
