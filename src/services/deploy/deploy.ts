/**
 * `edge deploy`: from an SDL file to running services: plan (plan.ts), then apply (apply.ts), as
 * one AsyncGenerator of typed events (events.ts) that ends with a DeployResult. The command feeds
 * the events to the Ink view or the JSONL writer; the flow itself never prints. A dry run is the
 * plan alone.
 */
import {applyDeploy} from './apply.js'
import type {DeployEvent} from './events.js'
import {planState, planSteps} from './plan.js'
import type {DeployDeps, DeployOptions, DeployResult} from './types.js'

export {isStrategy} from './scoring.js'
export {validateSdl} from './validate.js'

export async function* deploy(deps: DeployDeps, options: DeployOptions): AsyncGenerator<DeployEvent, DeployResult> {
  // Only a dry run previews (funds read-only, matching providers): a real run checks both for real.
  const plan = yield* planSteps(deps, options, {preview: options.dryRun})
  if (options.dryRun) return (await import('./result.js')).dryRunResult(await planState(deps, plan), plan)
  return yield* applyDeploy(deps, plan, {signal: options.signal})
}
