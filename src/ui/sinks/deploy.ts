/** How `edge deploy`'s events look: the Ink view with the bid picker, or one stderr line each. */
import {CancelledError} from '../../errors.js'
import type {StepEvent} from '../../output/events.js'
import type {EventSinks} from '../../output/sinks.js'
import type {DeployEvent, DeployEventOf, StepName} from '../../services/deploy/events.js'
import type {DeployStore} from '../components/deploy/deploy-store.js'
import {eventLine} from '../components/deploy/text-lines.js'

/** Deploy's step events are StepEvents (a compile-time check until the flow imports the type itself). */
export type DeployStepIsStepEvent = DeployEventOf<'step'> extends StepEvent<StepName> ? true : never
const _deployStepsAreStepEvents: DeployStepIsStepEvent = true
void _deployStepsAreStepEvents

/** `store` is the interactive view's state (created before the flow, which asks it questions). */
export function deploySinks(store: DeployStore | undefined): EventSinks<DeployEvent> {
  return {
    ...(store
      ? {
          view: async () => {
            const [{default: React}, {DeployView}] = await Promise.all([import('react'), import('../components/deploy/DeployView.js')])
            return {
              element: React.createElement(DeployView, {store}),
              apply: (e: DeployEvent) => store.apply(e),
              end: (outcome) =>
                store.finish(
                  'error' in outcome
                    ? {error: {message: outcome.error.message, cancelled: outcome.error instanceof CancelledError}}
                    : {result: outcome.result as never},
                ),
            }
          },
        }
      : {}),
    line: (e, {style}) => eventLine(e, style),
  }
}
