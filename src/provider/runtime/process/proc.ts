import {readFileSync} from 'node:fs'

/**
 * The start time of a process (clock ticks since boot, field 22 of /proc/PID/stat), so a pid
 * recorded before a restart is not mistaken for an unrelated process that reused it.
 * Undefined where /proc is not available.
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

/** Is `pid` alive and (where /proc tells) the same process that was started at `startTime`? */
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

/** Signals the whole process group that `pid` leads (it was spawned detached). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // Already gone.
    }
  }
}

/** POSIX shell single-quoting. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}
