/**
 * The shapes every streamed event shares. Services yield typed events; the base command routes
 * them to one sink (Ink, JSONL or plain lines) and the JSONL writer stamps `ts` when a service has
 * not. The committed JSON Schemas of each stream live in test/contract/events/.
 */

/** A typed event as services yield them; the JSONL sink adds `ts`. */
export interface EdgeEvent {
  type: string
  ts?: string
  [key: string]: unknown
}

/**
 * Where a step stands. `running` carries news about a step that has not ended (a mint waiting for
 * its epoch); `skipped` is a step the flow did not need (no mint when the wallet holds enough).
 */
export type StepStatus = 'started' | 'running' | 'succeeded' | 'failed' | 'skipped'

/**
 * Progress of one named step, the same in every command that shows steps (deploy, update,
 * dev start, wallet mint, provide init/withdraw): a spinner or a line for a person, one JSONL
 * `step` event for a machine.
 */
export interface StepEvent<S extends string = string> {
  type: 'step'
  ts: string
  step: S
  status: StepStatus
  message: string
  /** Set when the step ends: how long it took. */
  elapsedMs?: number
  /** The chain height the step ended at, when a block matters (deploy). */
  height?: number
}

export function isStepEvent(event: {type: string}): event is StepEvent {
  return event.type === 'step'
}
