/**
 * Go's behaviour where edge must match it byte for byte: string order (sort.Strings) and
 * time.ParseDuration.
 */

/** Go's time.ParseDuration, in seconds ("1h30m" → 5400). */
export function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = {ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600}
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return undefined
  let total = 0
  while (rest !== '') {
    const match = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest)
    if (!match) return undefined
    total += Number(match[1]) * units[match[2]]
    rest = rest.slice(match[0].length)
  }
  return sign * total
}

/** Go's string order (byte-wise UTF-8), which sort.Strings uses. */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return Buffer.compare(ba, bb)
}
