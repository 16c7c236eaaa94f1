import type {DeployEvent, StepName, StepStatus} from './events.js'

/** An event as a phase writes it, before the clock stamps its time. */
export type Unstamped<E = DeployEvent> = E extends unknown ? Omit<E, 'ts'> : never

/**
 * The one place a deploy run's events get their time: every event is stamped when it is made,
 * and a step's end (succeeded, failed or skipped) carries the time since its start, which also
 * adds up per step in `timings` (the result's per-step figures).
 */
export class StepClock {
  readonly timings: Record<string, number> = {}
  private readonly started = new Map<StepName, number>()

  constructor(readonly now: () => number = Date.now) {}

  step(step: StepName, status: StepStatus, message: string, height?: number): DeployEvent {
    let elapsedMs: number | undefined
    if (status === 'started') this.started.set(step, this.now())
    else {
      const started = this.started.get(step)
      if (started !== undefined) {
        elapsedMs = this.now() - started
        this.timings[step] = (this.timings[step] ?? 0) + elapsedMs
      }
    }
    // `ts` before the timings: the order the JSONL lines have always had.
    return {type: 'step', step, status, message, ts: stamp(), ...(elapsedMs === undefined ? {} : {elapsedMs}), ...(height === undefined ? {} : {height})}
  }

  event(event: Unstamped): DeployEvent {
    return {...event, ts: stamp()} as DeployEvent
  }
}

const stamp = () => new Date().toISOString()
