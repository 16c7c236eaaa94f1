/**
 * A deploy plan is a value: what `applyDeploy` would create (the groups, the deposit), what it
 * would cost at most, who could bid, what screening said, and a hash over all of it. Planning
 * reads the chain and creates nothing; `edge deploy --dry-run` is a plan and nothing else.
 */
import {screenStep} from '../screen/deploy-step.js'
import {CancelledError, UsageError} from '../../errors.js'
import type {AktPrice, GroupSpec} from '../../market/market.js'
import {formatCoin, formatPerBlock, formatUsd} from '../../protocol/money.js'
import {groupSpecs, manifestVersion, plainGroupSpecs, reclamationSeconds, totalPricePerBlock} from '../../sdl/index.js'
import {formatDuration} from '../ledger/guards.js'
import {UsdPricing, aktPriceWarning} from '../usd.js'
import {providerCountry, providerRegion} from './candidates.js'
import {ProviderDirectory} from './directory.js'
import type {DeployEvent} from './events.js'
import {type Forecast, forecast as computeForecast} from './forecast.js'
import {checkFunds} from './funds.js'
import {planHash} from './plan-hash.js'
import type {PlanState} from './state.js'
import {StepClock} from './step-clock.js'
import type {DeployDeps, DeployInput, ScreenResult} from './types.js'
import {validateSdl} from './validate.js'

export type {DeployInput, ScreenResult} from './types.js'

export interface DeployPlan {
  /** sha256 of the canonical JSON of every other field (plan-hash.ts). */
  hash: string
  createdAt: string
  network: string
  owner: string
  /** The manifest version (hex): the deployment's hash on chain. */
  sdlHash: string
  services: string[]
  /** The groups the deployment would hold, in the chain's order (gseq = index + 1). */
  groups: GroupSpec[]
  /** The most the order lets providers charge (per block, per hour, USD), and the deposit. */
  forecast: Forecast
  /** The AKT price the USD figures use. */
  aktPrice: AktPrice
  blockTimeMs: number
  /** Providers on chain that match every group, when the plan was asked to look (a preview). */
  candidates?: Array<{provider: string; hostUri: string; region?: string; country?: string}>
  screening?: ScreenResult
  input: DeployInput
}

export interface PlanOptions {
  /** Also check the funds (read-only) and list the providers that match: what a person looks at before applying. */
  preview?: boolean
}

/** The plan, with its events on `onEvent`. A plan made here is previewed (funds and candidates). */
export async function planDeploy(ctx: DeployDeps, input: DeployInput, onEvent: (event: DeployEvent) => void = () => {}): Promise<DeployPlan> {
  const steps = planSteps(ctx, input, {preview: true})
  for (;;) {
    const next = await steps.next()
    if (next.done) return next.value
    onEvent(next.value)
  }
}

/** The states of plans made in this process, for the apply that consumes them (taken once). */
const prepared = new WeakMap<DeployPlan, PlanState>()

/** Validate → forecast → screening → (preview: funds, matching providers), as events, ending with the plan. */
export async function* planSteps(ctx: DeployDeps, input: DeployInput, options: PlanOptions = {}): AsyncGenerator<DeployEvent, DeployPlan> {
  const owner = ctx.market.tx?.address
  if (!owner) throw new UsageError('Deploying needs a key to sign with.')
  const clock = new StepClock(ctx.now ?? Date.now)
  const signal = input.signal ?? new AbortController().signal
  // The total includes a validation the command ran before the flow.
  const startedAt = clock.now() - (input.validated?.elapsedMs ?? 0)
  // Chain reads that do not depend on the SDL start now and overlap with validation; awaited
  // after it, so a failed SDL must not leave their rejections unhandled.
  const startBlock = ctx.market.latestBlock()
  void startBlock.catch(() => undefined)
  const chainFacts = Promise.all([ctx.market.minDeposits().catch(() => []), ctx.market.aktPrice()])
  void chainFacts.catch(() => undefined)
  const validated = input.validated ?? (yield* validateSdl(input.file, ctx.network.depositDenom, clock.now))
  clock.timings.validate = validated.elapsedMs
  const {sdl} = validated
  // The first block height anchors the block counts of the benchmark.
  const blocks = {start: (await startBlock).height}
  const {forecast, pricing} = yield* forecastStep(ctx, input, {sdl, clock, chainFacts})
  const groups = plainGroupSpecs(sdl)
  // Bid screening (AEP-67) before anything is created: --screen with nobody willing is exit 3; a dry run reports it.
  const screening = input.screen
    ? await input.screen(groups)
    : input.screenRequired || input.dryRun
      ? yield* screenStep({
          market: ctx.market,
          blockTimeMs: ctx.network.blockTimeMs,
          ...(pricing.aktUsd !== undefined ? {aktUsd: pricing.aktUsd} : {}),
          groups: groupSpecs(sdl),
          required: input.screenRequired === true,
          step: (status, message) => clock.step('screen', status, message),
          reclamation: reclamationSeconds(sdl) !== undefined,
          warning: (message) => clock.event({type: 'warning', message}),
        })
      : undefined
  if (signal.aborted) throw new CancelledError('Deployment cancelled.')
  const services = Object.keys(sdl.model.services).sort()
  const sdlHash = manifestVersion(sdl).hex
  const network = ctx.network.name
  const directory = new ProviderDirectory(ctx.market)
  const state: PlanState = {ctx, input, signal, clock, owner, network, startedAt, sdl, sdlHash, services, forecast, pricing, blocks, directory}
  let candidates: DeployPlan['candidates']
  if (options.preview) {
    yield* checkFunds(state, true)
    candidates = yield* matchingProviders(state, groups)
  }
  const content = {
    createdAt: new Date(clock.now()).toISOString(),
    network,
    owner,
    sdlHash,
    services,
    groups,
    forecast,
    aktPrice: pricing.price,
    blockTimeMs: ctx.network.blockTimeMs,
    ...(candidates ? {candidates} : {}),
    ...(screening ? {screening} : {}),
    input,
  }
  const plan: DeployPlan = {hash: planHash(content), ...content}
  prepared.set(plan, state)
  return plan
}

/**
 * The state a plan was made with, taken once: the apply that follows a plan in the same process
 * continues its clock and caches. A plan from elsewhere (or applied again) gets a fresh state,
 * refused when the SDL file no longer hashes as planned.
 */
export async function planState(ctx: DeployDeps, plan: DeployPlan): Promise<PlanState> {
  const state = prepared.get(plan)
  if (state) {
    prepared.delete(plan)
    return state
  }
  const clock = new StepClock(ctx.now ?? Date.now)
  let validated = plan.input.validated
  if (!validated) {
    const steps = validateSdl(plan.input.file, ctx.network.depositDenom, clock.now)
    for (let next = await steps.next(); ; next = await steps.next()) {
      if (next.done) {
        validated = next.value
        break
      }
    }
  }
  const sdlHash = manifestVersion(validated.sdl).hex
  if (sdlHash !== plan.sdlHash) {
    throw new UsageError(`${plan.input.file} changed since the plan was made.`, {code: 'plan_stale', hint: 'Plan the deployment again.'})
  }
  return {
    ctx,
    input: plan.input,
    signal: plan.input.signal ?? new AbortController().signal,
    clock,
    owner: plan.owner,
    network: plan.network,
    startedAt: clock.now(),
    sdl: validated.sdl,
    sdlHash,
    services: plan.services,
    forecast: plan.forecast,
    pricing: new UsdPricing(plan.aktPrice),
    blocks: {start: (await ctx.market.latestBlock()).height},
    directory: new ProviderDirectory(ctx.market),
  }
}

interface ForecastFacts {
  sdl: PlanState['sdl']
  clock: StepClock
  /** The chain's minimum deposits and the AKT price, asked for when the run began. */
  chainFacts: Promise<[Array<{denom: string; amount: bigint}>, AktPrice]>
}

/** The most the order lets a provider charge, and the deposit; refuses a deposit the chain would. */
async function* forecastStep(ctx: DeployDeps, input: DeployInput, {sdl, clock, chainFacts}: ForecastFacts): AsyncGenerator<DeployEvent, {forecast: Forecast; pricing: UsdPricing}> {
  const {network} = ctx
  yield clock.step('forecast', 'started', 'Forecasting cost')
  const [minDeposits, aktPrice] = await chainFacts
  const pricing = new UsdPricing(aktPrice)
  const price = totalPricePerBlock(sdl)
  if (price.denom !== network.depositDenom) {
    yield clock.event({type: 'warning', message: `The SDL prices in ${price.denom} but ${network.name} takes deposits in ${network.depositDenom}.`})
  }
  // Every USD figure of the run is in the order's denom: one warning covers them all.
  const usdUnknown = pricing.missing(price.denom)
  if (usdUnknown) yield clock.event({type: 'warning', message: aktPriceWarning(pricing.price)})
  const min = minDeposits.find((c) => c.denom === price.denom)
  const f = computeForecast({
    denom: price.denom,
    maxPerBlock: price.scaled,
    blockTimeMs: network.blockTimeMs,
    ...(min ? {minDeposit: min} : {}),
    ...(input.deposit ? {deposit: input.deposit} : {}),
    ...(input.budgetUsd !== undefined ? {budgetUsd: input.budgetUsd} : {}),
    ...(input.ttlMs !== undefined ? {ttlMs: input.ttlMs} : {}),
    ...(pricing.aktUsd ? {aktUsd: pricing.aktUsd} : {}),
  })
  if (input.deposit && min && input.deposit.denom === min.denom && input.deposit.amount < min.amount) {
    throw new UsageError(`--deposit ${formatCoin(input.deposit.amount, input.deposit.denom)} is below the chain's minimum of ${formatCoin(min.amount, min.denom)}.`, {
      code: 'deposit_too_small',
    })
  }
  if (input.deposit && input.deposit.denom !== price.denom) {
    throw new UsageError(`--deposit is in ${input.deposit.denom} but the deployment is priced in ${price.denom}.`, {code: 'deposit_denom'})
  }
  if (f.ttl && !f.ttl.enforcedByEscrow && f.ttl.largerBecause !== 'minimum') {
    // The deposit decides when the chain stops paying: bigger than the TTL needs, the chain cannot end it then.
    const flag = f.ttl.largerBecause === 'budget' ? `--budget ${formatUsd(input.budgetUsd ?? 0n)}` : `--deposit ${formatCoin(f.deposit.amount, f.deposit.denom)}`
    yield clock.event({
      type: 'warning',
      message: `${flag} pays for ${formatDuration(f.ttl.escrowLastsMs)} at the order's maximum price, more than --ttl ${formatDuration(f.ttl.ttlMs)}: the chain will not end the lease at the TTL, only \`edge close --expired\` will. Leave ${f.ttl.largerBecause === 'budget' ? '--budget' : '--deposit'} out (or make it at most ${formatCoin(f.ttl.ttlDeposit, f.deposit.denom)}) to have the chain enforce the TTL.`,
    })
  } else if (f.ttl && !f.ttl.enforcedByEscrow) {
    yield clock.event({
      type: 'warning',
      message: `The chain's minimum deposit (${formatCoin(f.deposit.amount, f.deposit.denom)}) pays for ${formatDuration(f.ttl.escrowLastsMs)} at the order's maximum price, more than --ttl ${formatDuration(f.ttl.ttlMs)}: only \`edge close --expired\` ends the lease at the TTL.`,
    })
  }
  if (input.budgetUsd !== undefined && f.maxUsdPerHour !== undefined && f.maxUsdPerHour > 0n) {
    const hours = Number((input.budgetUsd * 100n) / f.maxUsdPerHour) / 100
    if (hours < 1) yield clock.event({type: 'warning', message: `At the order's maximum price the budget lasts ${Math.round(hours * 60)} minutes.`})
  }
  const usd = (value: bigint | undefined, unknown: boolean) => (value !== undefined ? formatUsd(value) : unknown ? null : undefined)
  const perHourUsd = usd(f.maxUsdPerHour, usdUnknown)
  const perMonthUsd = usd(f.maxUsdPerMonth, usdUnknown)
  const depositUsd = usd(f.depositUsd, pricing.missing(f.deposit.denom))
  yield clock.event({
    type: 'forecast',
    denom: f.denom,
    maxPerBlock: formatPerBlock(f.maxPerBlock, f.denom),
    ...(perHourUsd !== undefined ? {maxUsdPerHour: perHourUsd} : {}),
    ...(perMonthUsd !== undefined ? {maxUsdPerMonth: perMonthUsd} : {}),
    deposit: {amount: f.deposit.amount, denom: f.deposit.denom, display: formatCoin(f.deposit.amount, f.deposit.denom), ...(depositUsd !== undefined ? {usd: depositUsd} : {})},
    ...(input.budgetUsd !== undefined ? {budgetUsd: formatUsd(input.budgetUsd)} : {}),
    ...(input.ttlMs !== undefined ? {ttlMs: input.ttlMs} : {}),
    ...(f.ttl ? {ttlEnforcedByEscrow: f.ttl.enforcedByEscrow, escrowLastsMs: f.ttl.escrowLastsMs} : {}),
    blockTimeMs: network.blockTimeMs,
  })
  const perHourText =
    f.maxUsdPerHour !== undefined ? `at most ${formatUsd(f.maxUsdPerHour)}/h (${formatUsd(f.maxUsdPerMonth ?? 0n)}/month)` : `at most ${formatPerBlock(f.maxPerBlock, f.denom, {significant: 4})}`
  const ttlText = f.ttl?.enforcedByEscrow ? ` (pays for the ${formatDuration(f.ttl.ttlMs)} TTL at most: then the chain closes the lease)` : ''
  yield clock.step('forecast', 'succeeded', `${perHourText}; deposit ${formatCoin(f.deposit.amount, f.deposit.denom)}${ttlText}`)
  return {forecast: f, pricing}
}

/** The providers on chain that match every group (what a dry run lists); nothing is sent. */
async function* matchingProviders(state: PlanState, groups: GroupSpec[]): AsyncGenerator<DeployEvent, NonNullable<DeployPlan['candidates']>> {
  const {clock} = state
  yield clock.step('bids', 'started', 'Checking which providers match the order')
  const providers = await state.ctx.market.providers()
  const matching = await state.directory.matching(groups, providers)
  yield clock.step('bids', 'succeeded', `${matching.length} of ${providers.length} providers match the order (dry run: nothing was sent)`)
  return matching.map((p) => {
    const region = providerRegion(p.attributes)
    const country = providerCountry(p.attributes)
    return {provider: p.owner, hostUri: p.hostUri, ...(region ? {region} : {}), ...(country ? {country} : {})}
  })
}
