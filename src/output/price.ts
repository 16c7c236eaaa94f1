import {roundPerBlockText} from '../protocol/money.js'

/**
 * A price as people read it: USD per hour and month where the denom has a USD value, with the
 * per-block price (rounded; `--json` keeps it exact) beside it; the per-block price alone otherwise.
 */
export function priceText(price: {perBlock: string; usdPerHour?: string | null; usdPerMonth?: string | null}, dim: (s: string) => string = (s) => s): string {
  const perBlock = roundPerBlockText(price.perBlock)
  if (price.usdPerHour === undefined || price.usdPerHour === null) return perBlock
  return `${price.usdPerHour}/h${price.usdPerMonth ? ` · ${price.usdPerMonth}/month` : ''} ${dim(`(${perBlock})`)}`
}
