/**
 * The one UI facade. Every Ink view and prompt is mounted here, lazily (React and Ink are never
 * loaded in CI, under --json, or for --help). Prompts resolve to their answer; a cancelled prompt
 * rejects with CancelledError.
 */
import type {ReactElement} from 'react'

import {CancelledError} from '../errors.js'
import {pauseSpinners} from '../output/output.js'

/** Mounts `build(done, cancel)` until it calls one of them; resolves with the value given to done. */
export async function renderUntilDone<T>(
  build: (done: (value: T) => void, cancel: () => void) => ReactElement,
  options: {stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream} = {},
): Promise<T> {
  const {render} = await import('ink')
  // A step spinner must not keep drawing over the question (ux-test D5): it stops while the prompt is open.
  const resumeSpinners = pauseSpinners()
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      instance.unmount()
      resumeSpinners()
      fn()
    }
    const instance = render(
      build(
        (value) => finish(() => resolve(value)),
        () => finish(() => reject(new CancelledError())),
      ),
      // Only an interactive terminal gets here (the output layer decided, CI included): Ink must not fall back to
      // drawing nothing until unmount because a CI variable is set.
      {stdout: options.stdout ?? process.stdout, stdin: options.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: false, interactive: true},
    )
  })
}

/** A mounted live view; `close()` lets Ink paint the final frame, then lets go of the terminal. */
export interface MountedView {
  close(): Promise<void>
}

/**
 * Mounts a view that follows an async source (the deploy steps, log lines, the provider
 * dashboard). Ink draws on stderr by default, so stdout carries only the result; a view whose
 * lines are the output (logs) asks for stdout.
 */
export async function mountView(
  element: ReactElement,
  options: {stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream; aboveView?: (write: ((text: string) => void) | undefined) => void} = {},
): Promise<MountedView> {
  const [{render, useStderr}, {default: React}] = await Promise.all([import('ink'), import('react')])
  // Hands Ink's stderr writer (which keeps the frame intact) to whoever else writes on stderr.
  function AboveView({children}: {children: ReactElement}): ReactElement {
    const {write} = useStderr()
    React.useLayoutEffect(() => {
      options.aboveView?.(write)
      return () => options.aboveView?.(undefined)
    }, [write])
    return children
  }
  const instance = render(React.createElement(AboveView, null, element), {
    stdout: options.stdout ?? process.stderr,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
  })
  return {
    close: async () => {
      // Ink renders on a throttle: without this pause the last state change would not be drawn.
      await new Promise((resolve) => setTimeout(resolve, FINAL_FRAME_MS))
      options.aboveView?.(undefined)
      instance.unmount()
    },
  }
}

const FINAL_FRAME_MS = 100
