/**
 * The `screen` step of `edge deploy` (`--screen`, and always in `--dry-run`): asks every provider
 * whether it would bid before anything is created, says who would and at what USD/h, and why not
 * for the rest. With `--screen` and nobody willing, the run stops with exit 3 (no_bids) before the
 * deployment exists: nothing is paid or locked. Self-contained so that the deploy plan phase can
 * call it as it is.
 */
import {NoBidsError} from '../../errors.js'
import type {MarketQueries} from '../../market/market.js'
import type {GroupSpecProto} from '../../sdl/types.js'
import type {DeployEvent, StepStatus} from '../deploy/events.js'
import type {Strategy} from '../deploy/scoring.js'
import {type ProviderScreen, type ScreenOptions, type ScreenResult, screenProviders} from './screen.js'

export interface ScreenStepInput {
  market: Pick<MarketQueries, 'providers'>
  blockTimeMs: number
  aktUsd?: bigint
  groups: readonly GroupSpecProto[]
  /** `--screen`: nobody willing is exit 3. In a plain dry run it is reported only. */
  required: boolean
  strategy?: Strategy
  timeoutMs?: number
  /** The deploy flow's step event (it times the step). */
  step(status: StepStatus, message: string): DeployEvent
  /** The SDL lets the provider reclaim (reclamation.min_window): screening cannot ask about that. */
  reclamation?: boolean
  warning?(message: string): DeployEvent
  /** Sends one screening request (tests replace the transport). */
  send?: ScreenOptions['send']
}

/**
 * AEP-67's request carries the group spec and hostnames only, so a provider's answer cannot say
 * whether it takes orders that allow reclamation, and one that refuses them does not bid.
 */
export const RECLAMATION_NOT_SCREENED =
  'Bid screening cannot ask about reclamation (the request has no field for it): a provider that does not take reclaimable orders may answer "would bid" and then not bid.'

export async function* screenStep(input: ScreenStepInput): AsyncGenerator<DeployEvent, ScreenResult> {
  yield input.step('started', 'Asking every provider whether it would bid (bid screening)')
  const result = await screenProviders({market: input.market, blockTimeMs: input.blockTimeMs, ...(input.aktUsd ? {aktUsd: input.aktUsd} : {})}, input.groups, {
    ...(input.strategy ? {strategy: input.strategy} : {}),
    ...(input.timeoutMs ? {timeoutMs: input.timeoutMs} : {}),
    ...(input.send ? {send: input.send} : {}),
  })
  const summary = screenSummary(result)
  if (result.willing === 0) {
    yield input.step(input.required ? 'failed' : 'succeeded', summary)
    if (input.required) {
      throw new NoBidsError(`No provider would bid on this deployment (${result.asked} asked, ${result.unreachable} unreachable); nothing was created.`, {
        code: 'no_willing_provider',
        hint: [...result.providers.map(describeProvider), result.advice ? `→ ${result.advice}` : ''].filter(Boolean).join('\n'),
        details: {screening: result},
      })
    }
    return result
  }
  yield input.step('succeeded', summary)
  if (input.reclamation && input.warning) yield input.warning(RECLAMATION_NOT_SCREENED)
  return result
}

export function screenSummary(r: ScreenResult): string {
  const best = r.providers.filter((p) => p.verdict === 'bid').slice(0, 3)
  const offers = best.map((p) => `${short(p.owner)} ${p.price?.usdPerHour ? `${p.price.usdPerHour}/h` : `${p.price?.amount} ${p.price?.denom}/block`} (${p.latencyMs} ms)`)
  return `${r.willing} of ${r.asked} providers would bid${offers.length ? `: ${offers.join(', ')}` : ''}${r.unreachable ? `; ${r.unreachable} unreachable` : ''}`
}

/** One line per provider for people: who would bid at what, or why not. */
export function describeProvider(p: ProviderScreen): string {
  if (p.verdict === 'bid') return `${p.owner}: would bid ${p.price?.usdPerHour ? `${p.price.usdPerHour}/h` : `${p.price?.amount} ${p.price?.denom}/block`} (${p.latencyMs} ms)`
  return `${p.owner}: ${p.reasons.join('; ')} (${p.latencyMs} ms)`
}

const short = (a: string) => (a.length > 16 ? `${a.slice(0, 10)}…${a.slice(-4)}` : a)
