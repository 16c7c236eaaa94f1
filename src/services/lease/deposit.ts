/** `edge deposit`: top up a deployment's escrow. */
import {UsageError} from '../../errors.js'
import {type Coin, isLeaseLive} from '../../market/market.js'
import {formatCoin} from '../../protocol/money.js'
import type {TenantContext} from './context.js'
import {UsdPricing} from '../usd.js'
import {requireDeployment} from './lease.js'
import {type EscrowView, escrowLeft, escrowView} from './list.js'
import type {BaseAmount} from '../../protocol/json-fields.js'

export interface DepositResult {
  dseq: bigint
  deposited: {amount: BaseAmount; denom: string; display: string}
  txHash: string
  height: number
  escrowLeft?: EscrowView
}

export async function depositTo(ctx: TenantContext, dseq: bigint, amount: Coin): Promise<DepositResult> {
  const deployment = await requireDeployment(ctx, dseq)
  if (deployment.state !== 'active') {
    throw new UsageError(`Deployment ${dseq} is closed; a closed deployment takes no deposits.`, {code: 'deployment_closed'})
  }
  const denom = deployment.escrow?.funds[0]?.denom ?? ctx.network.depositDenom
  if (amount.denom !== denom) {
    throw new UsageError(`Deployment ${dseq} is funded in ${denom}, not ${amount.denom}.`, {
      code: 'deposit_denom',
      hint: `Give the amount in ${denom === 'uact' ? 'ACT (e.g. 5act)' : denom}.`,
    })
  }
  const result = await ctx.market.tx!.deposit(dseq, amount)
  const [after, leases, block, aktPrice] = await Promise.all([
    ctx.market.deployment({owner: ctx.owner, dseq}),
    ctx.market.leases({owner: ctx.owner, dseq}),
    ctx.market.latestBlock(),
    ctx.market.aktPrice(),
  ])
  const left = after ? escrowLeft(after, leases.filter(isLeaseLive), block.height) : undefined
  return {
    dseq,
    deposited: {amount: amount.amount, denom: amount.denom, display: formatCoin(amount.amount, amount.denom)},
    txHash: result.txHash,
    height: result.height,
    ...(left !== undefined ? {escrowLeft: escrowView(left, denom, new UsdPricing(aktPrice, ctx.warn))} : {}),
  }
}
