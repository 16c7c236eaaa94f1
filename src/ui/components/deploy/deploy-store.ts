/**
 * The state behind the interactive deploy view, fed by the same events the JSONL writer gets.
 * It also carries the two questions the flow may ask (which bid, whether to mint ACT), so the
 * service can await an answer while the view shows the question.
 */
import type {DeployEvent, StepName, StepStatus} from '../../../services/deploy/events.js'
import type {ScoredBid} from '../../../services/deploy/scoring.js'
import type {ChoiceRequest, DeployResult, MintConfirmation} from '../../../services/deploy/types.js'
import {count} from '../../../lib/plural.js'

export interface StepState {
  /** `cancelled`: the step was running when the user stopped the deploy (the view's own state, not an event's). */
  status: StepStatus | 'cancelled'
  message: string
  startedAt?: number
  elapsedMs?: number
}

export interface DeployViewState {
  file: string
  network: string
  steps: Array<[StepName, StepState]>
  warnings: string[]
  bidCount: number
  dseq?: bigint
  /** The running step's latest detail (mint progress, bids so far, service readiness). */
  detail?: string
  choice?: {request: ChoiceRequest; resolve: (bid: ScoredBid) => void; reject: (error: unknown) => void}
  mint?: {request: MintConfirmation; resolve: (ok: boolean) => void}
  /** The mint question once answered: it stays on screen as one line with the answer. */
  mintAnswered?: {request: MintConfirmation; ok: boolean}
  done: boolean
  result?: DeployResult
  error?: {message: string; hint?: string; cancelled?: boolean}
}

export class DeployStore {
  private state: DeployViewState
  private readonly listeners = new Set<() => void>()

  constructor(file: string, network: string, private readonly now: () => number = Date.now) {
    this.state = {file, network, steps: [], warnings: [], bidCount: 0, done: false}
  }

  getState = (): DeployViewState => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(patch: Partial<DeployViewState>): void {
    this.state = {...this.state, ...patch}
    for (const l of this.listeners) l()
  }

  apply(event: DeployEvent): void {
    switch (event.type) {
      case 'step': {
        const steps = [...this.state.steps]
        const i = steps.findIndex(([name]) => name === event.step)
        const prev = i >= 0 ? steps[i][1] : undefined
        const next: StepState = {
          status: event.status,
          message: event.message,
          ...(event.status === 'started' ? {startedAt: this.now()} : prev?.startedAt !== undefined ? {startedAt: prev.startedAt} : {}),
          ...(event.elapsedMs !== undefined ? {elapsedMs: event.elapsedMs} : {}),
        }
        if (i >= 0) steps[i] = [event.step, next]
        else steps.push([event.step, next])
        this.set({steps, detail: undefined})
        return
      }
      case 'warning':
        this.set({warnings: [...this.state.warnings, event.message]})
        return
      case 'validated':
        if (event.warnings.length) this.set({warnings: [...this.state.warnings, ...event.warnings]})
        return
      case 'deployment_created':
        this.set({dseq: event.dseq})
        return
      case 'bid':
        this.set({bidCount: this.state.bidCount + 1, detail: `${count(this.state.bidCount + 1, 'bid')}; latest ${event.price} from ${event.provider}`})
        return
      case 'mint':
        this.set({detail: event.message})
        return
      case 'services':
        this.set({detail: event.services.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ')})
        return
      default:
        return
    }
  }

  requestChoice = (request: ChoiceRequest): Promise<ScoredBid> =>
    new Promise((resolve, reject) => {
      this.set({
        choice: {
          request,
          resolve: (bid) => {
            this.set({choice: undefined})
            resolve(bid)
          },
          reject: (error) => {
            this.set({choice: undefined})
            reject(error)
          },
        },
      })
    })

  requestMint = (request: MintConfirmation): Promise<boolean> =>
    new Promise((resolve) => {
      this.set({
        mint: {
          request,
          resolve: (ok) => {
            this.set({mint: undefined, mintAnswered: {request, ok}})
            resolve(ok)
          },
        },
      })
    })

  /**
   * The flow ended. A step still running when it ended with an error is marked, so no spinner
   * stays frozen on the screen: cancelled when the user stopped it (Ctrl-C, Esc), failed otherwise
   * (ux-test D29).
   */
  finish(outcome: {result?: DeployResult; error?: {message: string; hint?: string; cancelled?: boolean}}): void {
    const error = outcome.error
    const now = this.now()
    const steps = error
      ? this.state.steps.map(([name, step]): [typeof name, StepState] =>
          step.status === 'started'
            ? [
                name,
                {
                  ...step,
                  status: error.cancelled ? 'cancelled' : 'failed',
                  message: error.cancelled ? `${step.message} (cancelled)` : step.message,
                  ...(step.startedAt !== undefined ? {elapsedMs: now - step.startedAt} : {}),
                },
              ]
            : [name, step],
        )
      : this.state.steps
    this.set({done: true, steps, choice: undefined, mint: undefined, ...outcome})
  }
}
