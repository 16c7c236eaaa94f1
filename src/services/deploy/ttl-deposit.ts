/**
 * The TTL top-up: a deployment whose deposit is sized to its TTL is created with a small first
 * deposit (forecast.ts `firstDeposit`) and, once leased, topped up to what the rest of the TTL costs
 * at the leases' own price. node v2.1 stops paying the provider when the escrow is spent and closes
 * the lease then (insufficient_funds), so the chain itself ends the lease at the TTL, whatever the
 * bid was; never more than the forecast's deposit (the TTL at the order's maximum price) is locked.
 */
import type {Lease} from '../../market/market.js'
import {formatCoin} from '../../protocol/money.js'
import {formatDuration} from '../ledger/guards.js'
import type {DeployEvent} from './events.js'
import {escrowLastsMs, ttlDeposit} from './forecast.js'
import {type RunState, dseqOf} from './state.js'

/** Tops the deposit up for the TTL's remainder at the leases' price; resolves with a line for the lease step, if it did. */
export async function* topUpForTtl(run: RunState, leases: Lease[]): AsyncGenerator<DeployEvent, string | undefined> {
  const t = run.forecast.ttl
  if (t?.firstDeposit === undefined || leases.length === 0) return undefined
  const {ctx, clock} = run
  const dseq = dseqOf(run)
  const entry = ctx.ledger.get(run.network, run.owner, dseq)
  const held = entry?.deposit ?? t.firstDeposit
  const denom = run.forecast.deposit.denom
  const perBlock = leases.reduce((sum, l) => sum + l.price.amount, 0n)
  // The TTL counts from the start of the deploy (the ledger's expiresAt): what is left of it now.
  const leftMs = entry?.expiresAt !== undefined ? Math.max(0, entry.expiresAt - clock.now()) : t.ttlMs
  const more = ttlDeposit(perBlock, leftMs, ctx.network.blockTimeMs) - held
  if (more <= 0n) return undefined
  try {
    await ctx.market.tx!.deposit(dseq, {denom, amount: more})
  } catch (error) {
    const lasts = formatDuration(escrowLastsMs(held, perBlock, ctx.network.blockTimeMs))
    yield clock.event({type: 'warning', message: `Topping the deposit up for the TTL failed (${(error as Error).message}): the chain ends the lease when ${formatCoin(held, denom)} is spent, in about ${lasts}. To keep it to the TTL, run \`edge deposit ${dseq} ${more}${denom}\`.`})
    return undefined
  }
  ctx.ledger.update(run.network, run.owner, dseq, {deposit: held + more})
  return `deposit topped up to ${formatCoin(held + more, denom)}, the rest of the TTL at the lease's price`
}
