/** What `edge deploy --ttl` says about who ends the deployment at its TTL (the chain, or `edge close --expired`). */
import {formatDuration} from '../ledger/guards.js'
import {escrowLastsMs, type TtlEnforcement, ttlDeposit} from './forecast.js'

export interface DeployTtl {
  /** The TTL asked for, e.g. `2h`. */
  duration: string
  /**
   * true: the deposit pays for no more than the TTL, so the chain itself closes the lease
   * (insufficient_funds) once it is spent, even if nobody runs `edge close --expired`.
   */
  enforcedByEscrow: boolean
  /** How long the deposit pays for the lease: at the order's maximum price (dry run), at the lease's price (once leased). */
  escrowLasts: string
  /** One sentence for people. */
  note: string
}

const LARGER: Record<NonNullable<TtlEnforcement['largerBecause']>, string> = {
  deposit: '--deposit is more than the TTL needs',
  budget: '--budget is more than the TTL needs',
  minimum: "the chain's minimum deposit is more than the TTL needs",
}

/** Before leasing: at the order's maximum price. */
export function plannedTtl(t: TtlEnforcement): DeployTtl {
  const lasts = formatDuration(t.escrowLastsMs)
  return {
    duration: formatDuration(t.ttlMs),
    enforcedByEscrow: t.enforcedByEscrow,
    escrowLasts: lasts,
    note: t.enforcedByEscrow
      ? t.firstDeposit !== undefined
        ? `the deposit is sized to the TTL at the lease's price once leased (${lasts} at the order's maximum): the chain closes the lease when it is spent`
        : `the deposit pays for ${lasts} at the order's maximum price: the chain closes the lease when it is spent`
      : `${LARGER[t.largerBecause ?? 'deposit']} (it lasts ${lasts} at the order's maximum price): only \`edge close --expired\` ends it at the TTL`,
  }
}

/** Once leased: at the price the leases actually cost. */
export function leasedTtl(t: TtlEnforcement, deposit: bigint, perBlock: bigint, blockTimeMs: number): DeployTtl {
  if (!t.enforcedByEscrow || perBlock <= 0n) return plannedTtl(t)
  const lasts = formatDuration(escrowLastsMs(deposit, perBlock, blockTimeMs))
  const byEscrow = deposit <= ttlDeposit(perBlock, t.ttlMs, blockTimeMs)
  return {
    duration: formatDuration(t.ttlMs),
    enforcedByEscrow: byEscrow,
    escrowLasts: lasts,
    note: byEscrow
      ? `the deposit pays for ${lasts} of this lease: then the chain closes it (insufficient funds), even if nobody runs \`edge close --expired\``
      : `at this lease's price the deposit pays for ${lasts}, longer than the TTL: \`edge close --expired\` ends it at the TTL (it never costs more than the deposit)`,
  }
}
