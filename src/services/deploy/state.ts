/**
 * The explicit state of a deploy run, which the phases read and extend: what the plan found out
 * (the SDL, the forecast, the price of AKT) and, once applying, what exists on chain.
 */
import {CancelledError} from '../../errors.js'
import type {Sdl} from '../../sdl/index.js'
import type {LedgerEntry} from '../ledger/ledger.js'
import type {UsdPricing} from '../usd.js'
import type {ProviderDirectory} from './directory.js'
import type {Forecast} from './forecast.js'
import type {ProviderSide} from './provider-side.js'
import type {Explanation} from './scoring.js'
import type {StepClock} from './step-clock.js'
import type {DeployDeps, DeployInput, DeployResult, LeaseRuntime} from './types.js'

export interface PlanState {
  readonly ctx: DeployDeps
  readonly input: DeployInput
  readonly signal: AbortSignal
  readonly clock: StepClock
  readonly owner: string
  readonly network: string
  /** When the run started (a validation the command ran before the flow counts too). */
  readonly startedAt: number
  readonly sdl: Sdl
  /** The manifest version, hex: the deployment's hash on chain. */
  readonly sdlHash: string
  readonly services: string[]
  readonly forecast: Forecast
  /** AKT→USD for this run, read with the forecast. */
  readonly pricing: UsdPricing
  /** Block heights the result reports; `start` is the height when the run began. */
  readonly blocks: DeployResult['blocks']
  readonly directory: ProviderDirectory
}

export interface RunState extends PlanState {
  /** Set once, right after the state is made (it reads the run's dseq). */
  providerSide: ProviderSide
  /** The deployment, once created or found through the idempotency key. */
  dseq?: bigint
  /** The deployment exists on chain and is ours to close on failure. */
  ownsDeployment: boolean
  entry?: LedgerEntry
  /** Why the first group's bid won (the result's `explanation`). */
  explanation?: Explanation
  /** How each provider runs its lease (edge providers say so in the lease status), by provider. */
  runtimes: Map<string, LeaseRuntime>
}

export function checkCancelled(run: {signal: AbortSignal}): void {
  if (run.signal.aborted) throw new CancelledError('Deployment cancelled.')
}

/** The run's deployment sequence, for phases that only run once it exists. */
export function dseqOf(run: RunState): bigint {
  if (run.dseq === undefined) throw new Error('the deployment does not exist yet')
  return run.dseq
}
