/**
 * Cosmos LegacyDec (18 fractional digits) as a bigint scaled by 10^18, parsed the way
 * `math.LegacyNewDecFromStr` does, and printed in the three forms that exist for a DecCoin.
 */

export const DEC_DIGITS = 18
export const DEC_ONE = 10n ** 18n

export type DecParse = {ok: true; value: bigint} | {ok: false; problem: string}

/** Go's LegacyNewDecFromStr: "-"? digits ("." 1..18 digits)?; a leading "+" is tolerated by big.Int. */
export function parseLegacyDec(input: string): DecParse {
  let s = input
  let negative = false
  if (s.startsWith('-')) {
    negative = true
    s = s.slice(1)
  }
  if (s === '') return {ok: false, problem: 'is empty'}
  const parts = s.split('.')
  if (parts.length > 2) return {ok: false, problem: 'has more than one decimal point'}
  const [whole, frac] = parts
  if (frac !== undefined && (frac.length === 0 || whole.length === 0)) {
    return {ok: false, problem: 'needs digits on both sides of the decimal point'}
  }
  if (frac !== undefined && frac.length > DEC_DIGITS) {
    return {ok: false, problem: `has more than ${DEC_DIGITS} decimal places`}
  }
  if (!/^\+?\d+$/.test(whole) || (frac !== undefined && !/^\d+$/.test(frac))) {
    return {ok: false, problem: 'is not a decimal number'}
  }
  const value = BigInt(whole.replace('+', '')) * DEC_ONE + BigInt((frac ?? '').padEnd(DEC_DIGITS, '0') || '0')
  return {ok: true, value: negative ? -value : value}
}

/** "1.500000000000000000" (Go's LegacyDec.String()). */
export function decLegacyString(scaled: bigint): string {
  const neg = scaled < 0n
  const abs = neg ? -scaled : scaled
  return `${neg ? '-' : ''}${abs / DEC_ONE}.${(abs % DEC_ONE).toString().padStart(DEC_DIGITS, '0')}`
}

/**
 * A LegacyDec as chain-sdk's codecs present it ("1.5", "12", "-0.25") → ×10^18 bigint. Throws on
 * anything else: a decoded chain value that is not a decimal is a bug, not user input.
 */
export function parseDecHuman(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,18}))?$/.exec(amount)
  if (!match) throw new Error(`unexpected LegacyDec amount "${amount}"`)
  const value = BigInt(match[2]) * DEC_ONE + BigInt((match[3] ?? '').padEnd(DEC_DIGITS, '0'))
  return match[1] === '-' ? -value : value
}

/** "1.5": trailing zeros trimmed (the decimal chain-sdk's codecs take for a LegacyDec). */
export function decHuman(scaled: bigint): string {
  const legacy = decLegacyString(scaled)
  return legacy.replace(/\.?0+$/, '')
}

/** "1500000000000000000": the protobuf wire string. */
export function decWire(scaled: bigint): string {
  return scaled.toString()
}
