/**
 * Go's behaviour where edge must match it byte for byte: string order (sort.Strings) and
 * time.ParseDuration.
 */

const NANOS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
}
const MAX_DURATION = (1n << 63n) - 1n

/**
 * Go's time.ParseDuration in nanoseconds ("1h30m" → 5400000000000n), or undefined where Go
 * returns an error (no unit, unknown unit, overflow of int64 nanoseconds).
 */
export function parseGoDurationNanos(s: string): bigint | undefined {
  let rest = s
  let negative = false
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-'
    rest = rest.slice(1)
  }
  if (rest === '0') return 0n
  if (rest === '') return undefined
  let total = 0n
  while (rest !== '') {
    const match = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest)
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined
    const unit = NANOS_PER_UNIT[match[3]]
    const whole = BigInt(match[1] || '0') * unit
    // Go truncates the fraction to what the unit can express in nanoseconds.
    const fraction = match[2] ? (BigInt(match[2]) * unit) / 10n ** BigInt(match[2].length) : 0n
    total += whole + fraction
    if (total > MAX_DURATION + (negative ? 1n : 0n)) return undefined
    rest = rest.slice(match[0].length)
  }
  return negative ? -total : total
}

/** Go's time.ParseDuration, in seconds ("1h30m" → 5400). */
export function parseGoDuration(s: string): number | undefined {
  const nanos = parseGoDurationNanos(s)
  return nanos === undefined ? undefined : Number(nanos) / 1e9
}

/** Go's string order (byte-wise UTF-8), which sort.Strings uses. */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return Buffer.compare(ba, bb)
}
