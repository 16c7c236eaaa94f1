/**
 * Budget and TTL guards: pure arithmetic over what the ledger recorded and what the chain says.
 * `edge ls` shows them, `edge close --expired` acts on them.
 */
import {UsageError} from '../../errors.js'
import {DEC_SCALE, toUsd} from '../../protocol/money.js'

export interface GuardInput {
  now: number
  /** When the TTL ends (ms since epoch), if one was set. */
  expiresAt?: number
  /** Budget in USD × 10^18. */
  budgetUsd?: bigint
  /** Lease price per block (base denom × 10^18) and its denom. */
  pricePerBlock?: bigint
  denom?: string
  /** Blocks the lease has run (current height − lease height). */
  blocksRun?: number
  /** What is left in escrow (base denom × 10^18), to say how long it lasts. */
  escrowLeft?: bigint
  blockTimeMs: number
  aktUsd?: bigint
}

export interface GuardStatus {
  expired: boolean
  /** ms until the TTL ends (negative once past). */
  ttlLeftMs?: number
  /** USD × 10^18 spent on the lease so far. */
  spentUsd?: bigint
  overBudget: boolean
  /** At least 80% of the budget is spent. */
  budgetWarning: boolean
  /** ms until the escrow runs dry at the current price. */
  escrowLeftMs?: number
  /** The smaller of TTL and escrow time: when the deployment stops, one way or another. */
  timeLeftMs?: number
}

export function evaluateGuards(input: GuardInput): GuardStatus {
  const ttlLeftMs = input.expiresAt === undefined ? undefined : input.expiresAt - input.now
  let spentUsd: bigint | undefined
  if (input.pricePerBlock !== undefined && input.denom && input.blocksRun !== undefined) {
    spentUsd = toUsd(input.pricePerBlock * BigInt(Math.max(0, input.blocksRun)), input.denom, input.aktUsd)
  }
  const overBudget = input.budgetUsd !== undefined && spentUsd !== undefined && spentUsd >= input.budgetUsd
  const budgetWarning = input.budgetUsd !== undefined && spentUsd !== undefined && spentUsd * 10n >= input.budgetUsd * 8n
  let escrowLeftMs: number | undefined
  if (input.escrowLeft !== undefined && input.pricePerBlock && input.pricePerBlock > 0n) {
    escrowLeftMs = Number(input.escrowLeft / input.pricePerBlock) * input.blockTimeMs
  }
  const candidates = [ttlLeftMs, escrowLeftMs].filter((v): v is number => v !== undefined)
  return {
    expired: ttlLeftMs !== undefined && ttlLeftMs <= 0,
    ...(ttlLeftMs === undefined ? {} : {ttlLeftMs}),
    ...(spentUsd === undefined ? {} : {spentUsd}),
    overBudget,
    budgetWarning,
    ...(escrowLeftMs === undefined ? {} : {escrowLeftMs}),
    ...(candidates.length ? {timeLeftMs: Math.min(...candidates)} : {}),
  }
}

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000}

/** "500ms", "90s", "30m", "2h", "1d", "1h30m" → milliseconds: the one duration grammar of every flag that takes a time. */
export function parseDuration(input: string, flag = '--ttl'): number {
  const text = input.trim().toLowerCase()
  const re = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g
  let total = 0
  let consumed = ''
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]]
    consumed += m[0]
  }
  if (!text || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '') || total <= 0) {
    throw new UsageError(`${flag} "${input}" is not a duration.`, {hint: 'Write durations like 90s, 30m, 2h, 1d or 1h30m.'})
  }
  return Math.round(total)
}

/** 5400000 → "1h30m"; negative durations read "expired 5m ago" at the caller. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs < 60_000) return `${Math.round(abs / 1000)}s`
  const d = Math.floor(abs / 86_400_000)
  const h = Math.floor((abs % 86_400_000) / 3_600_000)
  const m = Math.floor((abs % 3_600_000) / 60_000)
  if (d > 0) return `${d}d${h ? `${h}h` : ''}`
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`
  return `${m}m`
}

/** "5usd", "$5", "12.5" → USD × 10^18. */
export function parseUsdAmount(input: string, flag = '--budget'): bigint {
  const m = /^\$?\s*(\d+(?:\.\d+)?)\s*(?:usd)?$/i.exec(input.trim())
  if (!m) throw new UsageError(`${flag} "${input}" is not an amount in USD.`, {hint: 'Write an amount like 5usd or $12.50.'})
  const [whole, frac = ''] = m[1].split('.')
  if (frac.length > 18) throw new UsageError(`${flag} "${input}" has too many decimals.`)
  return BigInt(whole) * DEC_SCALE + BigInt(frac.padEnd(18, '0') || '0')
}
