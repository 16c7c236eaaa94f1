/**
 * `cosmossdk.io/math.LegacyDec` in bigint: an integer scaled by 10^18, with the SDK's rounding
 * (Mul and Quo round half to even after chopping the extra precision; Truncate drops toward zero).
 * chain-sdk's codecs carry DecCoin amounts as decimal strings ("1.5"), so we convert at the edge.
 */
export const DEC_PRECISION = 18
export const DEC_ONE = 10n ** 18n

const DEC_RE = /^(-)?(\d+)(?:\.(\d{0,18}))?$/

/** Parses a decimal string ("1.5", "-2", "0.000000000000000001"); "" is zero. */
export function parseDec(input: string | undefined): bigint {
  if (input === undefined || input === '') return 0n
  const match = DEC_RE.exec(input.trim())
  if (!match) throw new Error(`invalid decimal "${input}"`)
  const [, sign, whole, frac = ''] = match
  const value = BigInt(whole) * DEC_ONE + BigInt(frac.padEnd(DEC_PRECISION, '0') || '0')
  return sign ? -value : value
}

/** Whether a string is a decimal `parseDec` accepts. */
export function isDecString(input: string | undefined): boolean {
  return input === undefined || input === '' || DEC_RE.test(input.trim())
}

/** Formats as the codecs expect it: shortest form, no trailing zeros ("1.5", "0", "-3"). */
export function formatDec(value: bigint): string {
  const negative = value < 0n
  const abs = negative ? -value : value
  const whole = abs / DEC_ONE
  const frac = (abs % DEC_ONE).toString().padStart(DEC_PRECISION, '0').replace(/0+$/, '')
  return (negative ? '-' : '') + whole.toString() + (frac ? `.${frac}` : '')
}

/** Formats with all 18 places, as the Go `LegacyDec.String()` prints it. */
export function formatDecFull(value: bigint): string {
  const negative = value < 0n
  const abs = negative ? -value : value
  const whole = abs / DEC_ONE
  const frac = (abs % DEC_ONE).toString().padStart(DEC_PRECISION, '0')
  return `${negative ? '-' : ''}${whole}.${frac}`
}

export function decFromInt(value: bigint): bigint {
  return value * DEC_ONE
}

/** chopPrecisionAndRound: divides by 10^18 rounding half to even (sign-symmetric). */
function chopRound(value: bigint): bigint {
  if (value < 0n) return -chopRound(-value)
  const quo = value / DEC_ONE
  const rem = value % DEC_ONE
  const half = DEC_ONE / 2n
  if (rem < half) return quo
  if (rem > half) return quo + 1n
  return quo % 2n === 0n ? quo : quo + 1n
}

/** `LegacyDec.Mul`. */
export function decMul(a: bigint, b: bigint): bigint {
  return chopRound(a * b)
}

/** `LegacyDec.MulInt64`/`MulInt`: exact. */
export function decMulInt(a: bigint, n: bigint): bigint {
  return a * n
}

/** `LegacyDec.Quo`: scales by 10^36, truncates, then chops with rounding. */
export function decQuo(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('division by zero')
  return chopRound((a * DEC_ONE * DEC_ONE) / b)
}

/** `LegacyDec.TruncateInt`: the integer part, toward zero. */
export function decTruncateInt(value: bigint): bigint {
  return value / DEC_ONE
}

/** `LegacyDec.TruncateDec`: the integer part as a Dec. */
export function decTruncate(value: bigint): bigint {
  return (value / DEC_ONE) * DEC_ONE
}
