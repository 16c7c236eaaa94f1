/**
 * plan → apply. A plan is what would be created and what it would cost, stored with a hash over
 * all of it and a short validity; apply takes only the plan id, checks that nothing it was made
 * from changed (the SDL file, the price, the deposit) and that it still fits the limits, then
 * deploys the plan's own copy of the SDL.
 */
import {createHash, randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {isAbsolute, join, relative, resolve} from 'node:path'

import {UsageError} from '../errors.js'
import {formatCoin, formatUsd, perHour} from '../protocol/money.js'
import {formatDuration} from '../services/ledger/guards.js'
import type {Limits} from './limits.js'
import {type PlannedDeploy, type RunChoices, planDeploy} from './deploy-adapter.js'
import {checkConcurrency, checkImages, checkMoney, checkProviders, checkTtl} from './policy.js'
import {LimitRefusal} from './refusal.js'
import type {McpStore} from './store.js'
import type {TenantContext} from '../services/lease/context.js'

export interface PlanRequest {
  /** An SDL file (or a directory holding deploy.yaml) inside an allowed directory. */
  path?: string
  /** Or the SDL itself. */
  sdl?: string
  /** Shorter than the limit's TTL if the agent wants; never longer. */
  ttl?: number
  /** Update this agent deployment in place instead of creating one. */
  updateDseq?: bigint
}

/** What the plan tool returns (and what its hash covers). */
export interface PlanBody {
  planId: string
  kind: 'create' | 'update'
  network: string
  owner: string
  createdAt: string
  validUntil: string
  source: {kind: 'path'; path: string; sha256: string} | {kind: 'text'; sha256: string}
  manifestHash: string
  updateDseq?: string
  services: Array<{name: string; image: string}>
  ttl: string
  ttlMs: number
  forecast: {
    denom: string
    maxPerBlock: string
    maxUsdPerHour: string | null
    deposit: {amount: string; denom: string; display: string; usd: string | null}
    /** What the deployment can cost at most until its TTL: the order's maximum price × TTL. */
    worstCaseUntilTtlUsd: string | null
    /**
     * How long the deposit pays for the lease at the order's maximum price: then the chain stops
     * paying the provider and closes the lease at its next settlement, even if this server is gone.
     */
    escrowRunsOutAfter: string
    /**
     * true: the deposit pays for no more than the TTL at the maximum price, so the chain itself ends
     * the lease by then; false when the chain's minimum deposit is more than the TTL needs (this
     * server's TTL closer still closes it at the TTL).
     */
    ttlEnforcedByEscrow: boolean
  }
  /** Providers whose attributes match the order and whom the allowlists let in. */
  wouldBid: Array<{provider: string; hostUri: string; region?: string; country?: string}>
  budgetLeft: {today: string | null; total: string | null}
}

export interface StoredPlanBody extends PlanBody {
  /** The plan's own copy of the SDL (what apply deploys). */
  file: string
  numbers: {maxUsdPerHour?: string; depositAmount: string; depositUsd?: string}
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex')
}

export function planHash(body: StoredPlanBody): string {
  return sha256(JSON.stringify(body))
}

export class Planner {
  constructor(
    private readonly ctx: TenantContext,
    private readonly store: McpStore,
    private readonly limits: Limits,
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the SDL the request names, refusing paths outside the allowed directories. */
  readSource(request: PlanRequest): {text: string; source: PlanBody['source']} {
    if ((request.path === undefined) === (request.sdl === undefined)) throw new UsageError('Give either path or sdl.', {code: 'mcp_plan_input'})
    if (request.sdl !== undefined) return {text: request.sdl, source: {kind: 'text', sha256: sha256(request.sdl)}}
    let path = resolve(this.limits.sdlDirs[0] ?? process.cwd(), request.path!)
    const inside = this.limits.sdlDirs.some((d) => {
      const rel = relative(d, path)
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
    })
    if (!inside) {
      throw new LimitRefusal('sdl-dirs', `${path} is outside the directories SDL files may be read from (${this.limits.sdlDirs.join(', ')}).`, 'add its directory to --sdl-dir (or "sdlDirs" in mcp.json).', {
        path,
        allowed: this.limits.sdlDirs,
      })
    }
    try {
      if (!path.endsWith('.yaml') && !path.endsWith('.yml')) path = join(path, 'deploy.yaml')
      const text = readFileSync(path, 'utf8')
      return {text, source: {kind: 'path', path, sha256: sha256(text)}}
    } catch (error) {
      throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`, {code: 'file-not-found'})
    }
  }

  /** The spend limits and what is left of the budgets. */
  spent() {
    return this.store.spent(this.ctx.network.name, this.ctx.owner)
  }

  /** Checks every limit against a planned deploy at the current numbers. */
  check(planned: PlannedDeploy, ttlMs: number, kind: 'create' | 'update'): PlanBody['wouldBid'] {
    checkTtl(this.limits, ttlMs)
    checkImages(
      this.limits,
      Object.entries(planned.sdl.model.services).map(([service, s]) => ({service, image: (s as {image: string}).image})),
    )
    checkMoney(this.limits, this.spent(), {
      ...(planned.maxUsdPerHour !== undefined ? {maxUsdPerHour: planned.maxUsdPerHour} : {}),
      ...(kind === 'create' ? (planned.depositUsd !== undefined ? {depositUsd: planned.depositUsd} : {}) : {depositUsd: 0n}),
    })
    if (kind === 'create') checkConcurrency(this.limits, this.store.openDeployments(this.ctx.network.name, this.ctx.owner).length)
    return checkProviders(this.limits, planned.matchingProviders) as PlanBody['wouldBid']
  }

  async plan(request: PlanRequest): Promise<StoredPlanBody> {
    const {text, source} = this.readSource(request)
    const ttlMs = request.ttl ?? this.limits.ttlMs
    const kind = request.updateDseq !== undefined ? 'update' : 'create'
    if (request.updateDseq !== undefined) {
      const own = this.store.deployment(this.ctx.network.name, this.ctx.owner, request.updateDseq)
      if (!own || own.state !== 'open') {
        throw new LimitRefusal('not-agent-deployment', `Deployment ${request.updateDseq} was not created through edge mcp (or is closed), so an agent may not change it.`, 'update it yourself with `edge update`.')
      }
    }
    const id = `plan-${randomBytes(6).toString('hex')}`
    mkdirSync(this.dir, {recursive: true})
    const file = join(this.dir, `${id}.yaml`)
    writeFileSync(file, text)
    const planned = await planDeploy(this.ctx, {file, ttlMs})
    const wouldBid = this.check(planned, ttlMs, kind)
    const created = this.now()
    const spent = this.spent()
    const left = (limit: bigint | undefined, used: bigint) => (limit === undefined ? null : formatUsd(limit > used ? limit - used : 0n))
    const worst = planned.maxUsdPerHour !== undefined ? (planned.maxUsdPerHour * BigInt(ttlMs)) / 3_600_000n : undefined
    const body: StoredPlanBody = {
      planId: id,
      kind,
      network: this.ctx.network.name,
      owner: this.ctx.owner,
      createdAt: new Date(created).toISOString(),
      validUntil: new Date(created + this.limits.planValidityMs).toISOString(),
      source,
      manifestHash: planned.manifestHash,
      ...(request.updateDseq !== undefined ? {updateDseq: request.updateDseq.toString()} : {}),
      services: Object.entries(planned.sdl.model.services).map(([name, s]) => ({name, image: (s as {image: string}).image})),
      ttl: formatDuration(ttlMs),
      ttlMs,
      forecast: {
        denom: planned.denom,
        maxPerBlock: formatCoin(planned.maxPerBlock / 10n ** 18n, planned.denom),
        maxUsdPerHour: planned.maxUsdPerHour !== undefined ? `${formatUsd(planned.maxUsdPerHour)}/h` : null,
        deposit: {
          amount: kind === 'create' ? planned.deposit.amount.toString() : '0',
          denom: planned.deposit.denom,
          display: kind === 'create' ? formatCoin(planned.deposit.amount, planned.deposit.denom) : 'none (an update keeps the escrow)',
          usd: kind === 'create' && planned.depositUsd !== undefined ? formatUsd(planned.depositUsd) : kind === 'update' ? '$0.00' : null,
        },
        worstCaseUntilTtlUsd: worst !== undefined ? formatUsd(worst) : null,
        escrowRunsOutAfter: formatDuration(Number(planned.depositBlocks) * planned.blockTimeMs),
        ttlEnforcedByEscrow: kind === 'create' && planned.ttlEnforcedByEscrow,
      },
      wouldBid,
      budgetLeft: {today: left(this.limits.budgetPerDayUsd, spent.dayUsd), total: left(this.limits.budgetTotalUsd, spent.totalUsd)},
      file,
      numbers: {
        ...(planned.maxUsdPerHour !== undefined ? {maxUsdPerHour: planned.maxUsdPerHour.toString()} : {}),
        depositAmount: planned.deposit.amount.toString(),
        ...(planned.depositUsd !== undefined ? {depositUsd: planned.depositUsd.toString()} : {}),
      },
    }
    this.store.savePlan({id, hash: planHash(body), createdAt: created, expiresAt: created + this.limits.planValidityMs, body: JSON.stringify(body)})
    return body
  }

  /** The price of an SDL without making a plan (the prices tool): nothing stored, no limit refused. */
  async quote(request: PlanRequest): Promise<Record<string, unknown>> {
    const {text} = this.readSource(request)
    mkdirSync(this.dir, {recursive: true})
    const file = join(this.dir, `quote-${sha256(text).slice(0, 16)}.yaml`)
    writeFileSync(file, text)
    const ttlMs = request.ttl ?? this.limits.ttlMs
    const p = await planDeploy(this.ctx, {file, ttlMs})
    return {
      network: this.ctx.network.name,
      denom: p.denom,
      maxUsdPerHour: p.maxUsdPerHour !== undefined ? formatUsd(p.maxUsdPerHour) : null,
      maxUsdPerMonth: p.maxUsdPerHour !== undefined ? formatUsd(p.maxUsdPerHour * 730n) : null,
      ttl: formatDuration(ttlMs),
      deposit: {display: formatCoin(p.deposit.amount, p.deposit.denom), usd: p.depositUsd !== undefined ? formatUsd(p.depositUsd) : null},
      aktUsd: p.aktUsd !== undefined ? formatUsd(p.aktUsd) : null,
      actUsd: '$1.00',
      matchingProviders: p.matchingProviders.length,
    }
  }

  /**
   * The plan `id` as it may be applied now: not used, not expired, unchanged (its stored form,
   * its SDL file, its deposit), and within the limits at the current price. With `run`, the
   * returned plan is the one to apply with those choices.
   */
  async revalidate(id: string, run?: RunChoices): Promise<{body: StoredPlanBody; planned: PlannedDeploy; hash: string}> {
    const stored = this.store.plan(id)
    if (!stored) throw new UsageError(`There is no plan "${id}".`, {code: 'mcp_plan_unknown', hint: 'Make one with the plan tool.'})
    if (stored.appliedAt) throw new LimitRefusal('plan-used', `Plan ${id} was already applied at ${new Date(stored.appliedAt).toISOString()}.`, 'nothing: make a new plan.')
    const now = this.now()
    if (now > stored.expiresAt) {
      throw new LimitRefusal('plan-expired', `Plan ${id} expired at ${new Date(stored.expiresAt).toISOString()} (${formatDuration(now - stored.expiresAt)} ago).`, `raise --plan-validity (now ${formatDuration(this.limits.planValidityMs)}); the agent can make a new plan.`, {
        expiredAt: new Date(stored.expiresAt).toISOString(),
        now: new Date(now).toISOString(),
      })
    }
    const body = JSON.parse(stored.body) as StoredPlanBody
    if (planHash(body) !== stored.hash) throw changed(id, 'its stored form no longer matches its hash', {planned: stored.hash})
    if (body.source.kind === 'path') {
      let current: string
      try {
        current = sha256(readFileSync(body.source.path, 'utf8'))
      } catch {
        current = '(unreadable)'
      }
      if (current !== body.source.sha256) throw changed(id, `${body.source.path} changed since the plan was made`, {planned: body.source.sha256, now: current})
    }
    if (sha256(readFileSync(body.file, 'utf8')) !== body.source.sha256) throw changed(id, "the plan's copy of the SDL changed", {})
    const planned = await planDeploy(this.ctx, {file: body.file, ttlMs: body.ttlMs, ...(run ? {run} : {})})
    if (body.kind === 'create' && planned.deposit.amount.toString() !== body.numbers.depositAmount) {
      throw changed(id, `the deposit it needs changed from ${body.forecast.deposit.display} to ${formatCoin(planned.deposit.amount, planned.deposit.denom)}`, {})
    }
    // The limits again, at today's price and spend.
    this.check(planned, body.ttlMs, body.kind)
    return {body, planned, hash: stored.hash}
  }

  /** Lease price per hour in USD for a receipt. */
  static usdPerHour(perBlock: bigint, blockTimeMs: number): bigint {
    return perHour(perBlock, blockTimeMs)
  }
}

function changed(id: string, why: string, numbers: Record<string, string>): LimitRefusal {
  return new LimitRefusal('plan-changed', `Plan ${id} no longer holds: ${why}.`, 'nothing: the agent makes a new plan from what is there now.', numbers)
}
