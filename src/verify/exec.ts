/**
 * How the probe and the demand tests reach a container: one injected function that runs an argv
 * and returns the exit code and output. `edge verify` runs it through the provider's shell API
 * (the same websocket `edge shell` uses); tests and `edge provide` self-checks run it locally.
 * Nothing in probe/ or demand/ knows which.
 */
import {spawn} from 'node:child_process'

import type {ShellOptions, ShellSession} from '../provider-client/shell-session.js'
import type {LeaseRef} from '../provider-client/types.js'

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

export interface ExecOptions {
  /** How long the command may run; the caller's exec decides how to stop it. */
  timeoutMs?: number
  signal?: AbortSignal
}

export type Exec = (argv: string[], options?: ExecOptions) => Promise<ExecResult>

/** The part of ProviderClient this needs, so tests can pass a fake. */
export interface ShellCapable {
  shell(lease: LeaseRef, options: ShellOptions): Promise<ShellSession>
}

/**
 * Runs commands in one service's container (replica `podIndex`) over the provider's shell API.
 * Output is collected as UTF-8 text; the scripts here print only ASCII key=value lines or JSON.
 * A timeout closes the shell and resolves with exit code 124 (what `timeout(1)` uses).
 */
export function providerShellExec(client: ShellCapable, lease: LeaseRef, service: string, defaults: {podIndex?: number} = {}): Exec {
  return async (argv, options = {}) => {
    const out: Buffer[] = []
    const err: Buffer[] = []
    const controller = new AbortController()
    const onAbort = () => controller.abort()
    options.signal?.addEventListener('abort', onAbort, {once: true})
    const session = await client.shell(lease, {
      service,
      cmd: argv,
      tty: false,
      stdin: false,
      podIndex: defaults.podIndex,
      onStdout: (d) => out.push(Buffer.from(d)),
      onStderr: (d) => err.push(Buffer.from(d)),
      signal: controller.signal,
    })
    let timedOut = false
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true
          session.close()
        }, options.timeoutMs)
      : undefined
    try {
      const result = await session.done
      return {exitCode: result.exitCode, stdout: text(out), stderr: text(err)}
    } catch (error) {
      if (timedOut) return {exitCode: 124, stdout: text(out), stderr: `${text(err)}timed out after ${options.timeoutMs} ms\n`}
      throw error
    } finally {
      if (timer) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }
  }
}

/** Runs commands on this machine (tests; a provider checking itself). argv[0] is looked up in PATH. */
export function localExec(env?: NodeJS.ProcessEnv): Exec {
  return (argv, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), {env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal})
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (d: Buffer) => out.push(d))
      child.stderr.on('data', (d: Buffer) => err.push(d))
      let timedOut = false
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, options.timeoutMs)
        : undefined
      child.on('error', (error) => {
        if (timer) clearTimeout(timer)
        reject(error)
      })
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer)
        resolve({exitCode: timedOut ? 124 : code ?? (signal ? 128 + signalNumber(signal) : 1), stdout: text(out), stderr: text(err)})
      })
    })
}

const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8')

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15}
  return numbers[signal] ?? 0
}
