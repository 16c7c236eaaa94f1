import {spawn} from 'node:child_process'
import {PassThrough} from 'node:stream'

import type {ExecOptions, ExecSession} from '../types.js'
import {shellQuote} from './proc.js'

/** Runs a command in a replica's working directory with its environment (no pty: host processes have none). */
export function hostExec(shell: string, cwd: string, env: string[], options: ExecOptions): ExecSession {
  // One argument is a shell line ("ls -la"); several are a command and its arguments.
  const line = options.cmd.length === 1 ? (options.cmd[0] as string) : options.cmd.map((a) => shellQuote(a)).join(' ')
  const child = spawn(shell, ['-c', line], {
    cwd,
    env: envObject(env),
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  })
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  child.stdout?.pipe(stdout)
  child.stderr?.pipe(options.tty ? stdout : stderr, {end: !options.tty})
  if (options.tty) child.stderr?.on('end', () => stderr.end())
  const onAbort = () => child.kill('SIGKILL')
  options.signal?.addEventListener('abort', onAbort, {once: true})
  const exit = new Promise<{exitCode: number}>((resolve) => {
    let code = -1
    child.on('error', () => resolve({exitCode: 127}))
    child.on('exit', (c, signal) => {
      code = c ?? (signal ? 128 + signalNumber(signal) : -1)
    })
    // 'close' comes after the output pipes have drained.
    child.on('close', () => {
      options.signal?.removeEventListener('abort', onAbort)
      resolve({exitCode: code})
    })
  })
  return {
    stdout,
    stderr,
    ...(child.stdin ? {stdin: child.stdin} : {}),
    // No terminal here: the process runtime has no pty to resize.
    resize: async () => undefined,
    exit,
    close: () => child.kill('SIGKILL'),
  }
}

/** `KEY=value` entries (a replica file's env) → an environment. */
export function envObject(env: string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const entry of env) {
    const eq = entry.indexOf('=')
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return out
}

/** A shell reports death by a signal as 128 + its number. */
export function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13}
  return numbers[signal] ?? 0
}
