/**
 * Escrow → market/deployment hooks (node v2.1 x/market/hooks/hooks.go). When a deployment's
 * escrow account closes or runs dry, the deployment closes and its groups, orders, bids and
 * leases follow; an overdrawn account marks groups and leases `insufficient_funds`.
 */
import {Deployment_State, LeaseClosedReason, Lease_State, Scope} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {Group_State} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {Bid_State as BidState} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import type {Context} from '../../types.js'
import type {DeploymentKeeper} from '../deployment/keeper.js'
import {DeploymentErr} from '../deployment/errors.js'
import {groupKey} from '../deployment/ids.js'
import type {AccountRecord, PaymentRecord} from '../escrow/keeper.js'
import {State} from '../escrow/keeper.js'
import {MarketErr} from './errors.js'
import type {MarketKeeper} from './keeper.js'
import {orderOf} from './ids.js'


const deploymentsOf = (ctx: Context) => ctx.keeper<DeploymentKeeper>('deployment')
const marketOf = (ctx: Context) => ctx.keeper<MarketKeeper>('market')

function parseDeploymentXid(xid: string): {owner: string; dseq: bigint} {
  const parts = xid.split('/')
  if (parts.length !== 2 || !/^\d+$/.test(parts[1])) throw DeploymentErr.invalidIDPath()
  return {owner: parts[0], dseq: BigInt(parts[1])}
}

export function onEscrowAccountClosed(ctx: Context, account: AccountRecord): void {
  // node calls this hook for bid accounts too and fails with ErrInvalidEscrowID, which cuts
  // short the loser loop of MsgCreateLease (akash-network/support#441). Only deployment accounts
  // concern this hook, as the fix for that issue has it.
  if (account.id.scope !== Scope.deployment) return
  const id = parseDeploymentXid(account.id.xid)
  const deployments = deploymentsOf(ctx)
  const deployment = deployments.getDeployment(ctx, id)
  if (!deployment || deployment.state !== Deployment_State.active) return
  deployments.closeDeployment(ctx, deployment)

  const groupState = account.state === State.overdrawn ? Group_State.insufficient_funds : Group_State.closed
  const market = marketOf(ctx)
  for (const group of deployments.getGroups(ctx, id)) {
    if (group.state === Group_State.closed) continue
    deployments.onCloseGroup(ctx, group, groupState)
    market.onGroupClosed(ctx, groupKey(group.id), groupState)
  }
}

export function onEscrowPaymentClosed(ctx: Context, payment: PaymentRecord): void {
  if (payment.id.aid.scope !== Scope.deployment) return
  const account = payment.id.aid.xid.split('/')
  const pay = payment.id.xid.split('/')
  if (account.length !== 2 || pay.length !== 3) return
  const lid = {
    owner: account[0],
    dseq: BigInt(account[1]),
    gseq: Number(pay[0]),
    oseq: Number(pay[1]),
    provider: pay[2],
    bseq: 0,
  }
  const market = marketOf(ctx)
  const bid = market.getBid(ctx, lid)
  if (!bid || bid.state !== BidState.active) return
  const order = market.getOrder(ctx, orderOf(lid))
  if (!order) throw MarketErr.orderNotFound()
  const lease = market.getLease(ctx, lid)
  if (!lease) throw MarketErr.leaseNotFound()

  market.onOrderClosed(ctx, order)
  market.onBidClosed(ctx, bid)
  if (payment.state === State.overdrawn) {
    market.onLeaseClosed(ctx, lease, Lease_State.insufficient_funds, LeaseClosedReason.lease_closed_reason_insufficient_funds)
  } else {
    market.onLeaseClosed(ctx, lease, Lease_State.closed, LeaseClosedReason.lease_closed_reason_unspecified)
  }
}
