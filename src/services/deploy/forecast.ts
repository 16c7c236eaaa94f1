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
  /** With a TTL: whether the escrow itself ends the lease by then (see `ttlEnforcement`). */
  ttl?: TtlEnforcement
}

/**
 * Whether the chain itself ends a lease at its TTL. node v2.1 stops paying a provider when the
 * deployment's escrow is spent: the next settlement (the provider's withdrawal, which Akash's
 * provider sends when a deposit cannot pay another block) finds it overdrawn and closes the
 * deployment and its leases with reason insufficient_funds. So a deposit no bigger than what the
 * TTL costs at the order's maximum price is a TTL the chain enforces, even if nobody ever runs
 * `edge close --expired`. A lease priced below the maximum would make such a deposit last longer,
 * so it starts at `firstDeposit` and is topped up once leased to the TTL at the lease's price.
 */
export interface TtlEnforcement {
  ttlMs: number
  /** What the TTL costs at the order's maximum price (base denom units). */
  ttlDeposit: bigint
  /** How long the deposit pays for the lease at the order's maximum price. */
  escrowLastsMs: number
  /** The deposit is no bigger than the TTL needs: the chain ends the lease by the TTL at the order's price. */
  enforcedByEscrow: boolean
  /** When not: what made the deposit bigger (`--deposit`, `--budget`, or the chain's minimum). */
  largerBecause?: 'deposit' | 'budget' | 'minimum'
  /**
   * With a deposit sized to the TTL: what MsgCreateDeployment locks (the chain's minimum, or five
   * blocks at the maximum price if more). Once leased, the deposit is topped up to what the TTL
   * costs at the lease's price (ttl-deposit.ts): bids are usually below the maximum, and a deposit
   * sized at the maximum would let the chain run such a lease well past its TTL.
   */
  firstDeposit?: bigint
}

/** Blocks the first deposit must pay for at the maximum price: the lease runs on it until the top-up is included. */
const TOP_UP_MARGIN_BLOCKS = 5n

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
    const needed = ttlDeposit(input.maxPerBlock, input.ttlMs, input.blockTimeMs)
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
    ...(input.ttlMs !== undefined ? {ttl: ttlEnforcement(input, deposit, reason)} : {}),
  }
}

/** The deposit that pays for `ttlMs` of blocks at `perBlock` (×10^18), rounded up to a whole unit. */
export function ttlDeposit(perBlock: bigint, ttlMs: number, blockTimeMs: number): bigint {
  const blocks = BigInt(Math.ceil(ttlMs / blockTimeMs))
  return ceilDiv(perBlock * blocks, 10n ** 18n)
}

/** How long `deposit` (base units) pays for blocks at `perBlock` (×10^18): whole blocks × block time. */
export function escrowLastsMs(deposit: bigint, perBlock: bigint, blockTimeMs: number): number {
  if (perBlock <= 0n) return Number.POSITIVE_INFINITY
  return Number((deposit * 10n ** 18n) / perBlock) * blockTimeMs
}

function ttlEnforcement(input: ForecastInput, deposit: Coin, reason: Forecast['depositReason']): TtlEnforcement {
  const ttlMs = input.ttlMs!
  const needed = ttlDeposit(input.maxPerBlock, ttlMs, input.blockTimeMs)
  const enforcedByEscrow = deposit.denom === input.denom && deposit.amount <= needed
  const largerBecause = reason === 'flag' ? 'deposit' : reason === 'budget' ? 'budget' : 'minimum'
  const min = input.minDeposit && input.minDeposit.denom === input.denom ? input.minDeposit.amount : 0n
  const first = maxBig(min, ceilDiv(input.maxPerBlock * TOP_UP_MARGIN_BLOCKS, 10n ** 18n))
  return {
    ttlMs,
    ttlDeposit: needed,
    escrowLastsMs: escrowLastsMs(deposit.amount, input.maxPerBlock, input.blockTimeMs),
    enforcedByEscrow,
    ...(enforcedByEscrow ? {} : {largerBecause}),
    ...(reason === 'ttl' && first < deposit.amount ? {firstDeposit: first} : {}),
  }
}

const maxBig = (a: bigint, b: bigint) => (a > b ? a : b)
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b
