/**
 * What the base command needs from an Ink view to route a service's events to it: the element to
 * mount and a function that feeds it each event. Views keep their state in a store (DeployStore,
 * LogStore, ReducerStore), so the same events drive the view that drive the JSONL writer.
 */
import type {ReactElement} from 'react'

export interface LiveView<E> {
  element: ReactElement
  apply(event: E): void
  /** The flow ended (with its result, or an error): draw the final state. */
  end?(outcome: {result: unknown} | {error: Error}): void
  /** Draw on stdout instead of stderr: the view's lines are the command's output (logs). */
  onStdout?: boolean
}

/**
 * A store for views whose state is a fold over the events (the provider dashboard): `apply` runs
 * the reducer, and components subscribe with `useStore`.
 */
export class ReducerStore<S, E> {
  private state: S
  private readonly listeners = new Set<() => void>()

  constructor(initial: S, private readonly reduce: (state: S, event: E) => S) {
    this.state = initial
  }

  getState = (): S => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  apply = (event: E): void => {
    this.state = this.reduce(this.state, event)
    for (const l of this.listeners) l()
  }
}
