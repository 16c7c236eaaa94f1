import {copyFileSync, existsSync, renameSync, rmSync, statSync, truncateSync} from 'node:fs'

export interface RotationLimits {
  /** Rotate once the file is larger than this. */
  maxBytes: number
  /** Rotated files kept besides the live one (`file.1` newest … `file.N` oldest). */
  keep: number
}

/** About 10 MiB of current log and three older ones: a provider's events for days, at most 40 MiB on disk. */
export const DEFAULT_LOG_ROTATION: RotationLimits = {maxBytes: 10 * 1024 * 1024, keep: 3}

/**
 * Rotates `file` when it is over `maxBytes`: `file.N-1` → `file.N`, …, a copy of `file` → `file.1`, then `file` is
 * truncated in place. Copy-and-truncate, not rename, because the writer is a detached process whose stdout is this
 * file, opened for appending: its next write lands at the start of the emptied file. A line written between the
 * copy and the truncation can be lost, as with logrotate's copytruncate. Returns whether it rotated.
 */
export function rotateLog(file: string, limits: RotationLimits = DEFAULT_LOG_ROTATION): boolean {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return false
  }
  if (size <= limits.maxBytes || limits.keep < 1) return false
  rmSync(`${file}.${limits.keep}`, {force: true})
  for (let i = limits.keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
  copyFileSync(file, `${file}.1`)
  truncateSync(file, 0)
  return true
}

/** Checks `file` now and every `everyMs`; stop() ends it. The timer does not keep the process alive. */
export function keepLogRotated(file: string, options: {everyMs?: number; limits?: RotationLimits; onError?: (error: unknown) => void} = {}): {stop(): void} {
  const check = () => {
    try {
      rotateLog(file, options.limits)
    } catch (error) {
      options.onError?.(error)
    }
  }
  check()
  const timer = setInterval(check, options.everyMs ?? 30_000)
  timer.unref()
  return {stop: () => clearInterval(timer)}
}
