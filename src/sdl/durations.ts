import {parseGoDurationNanos} from './go-compat.js'

/**
 * Durations as chain-sdk 1.0.0-alpha.45 writes them in SDL (src/sdl/duration.ts there): one whole
 * number and an optional unit, `ms`, `s`, `m` or `h`; no unit means milliseconds. HTTP timeouts
 * take this form; `reclamation.min_window` takes it with a unit of s, m or h.
 */

/** The largest HTTP timeout: the manifest field is a uint32 of milliseconds. */
export const MAX_HTTP_TIMEOUT_MS = 4_294_967_295

const UNIT_MS = {ms: 1n, s: 1_000n, m: 60_000n, h: 3_600_000n} as const
export type DurationUnit = keyof typeof UNIT_MS

/** "30s" → {ms: 30000n, unit: 's'}; "1500" → {ms: 1500n}; anything else → undefined. */
export function parseSdlDuration(text: string): {ms: bigint; unit?: DurationUnit} | undefined {
  const match = /^([0-9]+)(ms|s|m|h)?$/.exec(text)
  if (!match) return undefined
  const unit = match[2] as DurationUnit | undefined
  return {ms: BigInt(match[1]) * (unit ? UNIT_MS[unit] : 1n), ...(unit ? {unit} : {})}
}

/** The shortest whole-number spelling of a duration in milliseconds: 90000n → "90s", 5400000n → "90m". */
export function formatSdlDuration(ms: bigint, units: readonly DurationUnit[] = ['h', 'm', 's', 'ms']): string | undefined {
  for (const unit of units) {
    if (ms % UNIT_MS[unit] === 0n) return `${ms / UNIT_MS[unit]}${unit}`
  }
  return undefined
}

/**
 * What a near-miss duration was probably meant to say, in the SDL's form: "1m30s" → "90s",
 * "1.5s" → "1500ms", "30 s" → "30s", "30sec" → "30s". Undefined when there is no sensible reading.
 */
export function suggestSdlDuration(text: string, units: readonly DurationUnit[] = ['h', 'm', 's', 'ms']): string | undefined {
  const squeezed = text
    .trim()
    .replace(/\s+/g, '')
    .replace(/(\d)(?:secs?|seconds?)$/i, '$1s')
    .replace(/(\d)(?:mins?|minutes?)$/i, '$1m')
    .replace(/(\d)(?:hrs?|hours?)$/i, '$1h')
    .replace(/(\d)(?:millis|milliseconds?|msecs?)$/i, '$1ms')
  const nanos = parseGoDurationNanos(squeezed)
  if (nanos === undefined || nanos <= 0n || nanos % 1_000_000n !== 0n) return undefined
  return formatSdlDuration(nanos / 1_000_000n, units)
}
