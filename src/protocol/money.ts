import {UsageError} from '../errors.js'

/**
 * Money without floats. Amounts are bigints:
 * - a coin amount is an integer of the base denom (uakt, uact);
 * - a per-block price is a LegacyDec (DecCoin) of the base denom, an integer scaled by 10^18 —
 *   exactly the chain's wire form ("1500000000000000000" = 1.5 uact per block).
 * Per-hour and per-month figures come from one block-time constant per network.
 */
export const DEC_PRECISION = 18
export const DEC_SCALE = 10n ** 18n
export const MICRO = 1_000_000n
/** An average month: 365 days / 12 = 730 hours. */
export const HOURS_PER_MONTH = 730n
const MS_PER_HOUR = 3_600_000n

export interface DenomInfo {
  /** Base denom on chain. */
  denom: string
  /** Display unit. */
  symbol: string
  decimals: number
  /** USD per display unit when it is fixed (ACT ≈ 1 USD), as a scaled decimal. */
  usdFixed?: bigint
}

export const DENOMS: Record<string, DenomInfo> = {
  uakt: {denom: 'uakt', symbol: 'AKT', decimals: 6},
  uact: {denom: 'uact', symbol: 'ACT', decimals: 6, usdFixed: DEC_SCALE},
}

export function denomInfo(denom: string): DenomInfo {
  return DENOMS[denom] ?? {denom, symbol: denom, decimals: 0}
}

/** Parses a non-negative decimal string ("1.5", "0.000001", "12") into a 10^18-scaled bigint. */
export function parseDec(input: string, precision = DEC_PRECISION): bigint {
  const s = input.trim()
  const match = /^(\d+)(?:\.(\d+))?$/.exec(s)
  if (!match) throw new UsageError(`"${input}" is not a decimal number.`)
  const [, whole, frac = ''] = match
  if (frac.length > precision) {
    throw new UsageError(`"${input}" has more than ${precision} decimal places.`)
  }
  return BigInt(whole) * 10n ** BigInt(precision) + BigInt(frac.padEnd(precision, '0') || '0')
}

/** Divides and rounds half up (amounts here are never negative). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('division by a non-positive number')
  const q = numerator / denominator
  const r = numerator % denominator
  return r * 2n >= denominator ? q + 1n : q
}

/** Rescales a 10^from-scaled integer to 10^to, rounding half up. */
export function rescale(value: bigint, from: number, to: number): bigint {
  if (to >= from) return value * 10n ** BigInt(to - from)
  return divRound(value, 10n ** BigInt(from - to))
}

/**
 * Formats a 10^scale-scaled integer with `decimals` places (rounded half up), optionally
 * dropping trailing zeros, with thousands separators when asked.
 */
export function formatScaled(
  value: bigint,
  scale: number,
  decimals: number,
  options: {trim?: boolean; group?: boolean} = {},
): string {
  const negative = value < 0n
  const rounded = rescale(negative ? -value : value, scale, decimals)
  const digits = rounded.toString().padStart(decimals + 1, '0')
  let whole = digits.slice(0, digits.length - decimals)
  let frac = digits.slice(digits.length - decimals)
  if (options.trim) frac = frac.replace(/0+$/, '')
  if (options.group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return (negative ? '-' : '') + whole + (frac ? '.' + frac : '')
}

/** Per-block price (base denom, ×10^18) → per hour (base denom, ×10^18). */
export function perHour(perBlock: bigint, blockTimeMs: number): bigint {
  return divRound(perBlock * MS_PER_HOUR, BigInt(Math.round(blockTimeMs)))
}

/** Per-block price (base denom, ×10^18) → per month of 730 hours (base denom, ×10^18). */
export function perMonth(perBlock: bigint, blockTimeMs: number): bigint {
  return divRound(perBlock * MS_PER_HOUR * HOURS_PER_MONTH, BigInt(Math.round(blockTimeMs)))
}

/** Per-hour price (base denom, ×10^18) → per-block price (base denom, ×10^18), rounded half up. */
export function perBlockFromPerHour(perHourScaled: bigint, blockTimeMs: number): bigint {
  return divRound(perHourScaled * BigInt(Math.round(blockTimeMs)), MS_PER_HOUR)
}

/**
 * USD value (×10^18) of an amount of base denom (×10^18). ACT is worth 1 USD by design; AKT needs a
 * price (USD per AKT, ×10^18), otherwise there is no USD figure.
 */
export function toUsd(baseScaled: bigint, denom: string, aktUsd?: bigint): bigint | undefined {
  const info = DENOMS[denom]
  if (!info) return undefined
  const usdPerUnit = info.usdFixed ?? (denom === 'uakt' ? aktUsd : undefined)
  if (usdPerUnit === undefined) return undefined
  // base units → display units: divide by 10^decimals; then × USD per display unit (÷10^18).
  return divRound(baseScaled * usdPerUnit, 10n ** BigInt(info.decimals) * DEC_SCALE)
}

/** "$1.23", or up to three significant digits for sub-cent amounts, so a price never shows as $0.00. */
export function formatUsd(usdScaled: bigint): string {
  const abs = usdScaled < 0n ? -usdScaled : usdScaled
  const cent = DEC_SCALE / 100n
  if (abs === 0n || abs >= cent) return `$${formatScaled(usdScaled, DEC_PRECISION, 2, {group: true})}`
  let firstDigit = 2
  for (let threshold = cent; abs < threshold && firstDigit < 18; threshold /= 10n) firstDigit++
  const decimals = Math.min(firstDigit + 2, 10)
  const text = formatScaled(usdScaled, DEC_PRECISION, decimals, {trim: true})
  return `$${text.includes('.') && text.split('.')[1].length < 2 ? text.padEnd(text.indexOf('.') + 3, '0') : text}`
}

/** An integer coin amount in its display unit: 1234567 uact → "1.234567 ACT". */
export function formatCoin(amount: bigint, denom: string, options: {trim?: boolean} = {trim: true}): string {
  const info = denomInfo(denom)
  return `${formatScaled(amount, info.decimals, info.decimals, {trim: options.trim, group: true})} ${info.symbol}`
}

/**
 * A per-block price (×10^18 base denom) in display units per block: "0.000123 ACT/block". Exact by
 * default (JSON carries it); `significant` rounds for people, since a per-block price has 24 places.
 */
export function formatPerBlock(perBlock: bigint, denom: string, options: {significant?: number} = {}): string {
  const info = denomInfo(denom)
  const scale = DEC_PRECISION + info.decimals
  const decimals = options.significant === undefined ? scale : significantPlaces(perBlock, scale, options.significant)
  return `${formatScaled(perBlock, scale, decimals, {trim: true})} ${info.symbol}/block`
}

/** Rounds a printed per-block price ("0.000000409722222222222222 ACT/block") to `significant` digits. */
export function roundPerBlockText(text: string, significant = 4): string {
  const match = /^(\d+)(?:\.(\d+))?(\s.*)$/.exec(text)
  if (!match) return text
  const places = (match[2] ?? '').length
  const value = BigInt(match[1] + (match[2] ?? ''))
  return `${formatScaled(value, places, significantPlaces(value, places, significant), {trim: true})}${match[3]}`
}

/** How many of `scale` decimal places keep `significant` digits of `value` (never more than it has). */
function significantPlaces(value: bigint, scale: number, significant: number): number {
  if (value === 0n) return scale
  const digits = (value < 0n ? -value : value).toString().length
  return Math.min(scale, Math.max(0, scale - digits + significant))
}

const COIN = /^(\d+(?:\.\d+)?)\s*([a-zA-Z][a-zA-Z0-9/]*)$/

/**
 * Parses "100akt", "2.5 ACT", "1000uakt", "500000uact" into an integer amount of the base denom.
 * Display units (akt, act) are scaled by 10^6; base denoms must be whole numbers.
 */
export function parseCoin(input: string): {denom: string; amount: bigint} {
  const match = COIN.exec(input.trim())
  if (!match) {
    throw new UsageError(`"${input}" is not an amount.`, {hint: 'Write amounts like 100akt, 2.5act, 1000uakt or 500000uact.'})
  }
  const [, number, unitRaw] = match
  const unit = unitRaw.toLowerCase()
  const base = Object.values(DENOMS).find((d) => d.symbol.toLowerCase() === unit)
  if (base) return {denom: base.denom, amount: rescale(parseDec(number, base.decimals), base.decimals, base.decimals)}
  if (DENOMS[unit]) {
    if (number.includes('.')) throw new UsageError(`"${input}": ${unit} amounts are whole numbers.`)
    return {denom: unit, amount: BigInt(number)}
  }
  throw new UsageError(`"${input}" has an unknown denom "${unitRaw}".`, {hint: 'Use akt, act, uakt or uact.'})
}

/**
 * Parses a price cap such as "1.2usd/h", "0.5usd/hour", "30usd/month" or "$1.2/h" into USD per
 * hour (×10^18).
 */
export function parseUsdRate(input: string): bigint {
  const match = /^\$?\s*(\d+(?:\.\d+)?)\s*(?:usd)?\s*\/\s*(h|hr|hour|mo|month)$/i.exec(input.trim())
  if (!match) {
    throw new UsageError(`"${input}" is not a price per hour or month.`, {hint: 'Write a price like 1.2usd/h or 30usd/month.'})
  }
  const value = parseDec(match[1])
  const unit = match[2].toLowerCase()
  return unit === 'mo' || unit === 'month' ? divRound(value, HOURS_PER_MONTH) : value
}
