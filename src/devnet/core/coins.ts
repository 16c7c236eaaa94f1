import type {Coin} from '../types.js'
import {sdkError, SdkCode} from './errors.js'

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/

export function isValidDenom(denom: string): boolean {
  return DENOM.test(denom)
}

/** Coins as the SDK prints them (`Coins.String()`): sorted by denom, `100uakt,5uact`. */
export function formatCoins(coins: readonly Coin[]): string {
  return [...coins]
    .sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0))
    .map((c) => `${c.amount}${c.denom}`)
    .join(',')
}

/** Proto coins (`{denom, amount: string}`) to bigint coins, validating them as `Coins.Validate` does. */
export function fromProtoCoins(coins: ReadonlyArray<{denom: string; amount: string}>, allowZero = false): Coin[] {
  const out: Coin[] = []
  for (const c of coins) {
    if (!isValidDenom(c.denom)) throw sdkError(SdkCode.invalidCoins, `invalid denom: ${c.denom}`)
    if (!/^\d+$/.test(c.amount)) throw sdkError(SdkCode.invalidCoins, `invalid amount ${c.amount}${c.denom}`)
    const amount = BigInt(c.amount)
    if (amount === 0n && !allowZero) throw sdkError(SdkCode.invalidCoins, `coin ${c.amount}${c.denom} amount is not positive`)
    out.push({denom: c.denom, amount})
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1].denom === out[i].denom) throw sdkError(SdkCode.invalidCoins, `duplicate denomination ${out[i].denom}`)
    if (out[i - 1].denom > out[i].denom) throw sdkError(SdkCode.invalidCoins, `denomination ${out[i].denom} is not sorted`)
  }
  return out
}

/** Sorted by denom with duplicates merged and zero amounts dropped. */
export function normalizeCoins(coins: readonly Coin[]): Coin[] {
  const sums = new Map<string, bigint>()
  for (const c of coins) sums.set(c.denom, (sums.get(c.denom) ?? 0n) + c.amount)
  return [...sums.entries()]
    .filter(([, amount]) => amount !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({denom, amount}))
}

const SCALE = 10n ** 18n

/** A decimal price per gas unit, e.g. `0.025uakt`, kept as an 18-decimal fixed-point integer. */
export interface GasPrice {
  denom: string
  /** amount × 10^18 */
  atomics: bigint
}

export function parseGasPrice(text: string): GasPrice {
  const m = /^(\d+(?:\.\d{1,18})?)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(text.trim())
  if (!m) throw new Error(`invalid gas price "${text}" (expected e.g. 0.025uakt)`)
  const [whole, fraction = ''] = m[1].split('.')
  return {denom: m[2], atomics: BigInt(whole) * SCALE + BigInt(fraction.padEnd(18, '0'))}
}

/** ceil(price × gas), the fee the SDK requires for a gas limit (`DecCoins.Ceil`). */
export function requiredFee(price: GasPrice, gasLimit: bigint): Coin {
  const product = price.atomics * gasLimit
  return {denom: price.denom, amount: (product + SCALE - 1n) / SCALE}
}
