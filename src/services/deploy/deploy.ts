/**
 * `edge deploy`: from an SDL file to running services, as one AsyncGenerator of typed events
 * (events.ts) that ends with a DeployResult. The command feeds the events to the Ink view or the
 * JSONL writer; the flow itself never prints.
 *
 * validate → forecast → funds (mint ACT if allowed) → create deployment (dseq = height) → bids,
 * block by block → latency probes → score → choose → lease → manifest → wait until ready.
 *
 * Money is never left locked: once the deployment exists, any failure or cancellation closes it
 * (unless `keep`), and the ledger records why.
 */
import {createHash} from 'node:crypto'

import {CancelledError, EdgeError, InsufficientFundsError, NoBidsError, ProviderError, ServiceFailedError, UsageError} from '../../errors.js'
import {matchGroup, matchGroupFromSpec} from '../../market/matching.js'
import {type AktPrice, type AuditedAttributes, type Bid, type BidId, type Coin, type GroupSpec, isLeaseLive, type Lease, type ProviderInfo} from '../../market/market.js'
import {formatCoin, formatPerBlock, formatUsd, perHour, perMonth, toUsd} from '../../market/money.js'
import {convertGroupSpec} from './group-spec.js'
import type {ProviderClient, TokenSource} from '../../provider-client/client.js'
import type {JwtScope} from '../../provider-client/jwt.js'
import type {LatencyResult} from '../../provider-client/probe.js'
import {abortableSleep} from '../../provider-client/sleep.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {
  type Sdl,
  groupSpecs,
  manifestSortedJson,
  manifestVersion,
  reclamationSeconds,
  totalPricePerBlock,
} from '../../sdl/index.js'
import {IdempotencyConflict, type LedgerEntry} from '../ledger/ledger.js'
import {DEFAULT_MIN_MINT_UACT, FEE_RESERVE_UAKT, mintAct, planMint} from '../mint.js'
import {applyFilters, buildCandidates, type Excluded, providerRegion} from './candidates.js'
import {type FreeCapacity, diagnoseNoBids, freeCapacityOf} from './diagnose.js'
import {bidView, describeBid} from './bid-view.js'
import type {DeployEvent, StepName} from './events.js'
import {type Forecast, forecast as computeForecast} from './forecast.js'
import {type ScoredBid, type Strategy, bidPerHour, explain, scoreBids} from './scoring.js'
import {waitForServices} from './ready.js'
import {collectUris, runtimesOf, summarizeServices} from './status.js'
import {UsdPricing, aktPriceWarning, usdEntry} from '../usd.js'
import type {DeployDeps, DeployedService, DeployLease, DeployOptions, DeployResult, LeaseRuntime} from './types.js'
import {validateSdl} from './validate.js'

export {bidView} from './bid-view.js'
export {validateSdl} from './validate.js'

type Ev = DeployEvent
type Emit = AsyncGenerator<Ev, void>

const STRATEGIES = new Set<Strategy>(['cheapest', 'fastest', 'balanced'])

export function isStrategy(value: string | undefined): value is Strategy {
  return value !== undefined && STRATEGIES.has(value as Strategy)
}

const ts = () => new Date().toISOString()

interface GroupState {
  gseq: number
  name: string
  spec: GroupSpec
}

interface Chosen {
  scored: ScoredBid
  by: Strategy | 'provider' | 'user'
}

/** Runs the deploy flow. */
export function deploy(deps: DeployDeps, options: DeployOptions): AsyncGenerator<Ev, DeployResult> {
  return new DeployRun(deps, options).run()
}

class DeployRun {
  private readonly now: () => number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly owner: string
  private readonly network: string
  private sdl!: Sdl
  private hashHex = ''
  private services: string[] = []
  private dseq?: bigint
  /** The deployment exists on chain and is ours to close on failure. */
  private ownsDeployment = false
  private entry?: LedgerEntry
  private forecast?: Forecast
  /** AKT→USD for this run, read with the forecast. */
  private pricing = new UsdPricing({unavailable: 'not read yet'})
  private providers = new Map<string, ProviderInfo>()
  private audits = new Map<string, AuditedAttributes[]>()
  private readonly timings: Record<string, number> = {}
  private readonly blocks: DeployResult['blocks'] = {start: 0}
  private stepStarted = new Map<StepName, number>()
  private explanation?: DeployResult['explanation']
  private clients = new Map<string, ProviderClient>()
  /** How each provider runs its lease (edge providers say so in the lease status), by provider. */
  private runtimes = new Map<string, LeaseRuntime>()
  private providerSide?: Promise<[typeof import('../../provider-client/client.js'), typeof import('../../provider-client/jwt.js'), typeof import('../../provider-client/probe.js')]>
  private chainFacts?: Promise<[Coin[], AktPrice]>

  constructor(
    private readonly deps: DeployDeps,
    private readonly options: DeployOptions,
  ) {
    this.now = deps.now ?? Date.now
    this.sleep = deps.sleep ?? abortableSleep
    if (!deps.market.tx) throw new UsageError('Deploying needs a key to sign with.')
    this.owner = deps.market.tx.address
    this.network = deps.network.name
  }

  private step(step: StepName, status: 'started' | 'succeeded' | 'failed' | 'skipped', message: string, height?: number): Ev {
    let elapsedMs: number | undefined
    if (status === 'started') this.stepStarted.set(step, this.now())
    else {
      const started = this.stepStarted.get(step)
      if (started !== undefined) {
        elapsedMs = this.now() - started
        this.timings[step] = (this.timings[step] ?? 0) + elapsedMs
      }
    }
    return {type: 'step', step, status, message, ts: ts(), ...(elapsedMs === undefined ? {} : {elapsedMs}), ...(height === undefined ? {} : {height})}
  }

  private checkCancelled(): void {
    if (this.options.signal.aborted) throw new CancelledError('Deployment cancelled.')
  }

  async *run(): AsyncGenerator<Ev, DeployResult> {
    // The total includes a validation the command ran before the flow.
    const started = this.now() - (this.options.validated?.elapsedMs ?? 0)
    const {market} = this.deps
    // Chain reads that do not depend on the SDL start now and overlap with validation.
    const startBlock = market.latestBlock()
    // Awaited after validation; a failed SDL must not leave its rejection unhandled.
    void startBlock.catch(() => undefined)
    this.chainFacts = Promise.all([market.minDeposits().catch(() => []), market.aktPrice()])
    void this.chainFacts.catch(() => undefined)
    yield* this.validate()
    // The first block height anchors the block counts of the benchmark.
    this.blocks.start = (await startBlock).height
    yield* this.prepareForecast()
    this.checkCancelled()

    if (this.options.dryRun) return yield* this.dryRun(started)

    const resumed = yield* this.resumeByKey()
    yield* this.checkFunds()
    this.checkCancelled()

    try {
      if (!resumed) yield* this.createDeployment()
      const groups = await this.groups()
      let leases = resumed ? await this.activeLeases() : []
      if (leases.length < groups.length) {
        const chosen = yield* this.collectAndChoose(groups.filter((g) => !leases.some((l) => l.id.gseq === g.gseq)))
        leases = [...leases, ...(yield* this.createLeases(chosen))]
      } else {
        for (const l of leases) {
          yield {type: 'lease_created', provider: l.id.provider, dseq: l.id.dseq, gseq: l.id.gseq, oseq: l.id.oseq, bseq: l.id.bseq, height: l.createdAt, reused: true, ts: ts()}
        }
      }
      await this.loadProviders(leases.map((l) => l.id.provider))
      yield* this.sendManifests(leases)
      const status = yield* this.waitReady(leases)
      this.timings.total = this.now() - started
      return this.result(leases, status, resumed)
    } catch (error) {
      yield* this.cleanup(error)
      throw error
    }
  }

  // ------------------------------------------------------------------------------------------
  // validate + forecast

  private async *validate(): Emit {
    const validated = this.options.validated ?? (yield* validateSdl(this.options.file, this.deps.network.depositDenom, this.now))
    this.sdl = validated.sdl
    this.hashHex = manifestVersion(this.sdl).hex
    this.services = Object.keys(this.sdl.model.services).sort()
    this.timings.validate = validated.elapsedMs
  }

  private async *prepareForecast(): Emit {
    yield this.step('forecast', 'started', 'Forecasting cost')
    const {market, network} = this.deps
    const price = totalPricePerBlock(this.sdl)
    if (price.denom !== network.depositDenom) {
      yield {type: 'warning', message: `The SDL prices in ${price.denom} but ${network.name} takes deposits in ${network.depositDenom}.`, ts: ts()}
    }
    const [minDeposits, aktPrice] = await (this.chainFacts ?? Promise.all([market.minDeposits().catch(() => []), market.aktPrice()]))
    this.pricing = new UsdPricing(aktPrice)
    const aktUsd = aktPrice.usd
    // Every USD figure of the run is in the order's denom: one warning covers them all.
    const usdUnknown = this.pricing.missing(price.denom)
    if (usdUnknown) yield {type: 'warning', message: aktPriceWarning(aktPrice), ts: ts()}
    const min = minDeposits.find((c) => c.denom === price.denom)
    this.forecast = computeForecast({
      denom: price.denom,
      maxPerBlock: price.scaled,
      blockTimeMs: network.blockTimeMs,
      ...(min ? {minDeposit: min} : {}),
      ...(this.options.deposit ? {deposit: this.options.deposit} : {}),
      ...(this.options.budgetUsd !== undefined ? {budgetUsd: this.options.budgetUsd} : {}),
      ...(this.options.ttlMs !== undefined ? {ttlMs: this.options.ttlMs} : {}),
      ...(aktUsd ? {aktUsd} : {}),
    })
    const f = this.forecast
    if (this.options.deposit && min && this.options.deposit.denom === min.denom && this.options.deposit.amount < min.amount) {
      throw new UsageError(`--deposit ${formatCoin(this.options.deposit.amount, this.options.deposit.denom)} is below the chain's minimum of ${formatCoin(min.amount, min.denom)}.`, {
        code: 'deposit_too_small',
      })
    }
    if (this.options.deposit && this.options.deposit.denom !== price.denom) {
      throw new UsageError(`--deposit is in ${this.options.deposit.denom} but the deployment is priced in ${price.denom}.`, {code: 'deposit_denom'})
    }
    if (this.options.budgetUsd !== undefined && f.maxUsdPerHour !== undefined && f.maxUsdPerHour > 0n) {
      const hours = Number((this.options.budgetUsd * 100n) / f.maxUsdPerHour) / 100
      if (hours < 1) yield {type: 'warning', message: `At the order's maximum price the budget lasts ${Math.round(hours * 60)} minutes.`, ts: ts()}
    }
    yield {
      type: 'forecast',
      denom: f.denom,
      maxPerBlock: formatPerBlock(f.maxPerBlock, f.denom),
      ...(f.maxUsdPerHour !== undefined ? {maxUsdPerHour: formatUsd(f.maxUsdPerHour)} : usdUnknown ? {maxUsdPerHour: null} : {}),
      ...(f.maxUsdPerMonth !== undefined ? {maxUsdPerMonth: formatUsd(f.maxUsdPerMonth)} : usdUnknown ? {maxUsdPerMonth: null} : {}),
      deposit: {
        amount: f.deposit.amount,
        denom: f.deposit.denom,
        display: formatCoin(f.deposit.amount, f.deposit.denom),
        ...(f.depositUsd !== undefined ? {usd: formatUsd(f.depositUsd)} : this.pricing.missing(f.deposit.denom) ? {usd: null} : {}),
      },
      ...(this.options.budgetUsd !== undefined ? {budgetUsd: formatUsd(this.options.budgetUsd)} : {}),
      ...(this.options.ttlMs !== undefined ? {ttlMs: this.options.ttlMs} : {}),
      blockTimeMs: network.blockTimeMs,
      ts: ts(),
    }
    const perHourText = f.maxUsdPerHour !== undefined ? `at most ${formatUsd(f.maxUsdPerHour)}/h (${formatUsd(f.maxUsdPerMonth ?? 0n)}/month)` : `at most ${formatPerBlock(f.maxPerBlock, f.denom, {significant: 4})}`
    yield this.step('forecast', 'succeeded', `${perHourText}; deposit ${formatCoin(f.deposit.amount, f.deposit.denom)}`)
  }

  private async *dryRun(started: number): AsyncGenerator<Ev, DeployResult> {
    yield* this.checkFunds(true)
    yield this.step('bids', 'started', 'Checking which providers match the order')
    const specs = groupSpecs(this.sdl).map(convertGroupSpec)
    const providers = await this.deps.market.providers()
    const needAudits = specs.some((s) => s.requirements.signedBy.allOf.length + s.requirements.signedBy.anyOf.length > 0)
    if (needAudits) await this.loadAudits(providers.map((p) => p.owner))
    const matching = providers.filter((p) =>
      specs.every((s) => matchGroup(matchGroupFromSpec(s), {attributes: p.attributes, audited: this.audits.get(p.owner) ?? []}).ok),
    )
    yield this.step('bids', 'succeeded', `${matching.length} of ${providers.length} providers match the order (dry run: nothing was sent)`)
    this.timings.total = this.now() - started
    const f = this.forecast!
    return {
      dseq: 0n,
      owner: this.owner,
      network: this.network,
      state: 'dry-run',
      reused: false,
      leases: [],
      price: {
        perBlock: formatPerBlock(f.maxPerBlock, f.denom),
        denom: f.denom,
        ...usdEntry('usdPerHour', f.maxUsdPerHour !== undefined ? formatUsd(f.maxUsdPerHour) : this.pricing.missing(f.denom) ? null : undefined),
        ...usdEntry('usdPerMonth', f.maxUsdPerMonth !== undefined ? formatUsd(f.maxUsdPerMonth) : this.pricing.missing(f.denom) ? null : undefined),
      },
      deposit: {amount: f.deposit.amount, denom: f.deposit.denom, display: formatCoin(f.deposit.amount, f.deposit.denom)},
      services: this.services.map((name) => ({name, ready: 0, total: 0, uris: []})),
      uris: [],
      forwardedPorts: [],
      hash: this.hashHex,
      labels: this.options.labels,
      blocks: this.blocks,
      timings: this.timings,
      matchingProviders: matching.map((p) => ({provider: p.owner, hostUri: p.hostUri, ...(providerRegion(p.attributes) ? {region: providerRegion(p.attributes)} : {})})),
    }
  }

  // ------------------------------------------------------------------------------------------
  // funds

  private async *checkFunds(readOnly = false): Emit {
    const {market} = this.deps
    const f = this.forecast!
    yield this.step('funds', 'started', 'Checking the wallet')
    const balances = await market.balances(this.owner)
    const uact = balances.find((c) => c.denom === 'uact')?.amount ?? 0n
    const uakt = balances.find((c) => c.denom === 'uakt')?.amount ?? 0n
    const have = f.deposit.denom === 'uakt' ? uakt : (balances.find((c) => c.denom === f.deposit.denom)?.amount ?? 0n)
    const needed = f.deposit.amount + (f.deposit.denom === 'uakt' ? FEE_RESERVE_UAKT : 0n)
    const shortfall = needed > have ? needed - have : 0n
    yield {type: 'funds', ok: shortfall === 0n, balance: {uact, uakt}, needed: {denom: f.deposit.denom, amount: needed}, ...(shortfall ? {shortfall} : {}), ts: ts()}
    if (uakt < FEE_RESERVE_UAKT && f.deposit.denom !== 'uakt') {
      if (readOnly) {
        yield {type: 'warning', message: `The wallet holds ${formatCoin(uakt, 'uakt')}; transactions need a little AKT for fees.`, ts: ts()}
      } else {
        yield this.step('funds', 'failed', 'Not enough AKT for fees')
        throw new InsufficientFundsError(`The wallet ${this.owner} holds ${formatCoin(uakt, 'uakt')}, not enough AKT to pay transaction fees.`, {
          hint: this.deps.network.name === 'local' ? 'Fund it with `edge dev fund`.' : 'Send some AKT to this address.',
          details: {address: this.owner, uakt},
        })
      }
    }
    if (shortfall === 0n) {
      yield this.step('funds', 'succeeded', `${formatCoin(have, f.deposit.denom)} available, ${formatCoin(f.deposit.amount, f.deposit.denom)} needed`)
      yield this.step('mint', 'skipped', 'No ACT needed')
      return
    }
    if (readOnly) {
      yield this.step('funds', 'failed', `${formatCoin(shortfall, f.deposit.denom)} short (dry run)`)
      return
    }
    if (f.deposit.denom !== 'uact') {
      yield this.step('funds', 'failed', 'Insufficient funds')
      throw new InsufficientFundsError(`The deposit needs ${formatCoin(needed, f.deposit.denom)} but the wallet holds ${formatCoin(have, f.deposit.denom)}.`, {
        details: {address: this.owner, needed, have},
      })
    }
    // Short of ACT: mint it from AKT when the user allows it, never less than the chain's min_mint.
    const minMint = (await market.bmeStatus().catch(() => undefined))?.minMintUact ?? DEFAULT_MIN_MINT_UACT
    let plan
    try {
      plan = planMint(shortfall, this.pricing.price, minMint)
    } catch (error) {
      yield this.step('funds', 'failed', 'Not enough ACT')
      throw new InsufficientFundsError(`The deposit needs ${formatCoin(f.deposit.amount, 'uact')} but the wallet holds ${formatCoin(uact, 'uact')}.`, {
        hint: `${(error as EdgeError).hint ?? ''} Then run edge deploy again.`.trim(),
        details: {address: this.owner, shortfallUact: shortfall},
      })
    }
    let allowed = this.options.mint
    if (!allowed && this.deps.confirmMint) {
      allowed = await this.deps.confirmMint({shortfallUact: shortfall, burnUakt: plan.burnUakt, ...(plan.expectedUact ? {expectedUact: plan.expectedUact} : {})})
    }
    if (!allowed) {
      yield this.step('funds', 'failed', 'Not enough ACT')
      throw new InsufficientFundsError(
        `The deposit needs ${formatCoin(f.deposit.amount, 'uact')} but the wallet holds ${formatCoin(uact, 'uact')} (${formatCoin(shortfall, 'uact')} short).`,
        {
          hint: `Mint ACT from AKT: pass --mint (burns about ${formatCoin(plan.burnUakt, 'uakt')}), or run \`edge wallet mint ${formatCoin(shortfall < minMint ? minMint : shortfall, 'uact').replace(' ACT', 'act')}\`.`,
          details: {address: this.owner, shortfallUact: shortfall, burnUakt: plan.burnUakt},
        },
      )
    }
    yield this.step('funds', 'succeeded', `${formatCoin(shortfall, 'uact')} short: minting ACT`)
    yield this.step('mint', 'started', `Burning ${formatCoin(plan.burnUakt, 'uakt')} for ACT`)
    const mint = mintAct(this.deps.market, {uact: shortfall, signal: this.options.signal, aktPrice: this.pricing.price})
    for (;;) {
      const next = await mint.next()
      if (next.done) {
        yield this.step('mint', 'succeeded', `Minted ${formatCoin(next.value.mintedUact, 'uact')} in ${next.value.blocksWaited} blocks`)
        break
      }
      yield next.value
    }
  }

  // ------------------------------------------------------------------------------------------
  // idempotency

  /** With an idempotency key held by a live deployment, continue that one instead. */
  private async *resumeByKey(): AsyncGenerator<Ev, boolean> {
    const key = this.options.idempotencyKey
    if (!key) return false
    let held = this.deps.ledger.findByKey(this.network, this.owner, key)
    if (!held) {
      try {
        held = await this.findKeyOnChain(key)
      } catch (error) {
        // Public RPC nodes may run without a transaction index; the local ledger is then all there is.
        yield {type: 'warning', message: `Could not look for idempotency key "${key}" on chain (${(error as Error).message}); a deployment an earlier run opened on another machine will not be found.`, ts: ts()}
      }
    }
    if (!held) return false
    return yield* this.adoptHeld(held)
  }

  /**
   * A retried CI job usually runs on a fresh machine, whose ledger is empty: the key is then looked
   * for in the memos of the create transactions of the owner's active deployments.
   */
  private async findKeyOnChain(key: string): Promise<LedgerEntry | undefined> {
    const {market, ledger} = this.deps
    const marker = idempotencyMemo(key)
    const newestFirst = (await market.deployments(this.owner, 'active')).sort((a, b) => b.createdAt - a.createdAt)
    // A retry runs the same manifest, so those deployments are asked about first; the others can
    // only turn up a key reused for another manifest (a conflict).
    const same = (d: {hash: Uint8Array}) => Buffer.from(d.hash).toString('hex') === this.hashHex
    const candidates = [...newestFirst.filter(same), ...newestFirst.filter((d) => !same(d))].slice(0, MAX_KEY_SEARCH)
    let found: (typeof candidates)[number] | undefined
    for (let i = 0; i < candidates.length && !found; i += KEY_SEARCH_PARALLEL) {
      const batch = candidates.slice(i, i + KEY_SEARCH_PARALLEL)
      const memos = await Promise.all(batch.map((d) => market.txMemos(this.owner, d.createdAt)))
      found = batch.find((_d, j) => memos[j].includes(marker))
    }
    if (!found) return undefined
    const hash = Buffer.from(found.hash).toString('hex')
    const entry = {
      network: this.network,
      owner: this.owner,
      dseq: found.id.dseq,
      state: 'open' as const,
      file: this.options.file,
      hash,
      services: this.services,
      idempotencyKey: key,
      labels: this.options.labels,
      uris: [],
      createdHeight: found.createdAt,
      ...(this.options.budgetUsd !== undefined ? {budgetUsd: this.options.budgetUsd} : {}),
      ...(this.options.ttlMs !== undefined ? {expiresAt: this.now() + this.options.ttlMs} : {}),
    }
    // Another manifest's deployment is only reported (adoptHeld refuses it): recording this run's
    // services, labels, budget and TTL on it would scope its provider tokens to the wrong services
    // and let `edge close --expired` close it on this run's --ttl.
    if (hash !== this.hashHex) return {...entry, createdAt: 0, updatedAt: 0}
    return ledger.adopt(entry, {keepKey: true})
  }

  private async *adoptHeld(held: LedgerEntry): AsyncGenerator<Ev, boolean> {
    if (held.hash && held.hash !== this.hashHex) {
      throw new UsageError(`Idempotency key "${held.idempotencyKey}" belongs to deployment ${held.dseq}, which runs a different manifest.`, {
        code: 'idempotency_conflict',
        hint: `Use a new key for a new deployment, or change the running one with \`edge update ${held.dseq} ${this.options.file}\`.`,
        details: {dseq: held.dseq, hash: held.hash},
      })
    }
    const onChain = await this.deps.market.deployment({owner: this.owner, dseq: held.dseq})
    if (!onChain || onChain.state !== 'active') {
      this.deps.ledger.markClosed(this.network, this.owner, held.dseq, 'closed on chain', 'closed')
      return false
    }
    this.dseq = held.dseq
    this.entry = held
    // A resumed deployment was opened by an earlier run: a failure now still closes it unless --keep.
    this.ownsDeployment = true
    this.blocks.created = onChain.createdAt
    yield {type: 'deployment_created', dseq: held.dseq, txHash: '', height: onChain.createdAt, reused: true, ts: ts()}
    yield this.step('create', 'skipped', `Found deployment ${held.dseq} for idempotency key "${held.idempotencyKey}"`)
    return true
  }

  // ------------------------------------------------------------------------------------------
  // create

  private async *createDeployment(): Emit {
    const {market, ledger} = this.deps
    const tx = market.tx!
    const f = this.forecast!
    yield this.step('create', 'started', 'Creating the deployment')
    // The provider-side code (TLS probes, JWTs, websockets) loads while the chain includes the tx.
    void this.providerModules().catch(() => undefined)
    let attempt = 0
    for (;;) {
      attempt++
      const height = (await market.latestBlock()).height
      const dseq = BigInt(height) + BigInt(attempt - 1)
      try {
        this.entry = ledger.reserve({
          network: this.network,
          owner: this.owner,
          dseq,
          state: 'creating',
          file: this.options.file,
          hash: this.hashHex,
          services: this.services,
          deposit: f.deposit.amount,
          depositDenom: f.deposit.denom,
          ...(this.options.budgetUsd !== undefined ? {budgetUsd: this.options.budgetUsd} : {}),
          ...(this.options.ttlMs !== undefined ? {expiresAt: this.now() + this.options.ttlMs} : {}),
          ...(this.options.idempotencyKey ? {idempotencyKey: this.options.idempotencyKey} : {}),
          labels: this.options.labels,
          uris: [],
        })
      } catch (error) {
        if (error instanceof IdempotencyConflict) {
          // Another run with the same key got there first: follow it.
          if (yield* this.adoptHeld(error.existing)) return
          continue
        }
        if (/UNIQUE constraint failed: deployments\.network/.test((error as Error).message) && attempt < 5) continue
        throw error
      }
      this.dseq = dseq
      try {
        const result = await tx.createDeployment({
          dseq,
          groups: groupSpecs(this.sdl),
          hash: manifestVersion(this.sdl).bytes,
          deposit: f.deposit,
          ...(this.options.idempotencyKey ? {memo: idempotencyMemo(this.options.idempotencyKey)} : {}),
          // SDL `reclamation.min_window`: the notice a provider must give before it reclaims (AEP-82).
          ...(reclamationSeconds(this.sdl) !== undefined ? {reclamationWindowSeconds: reclamationSeconds(this.sdl)} : {}),
        })
        this.ownsDeployment = true
        this.blocks.created = result.height
        ledger.update(this.network, this.owner, dseq, {state: 'open', createdHeight: result.height})
        yield {type: 'deployment_created', dseq, txHash: result.txHash, height: result.height, ts: ts()}
        yield this.step('create', 'succeeded', `Deployment ${dseq} created in block ${result.height}`, result.height)
        return
      } catch (error) {
        // An unknown outcome (timeout) may still have created it: ask the chain.
        const exists = await market.deployment({owner: this.owner, dseq}).catch(() => undefined)
        if (exists && exists.state === 'active') {
          this.ownsDeployment = true
          ledger.update(this.network, this.owner, dseq, {state: 'open', createdHeight: exists.createdAt})
          this.blocks.created = exists.createdAt
          yield {type: 'deployment_created', dseq, txHash: '', height: exists.createdAt, ts: ts()}
          yield this.step('create', 'succeeded', `Deployment ${dseq} created in block ${exists.createdAt}`, exists.createdAt)
          return
        }
        const message = (error as Error).message
        if (!createRefused(error)) {
          // Neither refused nor found (a broadcast that timed out, a lost connection): the
          // transaction may still be included, locking the deposit. The ledger row stays
          // 'creating' (a retry with the same idempotency key checks the chain again).
          ledger.update(this.network, this.owner, dseq, {closeReason: `create outcome unknown: ${message}`})
          yield this.step('create', 'failed', message)
          appendHint(error, `The transaction may still create deployment ${dseq}: check with \`edge status ${dseq}\` and close it with \`edge close ${dseq}\`.`)
          throw error
        }
        ledger.markClosed(this.network, this.owner, dseq, `create failed: ${message}`, 'failed')
        this.dseq = undefined
        // Two deploys in one block pick the same dseq; the next height is free.
        if (/already exists|deployment exists/i.test(message) && attempt < 5) continue
        yield this.step('create', 'failed', message)
        throw error
      }
    }
  }

  private async groups(): Promise<GroupState[]> {
    const deployment = await this.deps.market.deployment({owner: this.owner, dseq: this.dseq!})
    if (deployment && deployment.groups.length > 0) {
      return deployment.groups.map((g) => ({gseq: g.id.gseq, name: g.spec.name, spec: g.spec}))
    }
    // The chain numbers groups from 1 in SDL order.
    return groupSpecs(this.sdl).map((g, i) => ({gseq: i + 1, name: g.name, spec: convertGroupSpec(g)}))
  }

  /** Leases whose workload runs: active, or reclaiming until the provider closes them. */
  private async activeLeases(): Promise<Lease[]> {
    return (await this.deps.market.leases({owner: this.owner, dseq: this.dseq!})).filter(isLeaseLive)
  }

  // ------------------------------------------------------------------------------------------
  // bids

  private async loadProviders(owners?: string[]): Promise<void> {
    if (owners && owners.every((o) => this.providers.has(o))) return
    if (owners && owners.length <= 3) {
      for (const o of owners) {
        if (this.providers.has(o)) continue
        const p = await this.deps.market.provider(o)
        if (p) this.providers.set(o, p)
      }
      return
    }
    for (const p of await this.deps.market.providers()) this.providers.set(p.owner, p)
  }

  private async loadAudits(owners: string[]): Promise<void> {
    const missing = owners.filter((o) => !this.audits.has(o))
    const results = await Promise.all(missing.map((o) => this.deps.market.auditedAttributes(o).catch(() => [])))
    missing.forEach((o, i) => this.audits.set(o, results[i]))
  }

  /** Providers that could bid on every group (the chain's own matching), for an early stop. */
  private async expectedBidders(groups: GroupState[]): Promise<Set<string>> {
    await this.loadProviders()
    const needAudits = groups.some((g) => g.spec.requirements.signedBy.allOf.length + g.spec.requirements.signedBy.anyOf.length > 0)
    if (needAudits) await this.loadAudits([...this.providers.keys()])
    const expected = new Set<string>()
    for (const p of this.providers.values()) {
      const ok = groups.every((g) => matchGroup(matchGroupFromSpec(g.spec), {attributes: p.attributes, audited: this.audits.get(p.owner) ?? []}).ok)
      if (ok) expected.add(p.owner)
    }
    return expected
  }

  private async *collectAndChoose(groups: GroupState[]): AsyncGenerator<Ev, Array<{group: GroupState; chosen: Chosen}>> {
    const {market, network} = this.deps
    const strategy: Strategy = isStrategy(this.options.select) ? this.options.select : 'balanced'
    const wantedProvider = this.options.select && !isStrategy(this.options.select) ? this.options.select : undefined
    const settle = this.options.settleBlocks ?? (network.name === 'local' ? 1 : 3)
    yield this.step('bids', 'started', `Waiting for bids (up to ${Math.round(this.options.bidTimeoutMs / 1000)} s)`)
    const expected = await this.expectedBidders(groups)
    const bids = new Map<string, Bid>()
    const key = (b: BidId) => `${b.gseq}/${b.oseq}/${b.provider}/${b.bseq}`
    const deadline = this.now() + this.options.bidTimeoutMs
    // Ends the block watch at the bid deadline or on Ctrl-C, whichever comes first.
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    this.options.signal.addEventListener('abort', onAbort, {once: true})
    const timer = setTimeout(() => controller.abort(), this.options.bidTimeoutMs)
    let settleUntil: number | undefined
    let lastHeight = 0
    try {
      for await (const block of market.watchBlocks(controller.signal)) {
        lastHeight = block.height
        const open = (await market.bids({owner: this.owner, dseq: this.dseq!})).filter((b) => b.state === 'open' || b.state === 'active')
        for (const b of open) {
          if (bids.has(key(b.id))) continue
          bids.set(key(b.id), b)
          this.blocks.firstBid ??= block.height
          const {usdPerHour} = bidPerHour(b, network.blockTimeMs, this.pricing.aktUsd)
          yield {
            type: 'bid',
            provider: b.id.provider,
            gseq: b.id.gseq,
            oseq: b.id.oseq,
            bseq: b.id.bseq,
            price: usdPerHour !== undefined ? `${formatUsd(usdPerHour)}/h` : formatPerBlock(b.price.amount, b.price.denom, {significant: 4}),
            ...(usdPerHour !== undefined ? {usdPerHour: formatUsd(usdPerHour)} : this.pricing.missing(b.price.denom) ? {usdPerHour: null} : {}),
            height: block.height,
            ts: ts(),
          }
        }
        const all = [...bids.values()]
        const everyGroupHasBid = groups.every((g) => all.some((b) => b.id.gseq === g.gseq))
        if (wantedProvider) {
          if (groups.every((g) => all.some((b) => b.id.gseq === g.gseq && b.id.provider === wantedProvider))) break
        } else if (everyGroupHasBid) {
          const bidders = new Set(all.map((b) => b.id.provider))
          if (expected.size > 0 && [...expected].every((p) => bidders.has(p))) break
          settleUntil ??= block.height + settle
          if (block.height >= settleUntil) break
        }
        if (this.now() >= deadline) break
      }
    } finally {
      clearTimeout(timer)
      this.options.signal.removeEventListener('abort', onAbort)
    }
    this.checkCancelled()
    const all = [...bids.values()]
    if (all.length === 0) yield this.step('bids', 'failed', `No bids within ${Math.round(this.options.bidTimeoutMs / 1000)} s`, lastHeight || undefined)
    else yield this.step('bids', 'succeeded', `${all.length} bid${all.length === 1 ? '' : 's'} from ${new Set(all.map((b) => b.id.provider)).size} provider(s)`, lastHeight || undefined)

    // Latency, measured in parallel for every bidder.
    const bidders = [...new Set(all.map((b) => b.id.provider))]
    await this.loadProviders(bidders)
    await this.loadAudits(bidders)
    let latency = new Map<string, LatencyResult>()
    const hosts = bidders.map((p) => this.providers.get(p)?.hostUri).filter((h): h is string => Boolean(h))
    if (hosts.length > 0) {
      yield this.step('probe', 'started', `Measuring TLS handshake time to ${hosts.length} provider(s)`)
      const [, , {measureLatency}] = await this.providerModules()
      latency = await measureLatency(hosts, {probe: this.deps.probe})
      for (const p of bidders) {
        const info = this.providers.get(p)
        const l = info ? latency.get(info.hostUri) : undefined
        if (!info || !l) continue
        yield {
          type: 'latency',
          provider: p,
          hostUri: info.hostUri,
          ...(l.p50Ms !== undefined ? {p50Ms: l.p50Ms} : {}),
          ...(l.p95Ms !== undefined ? {p95Ms: l.p95Ms} : {}),
          ...(l.rttMs !== undefined ? {rttMs: l.rttMs} : {}),
          samples: l.samples,
          ...(l.error ? {error: l.error} : {}),
          ts: ts(),
        }
      }
      yield this.step('probe', 'succeeded', `Measured ${[...latency.values()].filter((l) => l.samples > 0).length} of ${hosts.length}`)
    } else {
      yield this.step('probe', 'skipped', 'No bids to measure')
    }

    // Score and choose, group by group.
    yield this.step('select', 'started', 'Choosing')
    const specs = new Map(groups.map((g) => [g.gseq, g.spec]))
    const candidates = buildCandidates({bids: all, providers: this.providers, audits: this.audits, latency, specs, blockTimeMs: network.blockTimeMs, aktUsd: this.pricing.aktUsd})
    const {kept, excluded} = applyFilters(candidates, {
      ...(this.options.maxUsdPerHour !== undefined ? {maxUsdPerHour: this.options.maxUsdPerHour} : {}),
      ...(this.options.region ? {region: this.options.region} : {}),
    })
    const chosen: Array<{group: GroupState; chosen: Chosen}> = []
    const emptyGroups: GroupState[] = []
    const perGroup: Array<{group: GroupState; scored: ScoredBid[]; excluded: Excluded[]}> = []
    for (const group of groups) {
      const scored = scoreBids(kept.filter((c) => c.bid.id.gseq === group.gseq), strategy)
      const groupExcluded = excluded.filter((e) => candidates.some((c) => c.bid.id.gseq === group.gseq && c.bid.id.provider === e.provider))
      yield {type: 'bids_scored', gseq: group.gseq, strategy, bids: scored.map((s) => bidView(s, this.pricing)), excluded: groupExcluded, ts: ts()}
      if (scored.length === 0) emptyGroups.push(group)
      perGroup.push({group, scored, excluded: groupExcluded})
    }
    if (emptyGroups.length > 0) {
      yield* this.noBids(groups, all, excluded, emptyGroups)
    }
    for (const {group, scored, excluded: ex} of perGroup) {
      let pick: Chosen
      if (wantedProvider) {
        const found = scored.find((s) => s.bid.id.provider === wantedProvider)
        if (!found) {
          const why = ex.find((e) => e.provider === wantedProvider)
          yield this.step('select', 'failed', `${wantedProvider} did not bid`)
          throw new NoBidsError(`Provider ${wantedProvider} ${why ? why.detail : 'did not bid'} on group ${group.name}.`, {
            hint: `Bids came from: ${scored.map((s) => s.bid.id.provider).join(', ') || 'nobody'}. Choose one of them, or use --select balanced.`,
            details: {bids: scored.map((s) => bidView(s, this.pricing)), excluded: ex},
          })
        }
        pick = {scored: found, by: 'provider'}
      } else if (isStrategy(this.options.select) || !this.deps.choose) {
        pick = {scored: scored[0], by: strategy}
      } else {
        const picked = await this.deps.choose({gseq: group.gseq, groupName: group.name, bids: scored, excluded: ex, strategy})
        this.checkCancelled()
        pick = {scored: picked, by: 'user'}
      }
      const explanation = explain(scored, strategy, pick.scored)
      this.explanation ??= explanation
      yield {type: 'bid_selected', gseq: group.gseq, provider: pick.scored.bid.id.provider, score: pick.scored.score, by: pick.by, ...(explanation ? {explanation} : {}), ts: ts()}
      chosen.push({group, chosen: pick})
    }
    // The cap is for the whole deployment.
    if (this.options.maxUsdPerHour !== undefined) {
      const total = chosen.reduce((sum, c) => sum + (c.chosen.scored.usdPerHour ?? 0n), 0n)
      if (total > this.options.maxUsdPerHour) {
        yield this.step('select', 'failed', 'Over the price cap')
        throw new NoBidsError(`The chosen bids cost ${formatUsd(total)}/h together, above --max-price ${formatUsd(this.options.maxUsdPerHour)}/h.`, {
          hint: 'Raise --max-price, or simplify the SDL to fewer placement groups.',
        })
      }
    }
    const names = chosen.map((c) => `${c.chosen.scored.bid.id.provider} (${describeBid(c.chosen.scored)})`)
    yield this.step('select', 'succeeded', `Chose ${names.join(', ')}`)
    return chosen
  }

  private async *noBids(groups: GroupState[], bids: Bid[], excluded: Excluded[], empty: GroupState[]): AsyncGenerator<Ev, never> {
    await this.loadProviders()
    await this.loadAudits([...this.providers.keys()])
    const orderPerBlock = groups.reduce((sum, g) => sum + g.spec.resources.reduce((s, r) => s + r.price.amount * BigInt(r.count), 0n), 0n)
    const denom = groups[0]?.spec.resources[0]?.price.denom ?? 'uact'
    const orderUsd = toUsd(perHour(orderPerBlock, this.deps.network.blockTimeMs), denom, this.pricing.aktUsd)
    const bidders = new Set(bids.map((b) => b.id.provider))
    // Providers that match and stayed silent may just be too small: ask them what they have free.
    const silent = [...this.providers.values()].filter(
      (p) => !bidders.has(p.owner) && groups.every((g) => matchGroup(matchGroupFromSpec(g.spec), {attributes: p.attributes, audited: this.audits.get(p.owner) ?? []}).ok),
    )
    const capacity = await this.freeCapacity(silent)
    const diagnosis = diagnoseNoBids({
      specs: groups.map((g) => g.spec),
      providers: [...this.providers.values()],
      audits: this.audits,
      bidders,
      excluded,
      capacity,
      ...(orderUsd !== undefined ? {orderUsdPerHour: orderUsd} : {}),
      ...(this.options.maxUsdPerHour !== undefined ? {maxUsdPerHour: this.options.maxUsdPerHour} : {}),
    })
    yield {type: 'no_bids', diagnosis, ts: ts()}
    yield this.step('select', 'failed', 'No acceptable bid')
    const relax = diagnosis.relax.slice(0, 3).map((r) => r.change)
    throw new NoBidsError(
      `No acceptable bid for ${empty.map((g) => `group "${g.name}"`).join(', ')} within ${Math.round(this.options.bidTimeoutMs / 1000)} s. ${diagnosis.summary}`,
      {
        hint: relax.length ? `To get bids: ${relax.join('; ')}.` : 'Try again later, or on another network.',
        details: {dseq: this.dseq, diagnosis},
      },
    )
  }

  /** What each provider says it has free (Akash's `GET /status`); providers that do not answer in time are left out. */
  private async freeCapacity(providers: ProviderInfo[]): Promise<FreeCapacity[]> {
    const out = await Promise.all(
      providers.slice(0, 20).map(async (p) => {
        try {
          const status = await (await this.client(p.owner)).status(AbortSignal.timeout(3000))
          return freeCapacityOf(p.owner, status)
        } catch {
          return undefined
        }
      }),
    )
    return out.filter((c): c is FreeCapacity => c !== undefined)
  }

  // ------------------------------------------------------------------------------------------
  // lease + manifest + ready

  private async *createLeases(chosen: Array<{group: GroupState; chosen: Chosen}>): AsyncGenerator<Ev, Lease[]> {
    const {market, ledger} = this.deps
    const leases: Lease[] = []
    yield this.step('lease', 'started', `Leasing from ${chosen.map((c) => c.chosen.scored.bid.id.provider).join(', ')}`)
    for (const {chosen: c} of chosen) {
      this.checkCancelled()
      const bid = c.scored.bid
      let result
      try {
        result = await market.tx!.createLease(bid.id)
      } catch (error) {
        yield this.step('lease', 'failed', (error as Error).message)
        throw error
      }
      this.blocks.leased = result.height
      ledger.update(this.network, this.owner, this.dseq!, {
        state: 'leased',
        provider: bid.id.provider,
        gseq: bid.id.gseq,
        oseq: bid.id.oseq,
        bseq: bid.id.bseq,
        pricePerBlock: bid.price.amount,
        denom: bid.price.denom,
        leaseHeight: result.height,
      })
      const lease: Lease = {id: bid.id, state: 'active', price: bid.price, createdAt: result.height, closedOn: 0}
      leases.push(lease)
      yield {type: 'lease_created', provider: bid.id.provider, dseq: bid.id.dseq, gseq: bid.id.gseq, oseq: bid.id.oseq, bseq: bid.id.bseq, txHash: result.txHash, height: result.height, ts: ts()}
    }
    yield this.step('lease', 'succeeded', `Leased in block ${this.blocks.leased}`, this.blocks.leased)
    return leases
  }

  private providerModules() {
    this.providerSide ??= Promise.all([import('../../provider-client/client.js'), import('../../provider-client/jwt.js'), import('../../provider-client/probe.js')])
    return this.providerSide
  }

  private async client(provider: string): Promise<ProviderClient> {
    const [{ProviderClient}, {leaseToken}] = await this.providerModules()
    let client = this.clients.get(provider)
    if (client) return client
    const info = this.providers.get(provider)
    if (!info) throw new ProviderError(`Provider ${provider} has no record on chain.`, {code: 'provider_unknown'})
    const token: TokenSource = (scope: JwtScope[]) =>
      leaseToken({key: this.deps.key, provider, dseq: this.dseq!, scope, services: this.services, now: this.now})
    client = this.deps.clientFor
      ? this.deps.clientFor(info, token)
      : new ProviderClient({provider, hostUri: info.hostUri, certificates: this.deps.market, token, sleep: this.sleep})
    this.clients.set(provider, client)
    return client
  }

  private async *sendManifests(leases: Lease[]): Emit {
    const json = manifestSortedJson(this.sdl)
    const providers = [...new Set(leases.map((l) => l.id.provider))]
    yield this.step('manifest', 'started', `Sending the manifest to ${providers.join(', ')}`)
    for (const provider of providers) {
      this.checkCancelled()
      try {
        const {attempts} = await (await this.client(provider)).sendManifest(this.dseq!, json, {signal: this.options.signal})
        yield {type: 'manifest_sent', provider, attempts, ts: ts()}
      } catch (error) {
        this.checkCancelled()
        yield this.step('manifest', 'failed', (error as Error).message)
        throw error
      }
    }
    yield this.step('manifest', 'succeeded', 'Manifest accepted')
  }

  private async *waitReady(leases: Lease[]): AsyncGenerator<Ev, Map<string, LeaseStatus>> {
    yield this.step('ready', 'started', 'Waiting for the services to start')
    const targets = await Promise.all(
      leases.map(async (l) => ({key: leaseKey(l), provider: l.id.provider, ref: leaseRef(l), client: await this.client(l.id.provider)})),
    )
    const wait = waitForServices({
      targets,
      services: this.services,
      dseq: this.dseq!,
      readyTimeoutMs: this.options.readyTimeoutMs,
      intervalMs: Math.max(200, Math.min(1000, Math.floor(this.deps.network.blockTimeMs / 2))),
      signal: this.options.signal,
      now: this.now,
      sleep: this.sleep,
      checkCancelled: () => this.checkCancelled(),
    })
    let statuses: Map<string, LeaseStatus>
    let last: DeployedService[] = []
    try {
      for (;;) {
        const next = await wait.next()
        if (next.done) {
          statuses = next.value
          break
        }
        if (next.value.type === 'services') last = next.value.services
        yield next.value
      }
    } catch (error) {
      if (!(error instanceof CancelledError)) yield this.step('ready', 'failed', error instanceof ServiceFailedError ? error.message.split('\n')[0]! : (error as Error).message)
      throw error
    }
    this.runtimes = runtimesOf(statuses)
    const height = (await this.deps.market.latestBlock().catch(() => undefined))?.height
    if (height !== undefined) this.blocks.ready = height
    yield this.step('ready', 'succeeded', `${last.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ')} ready`, height)
    return statuses
  }

  private result(leases: Lease[], statuses: Map<string, LeaseStatus>, reused: boolean): DeployResult {
    const {network, ledger} = this.deps
    const f = this.forecast!
    // Statuses in lease order, so each one's forwarded ports fall back to its own provider's host.
    const answered = leases.filter((l) => statuses.has(leaseKey(l)))
    const allStatuses = answered.map((l) => statuses.get(leaseKey(l))!)
    const {uris, forwardedPorts} = collectUris(allStatuses, answered.map((l) => this.providers.get(l.id.provider)?.hostUri))
    const leaseViews: DeployLease[] = leases.map((l) => {
      const info = this.providers.get(l.id.provider)
      const usdH = this.pricing.format(perHour(l.price.amount, network.blockTimeMs), l.price.denom)
      const usdM = this.pricing.format(perMonth(l.price.amount, network.blockTimeMs), l.price.denom)
      const region = providerRegion(info?.attributes)
      return {
        provider: l.id.provider,
        hostUri: info?.hostUri ?? '',
        ...(region ? {region} : {}),
        gseq: l.id.gseq,
        oseq: l.id.oseq,
        bseq: l.id.bseq,
        perBlock: formatPerBlock(l.price.amount, l.price.denom),
        denom: l.price.denom,
        ...usdEntry('usdPerHour', usdH),
        ...usdEntry('usdPerMonth', usdM),
        ...(this.runtimes.get(l.id.provider) ? {runtime: this.runtimes.get(l.id.provider)} : {}),
      }
    })
    const totalPerBlock = leases.reduce((s, l) => s + l.price.amount, 0n)
    const denom = leases[0]?.price.denom ?? f.denom
    const usdH = this.pricing.format(perHour(totalPerBlock, network.blockTimeMs), denom)
    const usdM = this.pricing.format(perMonth(totalPerBlock, network.blockTimeMs), denom)
    ledger.update(this.network, this.owner, this.dseq!, {state: 'ready', uris})
    const entry = ledger.get(this.network, this.owner, this.dseq!)
    return {
      dseq: this.dseq!,
      owner: this.owner,
      network: this.network,
      state: 'ready',
      reused,
      leases: leaseViews,
      price: {
        perBlock: formatPerBlock(totalPerBlock, denom),
        denom,
        ...usdEntry('usdPerHour', usdH),
        ...usdEntry('usdPerMonth', usdM),
      },
      deposit: {amount: entry?.deposit ?? f.deposit.amount, denom: entry?.depositDenom ?? f.deposit.denom, display: formatCoin(entry?.deposit ?? f.deposit.amount, entry?.depositDenom ?? f.deposit.denom)},
      services: summarizeServices(allStatuses),
      uris,
      forwardedPorts,
      hash: this.hashHex,
      ...(entry?.idempotencyKey ? {idempotencyKey: entry.idempotencyKey} : {}),
      labels: entry?.labels ?? this.options.labels,
      ...(entry?.expiresAt ? {expiresAt: new Date(entry.expiresAt).toISOString()} : {}),
      ...(entry?.budgetUsd !== undefined ? {budgetUsd: formatUsd(entry.budgetUsd)} : {}),
      ...(this.explanation ? {explanation: this.explanation} : {}),
      blocks: this.blocks,
      timings: this.timings,
    }
  }

  // ------------------------------------------------------------------------------------------
  // cleanup

  /** Closes the deployment after a failure or Ctrl-C, unless --keep; the error's hint then says what still works. */
  private async *cleanup(error: unknown): Emit {
    if (this.dseq === undefined || !this.ownsDeployment) return
    const reason = error instanceof CancelledError ? 'cancelled' : error instanceof EdgeError ? error.code : 'failed'
    if (this.options.keep) {
      yield {type: 'warning', message: `Keeping deployment ${this.dseq} (--keep); close it with \`edge close ${this.dseq}\`.`, ts: ts()}
      this.deps.ledger.update(this.network, this.owner, this.dseq, {closeReason: `kept after ${reason}`})
      failureHint(error, this.dseq, 'kept')
      return
    }
    yield this.step('close', 'started', `Closing deployment ${this.dseq} so its deposit is not left locked`)
    try {
      const result = await this.deps.market.tx!.closeDeployment(this.dseq)
      this.deps.ledger.markClosed(this.network, this.owner, this.dseq, reason, 'failed')
      yield {type: 'deployment_closed', dseq: this.dseq, reason, txHash: result.txHash, ts: ts()}
      yield this.step('close', 'succeeded', `Closed deployment ${this.dseq}; the deposit is refunded`, result.height)
      failureHint(error, this.dseq, 'closed')
    } catch (closeError) {
      const onChain = await this.deps.market.deployment({owner: this.owner, dseq: this.dseq}).catch(() => undefined)
      if (onChain?.state === 'closed') {
        this.deps.ledger.markClosed(this.network, this.owner, this.dseq, reason, 'failed')
        yield {type: 'deployment_closed', dseq: this.dseq, reason, ts: ts()}
        yield this.step('close', 'succeeded', `Deployment ${this.dseq} is closed`)
        failureHint(error, this.dseq, 'closed')
        return
      }
      yield this.step('close', 'failed', (closeError as Error).message)
      yield {type: 'warning', message: `Could not close deployment ${this.dseq}: ${(closeError as Error).message}. Close it with \`edge close ${this.dseq}\`.`, ts: ts()}
      appendHint(error, `Deployment ${this.dseq} is still open: run \`edge close ${this.dseq}\`.`)
    }
  }
}

/** A hint naming a command on one deployment (`edge logs 12`, `edge status DSEQ`): useless once it is closed. */
const DEPLOYMENT_COMMAND = /`edge (?:status|update|logs|events|shell|deposit|bids) [^`]*`/

/**
 * The hint of a failed run, once we know whether its deployment was closed or kept (--keep): never
 * a command that can no longer work on a closed deployment, never "rerun with --keep" when it was.
 */
function failureHint(error: unknown, dseq: bigint, outcome: 'closed' | 'kept'): void {
  if (!(error instanceof EdgeError) || error instanceof CancelledError) return
  const set = (hint: string | undefined) => {
    ;(error as {hint?: string}).hint = hint
  }
  const workload = error instanceof ServiceFailedError || error.code === 'services_not_ready'
  const timeout = error.code === 'services_not_ready' ? ' (or raise --ready-timeout if it only starts slowly)' : ''
  if (outcome === 'kept') {
    if (workload) set(`Deployment ${dseq} is kept (--keep): see \`edge logs ${dseq}\` and \`edge events ${dseq}\`, fix the SDL and \`edge update ${dseq} FILE\`${timeout}, or close it with \`edge close ${dseq}\`.`)
    return
  }
  if (workload) {
    const fix = error instanceof ServiceFailedError ? 'Fix the service in the SDL (its command, image or port) and deploy again' : 'Deploy again'
    set(`${fix}${timeout}. Deployment ${dseq} was closed and its deposit refunded; with --keep a failed deployment stays open for \`edge logs\` and \`edge events\`.`)
    return
  }
  if (error.hint && DEPLOYMENT_COMMAND.test(error.hint)) set(`Deployment ${dseq} was closed and its deposit refunded; deploy again with \`edge deploy\`.`)
}

/** Did the chain refuse MsgCreateDeployment (so it created nothing)? */
function createRefused(error: unknown): boolean {
  if (error instanceof InsufficientFundsError) return true
  if (error instanceof EdgeError && error.code === 'tx_failed') return true
  return /already exists|deployment exists/i.test((error as Error)?.message ?? '')
}

/** Adds what to do about a deployment left open to an error's hint (once). */
function appendHint(error: unknown, text: string): void {
  if (!(error instanceof EdgeError) || error.hint?.includes('edge close')) return
  ;(error as {hint?: string}).hint = `${error.hint ? error.hint + ' ' : ''}${text}`
}

const leaseKey = (l: Lease) => `${l.id.provider}/${l.id.gseq}/${l.id.oseq}`
const leaseRef = (l: Lease) => ({owner: l.id.owner, provider: l.id.provider, dseq: l.id.dseq, gseq: l.id.gseq, oseq: l.id.oseq})

/** How many of the owner's newest active deployments a key is looked for in, and how many at once. */
const MAX_KEY_SEARCH = 100
const KEY_SEARCH_PARALLEL = 8

/** The create transaction's memo for an idempotency key: a digest, so the key itself is not published. */
export function idempotencyMemo(key: string): string {
  return `edge idempotency-key sha256:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
}
