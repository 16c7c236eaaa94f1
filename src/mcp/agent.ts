/**
 * What an agent may do that moves money: apply a plan, close, top up, and the TTL closer. Every
 * one is checked against the limits first and written to the action log and the spend ledger.
 */
import {UsageError} from '../errors.js'
import {isLeaseLive} from '../market/market.js'
import {formatCoin, formatUsd, toUsd} from '../protocol/money.js'
import {updateDeployment} from '../services/lease/update.js'
import {closeDeployments} from '../services/lease/close.js'
import type {TenantContext} from '../services/lease/context.js'
import {depositTo} from '../services/lease/deposit.js'
import {escrowLeft} from '../services/lease/list.js'
import {applyDeploy, coinUsd} from './deploy-adapter.js'
import type {Limits} from './limits.js'
import {Planner} from './plans.js'
import {checkMoney, chooseAllowed, requireSpend} from './policy.js'
import {LimitRefusal} from './refusal.js'
import type {McpStore} from './store.js'

export interface ApplyReceipt {
  planId: string
  dseq: string
  kind: 'create' | 'update'
  uris: string[]
  services: Array<{name: string; ready: number; total: number; uris: string[]}>
  provider?: string
  region?: string
  price?: {usdPerHour: string | null; perBlock: string}
  expiresAt: string
  receipt: {deposited: string; depositedUsd: string | null; spentToday: string; spentTotal: string; budgetLeftToday: string | null; budgetLeftTotal: string | null}
  timings: Record<string, number>
}

export class Agent {
  constructor(
    readonly ctx: TenantContext,
    readonly store: McpStore,
    readonly limits: Limits,
    readonly planner: Planner,
    private readonly options: {bidTimeoutMs: number; readyTimeoutMs: number; now?: () => number} = {bidTimeoutMs: 30_000, readyTimeoutMs: 300_000},
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)()
  }

  private get key() {
    return {network: this.ctx.network.name, owner: this.ctx.owner}
  }

  budget() {
    const spent = this.store.spent(this.key.network, this.key.owner)
    const left = (limit: bigint | undefined, used: bigint) => (limit === undefined ? null : formatUsd(limit > used ? limit - used : 0n))
    return {
      spentToday: formatUsd(spent.dayUsd),
      spentTotal: formatUsd(spent.totalUsd),
      budgetLeftToday: left(this.limits.budgetPerDayUsd, spent.dayUsd),
      budgetLeftTotal: left(this.limits.budgetTotalUsd, spent.totalUsd),
      openDeployments: this.store.openDeployments(this.key.network, this.key.owner).map((d) => ({dseq: d.dseq.toString(), expiresAt: new Date(d.expiresAt).toISOString()})),
    }
  }

  async apply(planId: string, signal: AbortSignal): Promise<ApplyReceipt> {
    requireSpend(this.limits, 'apply')
    const {body, planned} = await this.planner.revalidate(planId, {
      ...(this.limits.maxUsdPerHour !== undefined ? {maxUsdPerHour: this.limits.maxUsdPerHour} : {}),
      labels: {agent: 'edge-mcp', plan: planId},
      bidTimeoutMs: this.options.bidTimeoutMs,
      readyTimeoutMs: this.options.readyTimeoutMs,
    })
    if (!this.store.claimPlan(planId)) throw new LimitRefusal('plan-used', `Plan ${planId} is being applied or was applied.`, 'nothing: make a new plan.')
    try {
      if (body.kind === 'update') return await this.applyUpdate(planId, BigInt(body.updateDseq!), body.file, body.ttlMs, signal)
      const started = this.now
      // The service's plan sizes the deposit from the TTL: revalidate checked it is the stored plan's.
      const result = await applyDeploy(this.ctx, planned.plan, {choose: (request) => chooseAllowed(this.limits, request.bids), signal})
      const expiresAt = started + body.ttlMs
      this.store.addDeployment({...this.key, dseq: result.dseq, planId, createdAt: started, expiresAt})
      // What was locked: a deposit sized to the TTL is topped up only to the lease's price (at most the plan's).
      const paid = {amount: result.deposit.amount, denom: result.deposit.denom}
      const paidUsd = coinUsd(paid, planned.aktUsd) ?? planned.depositUsd
      this.store.recordDeposit({...this.key, dseq: result.dseq, usd: paidUsd ?? 0n, amount: paid.amount, denom: paid.denom})
      const lease = result.leases[0]
      return {
        planId,
        dseq: result.dseq.toString(),
        kind: 'create',
        uris: result.uris,
        services: result.services,
        ...(lease ? {provider: lease.provider} : {}),
        ...(lease?.region ? {region: lease.region} : {}),
        ...(result.price ? {price: {usdPerHour: result.price.usdPerHour ?? null, perBlock: result.price.perBlock}} : {}),
        expiresAt: new Date(expiresAt).toISOString(),
        receipt: this.receipt(formatCoin(paid.amount, paid.denom), paidUsd),
        timings: result.timings,
      }
    } catch (error) {
      // Nothing was created (the deploy service closes what it opened on failure): the plan may be retried.
      this.store.releasePlan(planId)
      throw error
    }
  }

  private async applyUpdate(planId: string, dseq: bigint, file: string, ttlMs: number, signal: AbortSignal): Promise<ApplyReceipt> {
    const own = this.requireOwn(dseq, 'update')
    const result = await updateDeployment(this.ctx, dseq, file, undefined, {signal, readyTimeoutMs: this.options.readyTimeoutMs})
    void ttlMs
    return {
      planId,
      dseq: dseq.toString(),
      kind: 'update',
      uris: result.uris,
      services: result.services,
      expiresAt: new Date(own.expiresAt).toISOString(),
      receipt: this.receipt('nothing (an update keeps the escrow)', 0n),
      timings: result.readyMs !== undefined ? {ready: result.readyMs} : {},
    }
  }

  private receipt(deposited: string, depositedUsd: bigint | undefined): ApplyReceipt['receipt'] {
    const b = this.budget()
    return {deposited, depositedUsd: depositedUsd !== undefined ? formatUsd(depositedUsd) : null, spentToday: b.spentToday, spentTotal: b.spentTotal, budgetLeftToday: b.budgetLeftToday, budgetLeftTotal: b.budgetLeftTotal}
  }

  private requireOwn(dseq: bigint, what: string) {
    const own = this.store.deployment(this.key.network, this.key.owner, dseq)
    if (!own) {
      throw new LimitRefusal('not-agent-deployment', `Deployment ${dseq} was not created through edge mcp, so an agent may not ${what} it.`, `${what} it yourself (\`edge ${what} ${dseq}\`).`, {dseq: dseq.toString()})
    }
    return own
  }

  /** Closes an agent deployment; the escrow left comes back and is booked as a refund. */
  async close(dseq: bigint, reason = 'agent'): Promise<{dseq: string; outcome: string; refunded: string; refundedUsd: string | null; txHash?: string}> {
    requireSpend(this.limits, 'close')
    this.requireOwn(dseq, 'close')
    return this.closeOwn(dseq, reason)
  }

  private async closeOwn(dseq: bigint, reason: string) {
    const {market} = this.ctx
    const [deployment, leases, block, aktPrice] = await Promise.all([
      market.deployment({owner: this.ctx.owner, dseq}),
      market.leases({owner: this.ctx.owner, dseq}),
      market.latestBlock(),
      market.aktPrice(),
    ])
    const denom = deployment?.escrow?.funds[0]?.denom ?? this.ctx.network.depositDenom
    const left = deployment && deployment.state === 'active' ? (escrowLeft(deployment, leases.filter(isLeaseLive), block.height) ?? 0n) / 10n ** 18n : 0n
    const [outcome] = deployment?.state === 'active' ? await closeDeployments(this.ctx, {dseqs: [dseq]}) : [{dseq, outcome: 'already_closed' as const}]
    if (outcome && (outcome.outcome === 'closed' || outcome.outcome === 'already_closed' || outcome.outcome === 'not_found')) {
      this.store.markClosed(this.key.network, this.key.owner, dseq, outcome.outcome === 'closed' ? reason : 'closed on chain')
      const usd = toUsd(left * 10n ** 18n, denom, aktPrice.usd)
      if (outcome.outcome === 'closed' && left > 0n) this.store.recordRefund({...this.key, dseq, usd: usd ?? 0n, amount: left, denom})
      return {dseq: dseq.toString(), outcome: outcome.outcome, refunded: formatCoin(outcome.outcome === 'closed' ? left : 0n, denom), refundedUsd: usd !== undefined && outcome.outcome === 'closed' ? formatUsd(usd) : null, ...(outcome.txHash ? {txHash: outcome.txHash} : {})}
    }
    throw new UsageError(`Closing deployment ${dseq} failed: ${outcome?.error ?? 'unknown error'}`, {code: 'close_failed'})
  }

  /** Tops up an agent deployment's escrow, within the deposit and budget limits. */
  async deposit(dseq: bigint, usdAmount: bigint) {
    requireSpend(this.limits, 'deposit')
    this.requireOwn(dseq, 'deposit')
    const deployment = await this.ctx.market.deployment({owner: this.ctx.owner, dseq})
    if (!deployment || deployment.state !== 'active') throw new UsageError(`Deployment ${dseq} is closed.`, {code: 'deployment_closed'})
    const denom = deployment.escrow?.funds[0]?.denom ?? this.ctx.network.depositDenom
    const aktPrice = await this.ctx.market.aktPrice()
    // USD → base units: ACT is $1; AKT at the chain's price.
    const perUnitUsd = coinUsd({denom, amount: 1_000_000n}, aktPrice.usd)
    if (perUnitUsd === undefined || perUnitUsd === 0n) throw new UsageError(`The deployment is funded in ${denom}, which has no USD price now.`, {code: 'no_usd_price'})
    const amount = (usdAmount * 1_000_000n) / perUnitUsd
    const before = this.store.spentOn(this.key.network, this.key.owner, dseq)
    checkMoney(this.limits, this.store.spent(this.key.network, this.key.owner), {depositUsd: usdAmount, depositedBeforeUsd: before})
    const result = await depositTo(this.ctx, dseq, {denom, amount})
    this.store.recordDeposit({...this.key, dseq, usd: usdAmount, amount, denom})
    return {dseq: dseq.toString(), deposited: result.deposited.display, depositedUsd: formatUsd(usdAmount), txHash: result.txHash, ...(result.escrowLeft ? {escrowLeft: result.escrowLeft.display} : {}), ...this.budget()}
  }

  /** Closes every agent deployment past its TTL (also those that came due while the server was down). */
  async closeDue(): Promise<Array<{dseq: string; outcome: string}>> {
    const due = this.store.openDeployments(this.key.network, this.key.owner).filter((d) => d.expiresAt <= this.now)
    const out: Array<{dseq: string; outcome: string}> = []
    for (const d of due) {
      try {
        const r = await this.closeOwn(d.dseq, 'ttl')
        // The chain may have closed it first (its escrow ran out at the TTL): then there was nothing to close.
        const summary = r.outcome === 'closed' ? `closed ${d.dseq} at its TTL, refunded ${r.refunded}` : `${d.dseq} reached its TTL already closed on chain (${r.outcome}): nothing to close`
        this.store.logAction({tool: 'ttl-closer', outcome: 'ok', summary, args: {dseq: d.dseq.toString()}, details: r})
        out.push({dseq: r.dseq, outcome: r.outcome})
      } catch (error) {
        this.store.logAction({tool: 'ttl-closer', outcome: 'failed', summary: `could not close ${d.dseq}: ${(error as Error).message}`, args: {dseq: d.dseq.toString()}})
      }
    }
    return out
  }
}
