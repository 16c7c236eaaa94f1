/**
 * The one place `edge mcp` calls the deploy service: its plan (`planDeploy`: validate, forecast,
 * the funds read-only, the providers that match) for the plan and prices tools, and `applyDeploy`
 * consuming that plan for the apply tool. The MCP plan keeps its own stored form, hash and
 * validity (plans.ts); the service's plan is made again when it is applied, so the run starts
 * from the chain as it is then.
 */
import type {Coin} from '../market/market.js'
import {toUsd} from '../protocol/money.js'
import type {Sdl} from '../sdl/index.js'
import {applyDeploy as applyPlan} from '../services/deploy/apply.js'
import type {DeployEvent} from '../services/deploy/events.js'
import {type DeployPlan, planDeploy as planService} from '../services/deploy/plan.js'
import type {ScoredBid} from '../services/deploy/scoring.js'
import type {ChoiceRequest, DeployResult} from '../services/deploy/types.js'
import {validateSdl} from '../services/deploy/validate.js'
import type {TenantContext} from '../services/lease/context.js'

export interface PlanInput {
  /** The SDL to deploy (the plan's own copy). */
  file: string
  ttlMs: number
  /** How the plan would be applied (the apply tool's choices); a plan only to look at leaves them out. */
  run?: RunChoices
}

export interface RunChoices {
  /** Cap for the whole deployment, USD/h × 10^18 (bids above it are left out). */
  maxUsdPerHour?: bigint
  labels: Record<string, string>
  bidTimeoutMs: number
  readyTimeoutMs: number
}

export interface PlannedDeploy {
  sdl: Sdl
  /** Manifest version (hex): what the provider checks the manifest against. */
  manifestHash: string
  denom: string
  /** The order's maximum price per block, base denom × 10^18 (what a lease can cost at most). */
  maxPerBlock: bigint
  maxUsdPerHour?: bigint
  /** Escrow sized so that, at the order's maximum price, it runs out at the TTL (never below the chain's minimum). */
  deposit: Coin
  depositUsd?: bigint
  /** Blocks the deposit lasts at the maximum price: the chain ends the lease then at the latest. */
  depositBlocks: bigint
  /** The deposit is no bigger than the TTL needs at the maximum price (not so when the chain's minimum is bigger). */
  ttlEnforcedByEscrow: boolean
  blockTimeMs: number
  /** AKT price used for the USD figures (USD × 10^18), when there is one. */
  aktUsd?: bigint
  /** Providers whose on-chain attributes match every group (the chain's own matching). */
  matchingProviders: Array<{provider: string; hostUri: string; region?: string; country?: string}>
  /** The deploy service's plan: what `applyDeploy` consumes. */
  plan: DeployPlan
}

export async function planDeploy(ctx: TenantContext, input: PlanInput): Promise<PlannedDeploy> {
  const validated = await drain(validateSdl(input.file, ctx.network.depositDenom))
  const run = input.run ?? {labels: {}, bidTimeoutMs: 0, readyTimeoutMs: 0}
  const plan = await planService(deployDeps(ctx), {
    file: input.file,
    validated,
    ttlMs: input.ttlMs,
    ...(run.maxUsdPerHour !== undefined ? {maxUsdPerHour: run.maxUsdPerHour} : {}),
    labels: run.labels,
    bidTimeoutMs: run.bidTimeoutMs,
    readyTimeoutMs: run.readyTimeoutMs,
    keep: false,
    dryRun: false,
    mint: false,
  })
  const f = plan.forecast
  return {
    sdl: validated.sdl,
    manifestHash: plan.sdlHash,
    denom: f.denom,
    maxPerBlock: f.maxPerBlock,
    ...(f.maxUsdPerHour !== undefined ? {maxUsdPerHour: f.maxUsdPerHour} : {}),
    deposit: f.deposit,
    ...(f.depositUsd !== undefined ? {depositUsd: f.depositUsd} : {}),
    depositBlocks: f.maxPerBlock > 0n ? (f.deposit.amount * 10n ** 18n) / f.maxPerBlock : 0n,
    ttlEnforcedByEscrow: f.ttl?.enforcedByEscrow ?? false,
    blockTimeMs: plan.blockTimeMs,
    ...(plan.aktPrice.usd ? {aktUsd: plan.aktPrice.usd} : {}),
    matchingProviders: plan.candidates ?? [],
    plan,
  }
}

/** USD (× 10^18) of an amount of a denom's base unit, at the plan's AKT price. */
export function coinUsd(coin: Coin, aktUsd?: bigint): bigint | undefined {
  return toUsd(coin.amount * 10n ** 18n, coin.denom, aktUsd)
}

export interface ApplyInput {
  /** Picks the bid from the scored ones (the limits' allowlists); throws to refuse them all. */
  choose: (request: ChoiceRequest) => ScoredBid
  signal: AbortSignal
  onEvent?: (event: DeployEvent) => void
}

/** The full deploy run of a plan made with `run` choices; a failure after the deployment exists closes it (the service does). */
export async function applyDeploy(ctx: TenantContext, plan: DeployPlan, input: ApplyInput): Promise<DeployResult> {
  const deps = {...deployDeps(ctx), choose: async (request: ChoiceRequest) => input.choose(request)}
  return drain(applyPlan(deps, plan, {signal: input.signal}), input.onEvent)
}

function deployDeps(ctx: TenantContext) {
  return {market: ctx.market, network: ctx.network, ledger: ctx.ledger, key: ctx.key!}
}

async function drain<T>(steps: AsyncGenerator<DeployEvent, T>, onEvent?: (event: DeployEvent) => void): Promise<T> {
  for (;;) {
    const next = await steps.next()
    if (next.done) return next.value
    onEvent?.(next.value)
  }
}
