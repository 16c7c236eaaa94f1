// The pid checks are the daemon kit's (src/lib/daemon.ts), shared with edge dev and the local providers.
export {processAlive, processStartTime} from '../../../lib/daemon.js'

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
