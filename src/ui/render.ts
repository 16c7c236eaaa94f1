/**
 * The one UI facade. Every Ink view and prompt is mounted here, lazily (React and Ink are never
 * loaded in CI, under --json, or for --help). Prompts resolve to their answer; a cancelled prompt
 * rejects with CancelledError.
 */
import type {ReactElement} from 'react'

import {CancelledError} from '../errors.js'

/** Mounts `build(done, cancel)` until it calls one of them; resolves with the value given to done. */
export async function renderUntilDone<T>(
  build: (done: (value: T) => void, cancel: () => void) => ReactElement,
  options: {stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream} = {},
): Promise<T> {
  const {render} = await import('ink')
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      instance.unmount()
      fn()
    }
    const instance = render(
      build(
        (value) => finish(() => resolve(value)),
        () => finish(() => reject(new CancelledError())),
      ),
      {stdout: options.stdout ?? process.stdout, stdin: options.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: false},
    )
  })
}

/** Renders a view that follows an async source until it ends; returns when Ink has unmounted. */
export async function renderLive(element: ReactElement, options: {stdout?: NodeJS.WriteStream} = {}): Promise<{unmount(): void; waitUntilExit(): Promise<void>}> {
  const {render} = await import('ink')
  const instance = render(element, {stdout: options.stdout ?? process.stdout, exitOnCtrlC: false, patchConsole: false})
  return {unmount: () => instance.unmount(), waitUntilExit: () => instance.waitUntilExit() as Promise<void>}
}
