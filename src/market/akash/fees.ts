/**
 * The one fee and gas policy of edge's transactions: what chain-sdk's client, the batch broadcaster
 * and the out-of-gas retry all use.
 */
import type {Coin} from '../market.js'

/**
 * The margin over simulated gas. Akash's simulation can fall short of delivery at chain-sdk's
 * default 1.3 (see test/conformance/DIFFERENCES.md); 1.5 is the adjustment Akash's docs recommend.
 */
export const GAS_MULTIPLIER = 1.5

export interface Fee {
  amount: Coin[]
  gas: string
}

/** The gas limit for a simulated amount of gas. */
export function gasLimit(simulated: number): number {
  return Math.floor(simulated * GAS_MULTIPLIER)
}

/** The fee for `gas` at the network's gas price (`0.025uakt`), rounded up as cosmjs' calculateFee does. */
export function feeForGas(gas: bigint, gasPrice: string): Fee {
  const match = /^(\d+(?:\.\d+)?)([a-z][a-z0-9/]*)$/i.exec(gasPrice)
  if (!match) throw new TypeError(`"${gasPrice}" is not a gas price`)
  const [whole, frac = ''] = match[1].split('.')
  const scale = 10n ** BigInt(frac.length)
  const price = BigInt(whole) * scale + BigInt(frac || '0')
  return {gas: gas.toString(), amount: [{denom: match[2], amount: (gas * price + scale - 1n) / scale}]}
}

/** The fee for a retry after out of gas (sdk/11): 1.5x the gas delivery used, at the network's price. */
export function outOfGasRetryFee(error: unknown, gasPrice: string): Fee | undefined {
  const response = (error as {txResponse?: {code?: number; gasUsed?: bigint | number; rawLog?: string}})?.txResponse
  // Code 11 is also used by modules; only the SDK's out-of-gas says so in its log.
  if (!response || response.code !== 11 || !/out of gas/i.test(response.rawLog ?? '')) return undefined
  const used = BigInt(response.gasUsed ?? 0)
  if (used <= 0n) return undefined
  try {
    return feeForGas(BigInt(gasLimit(Number(used))), gasPrice)
  } catch {
    return undefined
  }
}
