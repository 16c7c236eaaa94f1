/**
 * USD figures for one command run. ACT is worth 1 USD; AKT is worth what the chain's oracle says,
 * when it says anything. An AKT amount whose USD value cannot be known is shown as `null` in JSON
 * (never left out, so a script sees the gap) and the command warns once, saying why.
 */
import type {AktPrice} from '../market/market.js'
import {formatUsd, toUsd} from '../protocol/money.js'

/** The one warning a command gives when it has AKT amounts to show in USD and no price. */
export function aktPriceWarning(price: AktPrice): string {
  // The reason is often a whole error message ending in "(reading the AKT price)."; in parentheses it read "price).):".
  const reason = (price.unavailable ?? 'no reason given').replace(/\.+$/, '')
  return `No AKT→USD price, so USD figures for amounts in AKT are not shown (null in --json): ${reason}.`
}

export class UsdPricing {
  private warned = false

  constructor(
    readonly price: AktPrice,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /** USD per AKT (×10^18), when the oracle gave one. */
  get aktUsd(): bigint | undefined {
    return this.price.usd
  }

  /**
   * True when an amount in `denom` needs the AKT price and this run has none; the first time, it
   * also warns.
   */
  missing(denom: string): boolean {
    if (denom !== 'uakt' || this.price.usd !== undefined) return false
    if (!this.warned) {
      this.warned = true
      this.warn(aktPriceWarning(this.price))
    }
    return true
  }

  /**
   * The USD value (×10^18) of `baseScaled` (base units ×10^18) of `denom`: `null` when it needs the
   * missing AKT price, undefined for a denom that has no USD value at all.
   */
  value(baseScaled: bigint, denom: string): bigint | null | undefined {
    const usd = toUsd(baseScaled, denom, this.price.usd)
    if (usd !== undefined) return usd
    return this.missing(denom) ? null : undefined
  }

  /** `value`, formatted ("$1.23"). */
  format(baseScaled: bigint, denom: string, format: (usd: bigint) => string = formatUsd): string | null | undefined {
    return formatOrNull(this.value(baseScaled, denom), format)
  }
}

/** Formats a USD value, keeping null (unknown) and undefined (not applicable) apart. */
export function formatOrNull(usd: bigint | null | undefined, format: (usd: bigint) => string = formatUsd): string | null | undefined {
  return usd === null || usd === undefined ? usd : format(usd)
}

/** `{[key]: value}` unless the value is undefined: a null (unknown) field stays in the JSON. */
export function usdEntry<K extends string>(key: K, value: string | null | undefined): {[P in K]?: string | null} {
  return value === undefined ? {} : ({[key]: value} as {[P in K]: string | null})
}
