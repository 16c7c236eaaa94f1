/**
 * The oracle's price arithmetic, as node v2.1's x/oracle keeper does it in LegacyDec: a
 * time-weighted average per source, the median and spread of the sources' latest prices, and the
 * health checks. Prices are Dec (×10^18) bigints, times are nanoseconds since the epoch.
 */
import {decFromInt, decQuo, decTruncateInt} from '../common/dec.js'

export interface PricePoint {
  /** Nanoseconds since the Unix epoch. */
  timestampNs: bigint
  price: bigint
}

/**
 * calculateTWAP: `points` newest first. Each price weighs the time until the next newer one (the
 * newest: until `nowNs`). All at one instant: the plain average. Undefined without points.
 */
export function twap(nowNs: bigint, points: readonly PricePoint[]): bigint | undefined {
  if (points.length === 0) return undefined
  let weighted = 0n
  let total = 0n
  points.forEach((point, i) => {
    const weight = (i > 0 ? points[i - 1].timestampNs : nowNs) - point.timestampNs
    // LegacyDec.Mul(LegacyNewDec(weight)) is exact: an integer Dec only scales.
    weighted += point.price * weight
    total += weight
  })
  if (total === 0n) {
    const sum = points.reduce((s, p) => s + p.price, 0n)
    return decQuo(sum, decFromInt(BigInt(points.length)))
  }
  return decQuo(weighted, decFromInt(total))
}

/** calculateMedian: the middle price, or the mean of the two middle ones. */
export function median(prices: readonly bigint[]): bigint {
  if (prices.length === 0) return 0n
  const sorted = [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length % 2 === 0) return decQuo(sorted[mid - 1] + sorted[mid], decFromInt(2n))
  return sorted[mid]
}

/** calculateDeviationBps: (max − min) × 10000 / min, truncated. */
export function deviationBps(min: bigint, max: bigint): bigint {
  if (min === 0n) return 0n
  const bps = decTruncateInt(decQuo((max - min) * 10000n, min))
  return bps < 0n ? -bps : bps
}

export interface Health {
  isHealthy: boolean
  hasMinSources: boolean
  deviationOk: boolean
  failureReason: string[]
}

/** setPriceHealth's checks: enough sources, and their prices close enough together. */
export function checkHealth(numSources: number, deviation: bigint, params: {minPriceSources: number; maxPriceDeviationBps: bigint}): Health {
  const failureReason: string[] = []
  const hasMinSources = numSources >= params.minPriceSources
  if (!hasMinSources) failureReason.push(`insufficient price sources: ${numSources} < ${params.minPriceSources}`)
  const deviationOk = deviation <= params.maxPriceDeviationBps
  if (!deviationOk) failureReason.push(`price deviation too high: ${deviation}bps > ${params.maxPriceDeviationBps}bps`)
  return {isHealthy: hasMinSources && deviationOk, hasMinSources, deviationOk, failureReason}
}
