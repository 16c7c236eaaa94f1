/**
 * Applying a plan: the deploy run itself, as one stream of typed events (events.ts) that ends
 * with a DeployResult. Each phase is its own module over the run's explicit state (state.ts):
 *
 *   idempotency → funds (mint) → create → collect bids → probe → choose → lease → manifest → ready
 *
 * Money is never left locked: once the deployment exists, any failure or cancellation closes it
 * (unless `keep`), and the ledger records why (cleanup.ts).
 */
import {UsageError} from '../../errors.js'
import {cleanup} from './cleanup.js'
import {createDeployment, deploymentGroups, liveLeases} from './create.js'
import type {DeployEvent} from './events.js'
import {checkFunds} from './funds.js'
import {resumeByKey} from './idempotency.js'
import {type DeployPlan, planState} from './plan.js'
import {planHash} from './plan-hash.js'
import {ProviderSide} from './provider-side.js'
import {type RunState, checkCancelled, dseqOf} from './state.js'
import type {DeployDeps, DeployResult} from './types.js'

export interface ApplyOptions {
  /** Cancels the run (Ctrl-C); by default the plan input's signal. */
  signal?: AbortSignal
}

export async function* applyDeploy(ctx: DeployDeps, plan: DeployPlan, options: ApplyOptions = {}): AsyncGenerator<DeployEvent, DeployResult> {
  const run = await startRun(ctx, plan, options)
  const resumed = yield* resumeByKey(run)
  yield* checkFunds(run)
  checkCancelled(run)
  // Loads while the chain includes the deployment.
  const later = import('./later-phases.js')
  void later.catch(() => undefined)
  try {
    if (!resumed) yield* createDeployment(run)
    const groups = await deploymentGroups(run)
    const {collectBids, probeBidders, chooseBids, createLeases, reusedLeases, sendManifests, waitReady, readyResult} = await later
    let leases = resumed ? await liveLeases(run) : []
    if (leases.length < groups.length) {
      const unleased = groups.filter((g) => !leases.some((l) => l.id.gseq === g.gseq))
      const bids = yield* collectBids(run, unleased)
      const latency = yield* probeBidders(run, bids)
      const chosen = yield* chooseBids(run, unleased, bids, latency)
      leases = [...leases, ...(yield* createLeases(run, chosen))]
    } else {
      yield* reusedLeases(run, leases)
    }
    await run.directory.load(leases.map((l) => l.id.provider))
    yield* sendManifests(run, leases)
    const statuses = yield* waitReady(run, leases)
    return readyResult(run, leases, statuses, resumed)
  } catch (error) {
    yield* cleanup(run, error)
    throw error
  }
}

/** The run's state from the plan's, once the plan is checked against itself and against who applies it (exported for the phase tests). */
export async function startRun(ctx: DeployDeps, plan: DeployPlan, options: ApplyOptions): Promise<RunState> {
  if (planHash(plan) !== plan.hash) throw new UsageError('The plan was changed after it was made (its hash no longer matches).', {code: 'plan_changed'})
  const signer = ctx.market.tx?.address
  if (!signer) throw new UsageError('Deploying needs a key to sign with.')
  if (signer !== plan.owner || ctx.network.name !== plan.network) {
    throw new UsageError(`The plan is for ${plan.owner} on ${plan.network}, not ${signer} on ${ctx.network.name}.`, {code: 'plan_mismatch'})
  }
  const state = await planState(ctx, plan)
  const run: RunState = {...state, ctx, signal: options.signal ?? state.signal, ownsDeployment: false, runtimes: new Map(), providerSide: undefined!}
  run.providerSide = new ProviderSide({ctx, directory: run.directory, services: run.services, dseq: () => dseqOf(run)})
  return run
}
