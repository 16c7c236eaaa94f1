/**
 * The cost forecast shown before anything is paid: what the order lets a provider charge at most
 * (the SDL price), per hour and per month, in USD, and the deposit that will be locked in escrow.
 */
import type {Coin} from '../../market/market.js'
import {MICRO, divRound, perHour, perMonth, toUsd} from '../../protocol/money.js'

export interface Forecast {
  denom: string
  /** Order price per block, base denom × 10^18. */
  maxPerBlock: bigint
  maxPerHour: bigint
  maxPerMonth: bigint
  maxUsdPerHour?: bigint
  maxUsdPerMonth?: bigint
  deposit: Coin
  depositUsd?: bigint
  /** Where the deposit figure came from. */
  depositReason: 'flag' | 'budget' | 'ttl' | 'minimum'
}

export interface ForecastInput {
  denom: string
  maxPerBlock: bigint
  blockTimeMs: number
  minDeposit?: Coin
  deposit?: Coin
  budgetUsd?: bigint
  ttlMs?: number
  aktUsd?: bigint
}

/**
 * The deposit: `--deposit` when given; else enough for the budget (so the chain itself stops the
 * lease when the budget is spent) or for the TTL at the order's price; never below the chain's
 * minimum. ACT is worth $1, so a USD budget is the same number of ACT.
 */
export function forecast(input: ForecastInput): Forecast {
  const maxPerHour = perHour(input.maxPerBlock, input.blockTimeMs)
  const maxPerMonth = perMonth(input.maxPerBlock, input.blockTimeMs)
  const usdH = toUsd(maxPerHour, input.denom, input.aktUsd)
  const usdM = toUsd(maxPerMonth, input.denom, input.aktUsd)
  const min = input.minDeposit && input.minDeposit.denom === input.denom ? input.minDeposit.amount : 0n
  let deposit: Coin
  let reason: Forecast['depositReason']
  if (input.deposit) {
    deposit = input.deposit
    reason = 'flag'
  } else if (input.budgetUsd !== undefined && input.denom === 'uact') {
    // USD × 10^18 → uact (10^6 per ACT, 1 ACT = $1).
    deposit = {denom: input.denom, amount: maxBig(min, divRound(input.budgetUsd * MICRO, 10n ** 18n))}
    reason = deposit.amount === min && min > 0n ? 'minimum' : 'budget'
  } else if (input.ttlMs !== undefined) {
    const blocks = BigInt(Math.ceil(input.ttlMs / input.blockTimeMs))
    const needed = ceilDiv(input.maxPerBlock * blocks, 10n ** 18n)
    deposit = {denom: input.denom, amount: maxBig(min, needed)}
    reason = deposit.amount === min ? 'minimum' : 'ttl'
  } else {
    deposit = {denom: input.denom, amount: min}
    reason = 'minimum'
  }
  const depositUsd = toUsd(deposit.amount * 10n ** 18n, deposit.denom, input.aktUsd)
  return {
    denom: input.denom,
    maxPerBlock: input.maxPerBlock,
    maxPerHour,
    maxPerMonth,
    ...(usdH === undefined ? {} : {maxUsdPerHour: usdH}),
    ...(usdM === undefined ? {} : {maxUsdPerMonth: usdM}),
    deposit,
    ...(depositUsd === undefined ? {} : {depositUsd}),
    depositReason: reason,
  }
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b)
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b
