/**
 * The one place `edge mcp` calls the deploy service. Today that is `deploy()` (dry run for the
 * plan, the full run for apply) and the pure `forecast()`; when s-deploy's `planDeploy` /
 * `applyDeploy` (src/services/deploy/plan.ts, apply.ts) land, only this file changes.
 */
import {matchGroup, matchGroupFromSpec} from '../protocol/matching.js'
import type {Coin} from '../market/market.js'
import {toUsd} from '../protocol/money.js'
import {type Sdl, groupSpecs, loadSdlFile, manifestVersion, requireValid, totalPricePerBlock} from '../sdl/index.js'
import {providerRegion} from '../services/deploy/candidates.js'
import {deploy} from '../services/deploy/deploy.js'
import type {DeployEvent} from '../services/deploy/events.js'
import {forecast} from '../services/deploy/forecast.js'
import {convertGroupSpec} from '../services/deploy/group-spec.js'
import type {ScoredBid} from '../services/deploy/scoring.js'
import type {ChoiceRequest, DeployResult} from '../services/deploy/types.js'
import type {TenantContext} from '../services/lease/context.js'

export interface PlanInput {
  /** The SDL to deploy (the plan's own copy). */
  file: string
  ttlMs: number
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
  blockTimeMs: number
  /** AKT price used for the USD figures (USD × 10^18), when there is one. */
  aktUsd?: bigint
  /** Providers whose on-chain attributes match every group (the chain's own matching). */
  matchingProviders: Array<{provider: string; hostUri: string; region?: string; country?: string}>
}

export async function planDeploy(ctx: TenantContext, input: PlanInput): Promise<PlannedDeploy> {
  const {market, network} = ctx
  const sdl = requireValid(await loadSdlFile(input.file, {denom: network.depositDenom}), input.file)
  const [minDeposits, aktPrice, providers] = await Promise.all([market.minDeposits().catch(() => []), market.aktPrice(), market.providers()])
  const price = totalPricePerBlock(sdl)
  const min = minDeposits.find((c) => c.denom === price.denom)
  const f = forecast({
    denom: price.denom,
    maxPerBlock: price.scaled,
    blockTimeMs: network.blockTimeMs,
    ttlMs: input.ttlMs,
    ...(min ? {minDeposit: min} : {}),
    ...(aktPrice.usd ? {aktUsd: aktPrice.usd} : {}),
  })
  const specs = groupSpecs(sdl).map(convertGroupSpec)
  const needAudits = specs.some((s) => s.requirements.signedBy.allOf.length + s.requirements.signedBy.anyOf.length > 0)
  const audits = new Map<string, Awaited<ReturnType<typeof market.auditedAttributes>>>()
  if (needAudits) await Promise.all(providers.map(async (p) => audits.set(p.owner, await market.auditedAttributes(p.owner).catch(() => []))))
  const matching = providers.filter((p) => specs.every((s) => matchGroup(matchGroupFromSpec(s), {attributes: p.attributes, audited: audits.get(p.owner) ?? []}).ok))
  return {
    sdl,
    manifestHash: manifestVersion(sdl).hex,
    denom: f.denom,
    maxPerBlock: f.maxPerBlock,
    ...(f.maxUsdPerHour !== undefined ? {maxUsdPerHour: f.maxUsdPerHour} : {}),
    deposit: f.deposit,
    ...(f.depositUsd !== undefined ? {depositUsd: f.depositUsd} : {}),
    depositBlocks: f.maxPerBlock > 0n ? (f.deposit.amount * 10n ** 18n) / f.maxPerBlock : 0n,
    blockTimeMs: network.blockTimeMs,
    ...(aktPrice.usd ? {aktUsd: aktPrice.usd} : {}),
    matchingProviders: matching.map((p) => ({
      provider: p.owner,
      hostUri: p.hostUri,
      ...(providerRegion(p.attributes) ? {region: providerRegion(p.attributes)} : {}),
      ...(providerCountry(p.attributes) ? {country: providerCountry(p.attributes)} : {}),
    })),
  }
}

/** USD (× 10^18) of an amount of a denom's base unit, at the plan's AKT price. */
export function coinUsd(coin: Coin, aktUsd?: bigint): bigint | undefined {
  return toUsd(coin.amount * 10n ** 18n, coin.denom, aktUsd)
}

export interface ApplyInput {
  file: string
  ttlMs: number
  deposit: Coin
  /** Cap for the whole deployment, USD/h × 10^18 (bids above it are left out). */
  maxUsdPerHour?: bigint
  /** Picks the bid from the scored ones (the limits' allowlists); throws to refuse them all. */
  choose: (request: ChoiceRequest) => ScoredBid
  labels: Record<string, string>
  bidTimeoutMs: number
  readyTimeoutMs: number
  signal: AbortSignal
  onEvent?: (event: DeployEvent) => void
}

/** The full deploy run; a failure after the deployment exists closes it (the service does). */
export async function applyDeploy(ctx: TenantContext, input: ApplyInput): Promise<DeployResult> {
  const flow = deploy(
    {market: ctx.market, network: ctx.network, ledger: ctx.ledger, key: ctx.key!, choose: async (request) => input.choose(request)},
    {
      file: input.file,
      bidTimeoutMs: input.bidTimeoutMs,
      deposit: input.deposit,
      ttlMs: input.ttlMs,
      ...(input.maxUsdPerHour !== undefined ? {maxUsdPerHour: input.maxUsdPerHour} : {}),
      keep: false,
      labels: input.labels,
      dryRun: false,
      mint: false,
      readyTimeoutMs: input.readyTimeoutMs,
      signal: input.signal,
    },
  )
  for (;;) {
    const next = await flow.next()
    if (next.done) return next.value
    input.onEvent?.(next.value)
  }
}

const COUNTRY_KEYS = ['country', 'location-country', 'country-code', 'location/country']

export function providerCountry(attributes: ReadonlyArray<{key: string; value: string}> | undefined): string | undefined {
  for (const key of COUNTRY_KEYS) {
    const found = attributes?.find((a) => a.key === key)
    if (found) return found.value
  }
  return undefined
}
