/**
 * The background-process kit of `edge dev` and the local providers: is a recorded pid still the
 * process we started (not another one that reused the pid), start one detached without secrets in
 * its environment, and stop one (SIGTERM, then SIGKILL after a grace period).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {closeSync, openSync, readFileSync} from 'node:fs'

import {sleep} from './sleep.js'

/**
 * The start time of a process (clock ticks since boot, field 22 of /proc/PID/stat), so a pid
 * recorded before a restart is not mistaken for an unrelated process that reused it.
 * Undefined where /proc is not available, and for a zombie.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ")".
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (rest[0] === 'Z' || rest[0] === 'X') return undefined
    return rest[19]
  } catch {
    return undefined
  }
}

/** Is `pid` alive and (where /proc tells) the same process that was started at `startTime`? A zombie is not alive. */
export function processAlive(pid: number, startTime?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const now = processStartTime(pid)
  if (startTime !== undefined && now !== undefined) return now === startTime
  if (now === undefined && process.platform === 'linux') return false
  return true
}

/** The environment without the secrets a background process never needs (a key's mnemonic or passphrase). */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const {EDGE_MNEMONIC: _mnemonic, EDGE_PASSPHRASE: _passphrase, ...rest} = env
  return rest
}

/**
 * Starts `command` in its own process group, detached from this one (it outlives the command that
 * started it), stdout and stderr appended to `logFile`, and secrets left out of its environment.
 * Throws when the process could not be created.
 */
export function spawnDetached(command: string, args: readonly string[], options: {logFile: string; env: NodeJS.ProcessEnv}): ChildProcess & {pid: number} {
  const log = openSync(options.logFile, 'a', 0o600)
  try {
    const child = spawn(command, args, {detached: true, stdio: ['ignore', log, log], env: withoutSecrets(options.env)})
    child.unref()
    if (child.pid === undefined) throw new Error(`could not start ${command}`)
    return child as ChildProcess & {pid: number}
  } finally {
    closeSync(log)
  }
}

/**
 * SIGTERM, wait up to `timeoutMs` for the process to exit, then SIGKILL and wait for that.
 * Returns whether it had to be killed. A pid whose process is gone (or was replaced) is left alone.
 */
export async function stopProcess(pid: number, options: {startTime?: string; timeoutMs: number}): Promise<{killed: boolean}> {
  const alive = () => processAlive(pid, options.startTime)
  if (!alive()) return {killed: false}
  signal(pid, 'SIGTERM')
  const deadline = Date.now() + options.timeoutMs
  while (alive() && Date.now() < deadline) await sleep(100)
  if (!alive()) return {killed: false}
  signal(pid, 'SIGKILL')
  while (alive()) await sleep(50)
  return {killed: true}
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Gone in between.
  }
}
