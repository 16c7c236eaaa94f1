/**
 * The x/market messages (akash.market.v1beta5.Msg), following node v2.1
 * `x/market/handler/server.go` check for check, reclamation (AEP-82) included: windows on bids,
 * MsgLeaseStartReclaim, and a provider's MsgCloseBid that waits for the reclamation deadline. The
 * chain itself never closes a reclaiming lease: the provider's MsgCloseBid (or the tenant) does.
 */
import {EventLeaseReclaimStarted, LeaseClosedReason, Lease_State} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {Group_State} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {
  Bid_State,
  MsgCloseBid,
  MsgCloseBidResponse,
  MsgCloseLease,
  MsgCloseLeaseResponse,
  MsgCreateBid,
  MsgCreateBidResponse,
  MsgCreateLease,
  MsgCreateLeaseResponse,
  MsgLeaseStartReclaim,
  MsgLeaseStartReclaimResponse,
  MsgWithdrawLease,
  MsgWithdrawLeaseResponse,
  Order_State,
  type ResourceOffer,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import {matchPlacement, matchResources} from '../../../protocol/matching.js'
import type {Context, MsgRoute} from '../../types.js'
import type {AuditKeeper} from '../audit/index.js'
import {isAddress} from '../common/address.js'
import {coinAmount, coinError, decCoinAmount, decCoinValid} from '../common/coins.js'
import {ignoreErrors, panicError, plainError} from '../common/errors.js'
import {groupPrice, toMatchGroup} from '../deployment/groupspec.js'
import type {DeploymentKeeper} from '../deployment/keeper.js'
import {bidAccountId, type EscrowKeeper, leasePaymentId, validateDepositSources} from '../escrow/index.js'
import type {ProviderKeeper} from '../provider/index.js'
import {MarketErr} from './errors.js'
import {bidKey, groupOf, orderKey, orderOf, validateBidId, validateLeaseId} from './ids.js'
import type {MarketKeeper} from './keeper.js'
import {checkBidWindow, durationNanos, reclaimDeadline, unixSeconds} from './reclamation.js'

const escrowOf = (ctx: Context) => ctx.keeper<EscrowKeeper>('escrow')
const deploymentsOf = (ctx: Context) => ctx.keeper<DeploymentKeeper>('deployment')
const providersOf = (ctx: Context) => ctx.keeper<ProviderKeeper>('provider')
const auditOf = (ctx: Context) => ctx.keeper<AuditKeeper>('audit')

/** `LeaseClosedReason.IsRange(provider)`: 10000–19999. */
export function isProviderReason(reason: number): boolean {
  return reason >= 10000 && reason <= 19999
}

/** `ResourcesOffer.MatchGSpec`: each offer names a distinct resource unit of the group, same count. */
export function offerMatchesSpec(offer: readonly ResourceOffer[], units: ReadonlyArray<{resource?: {id: number}; count: number}>): boolean {
  if (offer.length === 0) return true
  const byId = new Map<number, {count: number} | null>()
  for (const ru of units) byId.set(ru.resource?.id ?? 0, ru)
  for (const ro of offer) {
    const id = ro.resources?.id ?? 0
    if (!byId.has(id)) return false
    const unit = byId.get(id)
    // node sets the map entry to nil and then dereferences it for a repeated id.
    if (unit === null || unit === undefined) throw panicError('runtime error: invalid memory address or nil pointer dereference')
    byId.set(id, null)
    if (unit.count !== ro.count) return false
  }
  return true
}

export function marketMsgs(keeper: MarketKeeper): MsgRoute[] {
  const createBid: MsgRoute<MsgCreateBid> = {
    codec: MsgCreateBid,
    signers: (msg) => [msg.id?.provider ?? ''],
    validateBasic(msg) {
      const id = bidKey(msg.id)
      validateBidId(id)
      const coinErr = coinError(msg.deposit?.amount)
      if (coinErr) throw plainError(coinErr)
      validateDepositSources(msg.deposit?.sources ?? [])
      if (!isAddress(id.provider)) throw MarketErr.emptyProvider()
      if (!isAddress(id.owner)) throw MarketErr.invalidBid.with('empty owner')
      if (id.provider === id.owner) throw MarketErr.sameAccount()
      if (decCoinAmount(msg.price) === 0n) throw MarketErr.bidZeroPrice()
      if (msg.reclamationWindow && durationNanos(msg.reclamationWindow) < 0n) throw MarketErr.reclamationWindowInvalid()
    },
    handle(ctx, msg) {
      const id = bidKey(msg.id)
      const params = keeper.getParams(ctx)
      const deposit = msg.deposit!.amount!
      const amount = coinAmount(deposit)
      const min = BigInt(params.bidMinDeposits.find((c) => c.denom === deposit.denom)?.amount ?? '0')
      if (min === 0n) throw MarketErr.invalidDeposit.with(`unsupported denom ${deposit.denom}`)
      if (min > amount) throw MarketErr.invalidDeposit.with(`minimum:${min}${deposit.denom} received:${amount}${deposit.denom}`)

      const oid = orderOf(id)
      // node counts open, active and closed bids and refuses above OrderMaxBids, so one more
      // than OrderMaxBids can exist.
      if (keeper.bidCountForOrder(ctx, oid) > params.orderMaxBids) {
        throw MarketErr.invalidBid.with(`too many existing bids (${params.orderMaxBids})`)
      }
      if (id.bseq !== 0) throw MarketErr.invalidBid()

      const order = keeper.getOrder(ctx, oid)
      if (!order) throw MarketErr.orderNotFound()
      if (order.state === Order_State.active) throw MarketErr.orderActive()
      if (order.state !== Order_State.open) throw MarketErr.orderClosed()

      if (!decCoinValid(msg.price)) throw MarketErr.bidInvalidPrice()
      const orderPrice = groupPrice(order.spec!)
      if (orderPrice.denom !== msg.price!.denom) {
        // DecCoin.IsLT panics on different denoms; baseapp turns that into ErrPanic.
        throw panicError(`invalid coin denominations; ${orderPrice.denom}, ${msg.price!.denom}`)
      }
      if (orderPrice.amount < decCoinAmount(msg.price)) throw MarketErr.bidInvalidPrice()
      if (!offerMatchesSpec(msg.resourcesOffer, order.spec!.resources)) throw MarketErr.capabilitiesMismatch()

      if (!isAddress(id.provider)) throw MarketErr.emptyProvider()
      const provider = providersOf(ctx).get(ctx, id.provider)
      if (!provider) throw MarketErr.unknownProvider()

      const audited = auditOf(ctx).getProviderAttributes(ctx, id.provider)
      const group = toMatchGroup(order.spec!)
      if (!matchPlacement(group.requirements, {attributes: provider.attributes, audited}).ok) throw MarketErr.attributeMismatch()
      if (!matchResources(group.resources, provider.attributes).ok) throw MarketErr.capabilitiesMismatch()

      const escrow = escrowOf(ctx)
      const deposits = escrow.authorizeDeposits(ctx, id.provider, {denom: deposit.denom, amount, sources: msg.deposit!.sources})
      checkBidWindow(order.reclamation, msg.reclamationWindow, params)
      keeper.createBid(ctx, id, msg.price!, msg.resourcesOffer, msg.reclamationWindow)
      escrow.accountCreate(ctx, bidAccountId(id), id.provider, deposits)
      return MsgCreateBidResponse.encode({}).finish()
    },
  }

  const closeBid: MsgRoute<MsgCloseBid> = {
    codec: MsgCloseBid,
    signers: (msg) => [msg.id?.provider ?? ''],
    validateBasic(msg) {
      validateBidId(bidKey(msg.id))
      if (!isProviderReason(msg.reason)) {
        throw MarketErr.invalidLeaseClosedReason.wrap(`value "${msg.reason}" range 10000..19999`)
      }
    },
    handle(ctx, msg) {
      const id = bidKey(msg.id)
      const bid = keeper.getBid(ctx, id)
      if (!bid) throw MarketErr.unknownBid()
      const order = keeper.getOrder(ctx, orderOf(id))
      if (!order) throw MarketErr.unknownOrderForBid()
      if (bid.state === Bid_State.open) {
        keeper.onBidClosed(ctx, bid)
        return MsgCloseBidResponse.encode({}).finish()
      }
      const lease = keeper.getLease(ctx, id)
      if (!lease) throw MarketErr.unknownLeaseForBid()
      // A lease with reclamation closes only through it: started, and past its deadline (AEP-82).
      if (lease.state === Lease_State.active) {
        if (lease.reclamation) throw MarketErr.reclamationNotStarted()
      } else if (lease.state === Lease_State.reclaiming) {
        if (unixSeconds(ctx.time) < (lease.reclamation?.deadline ?? 0n)) throw MarketErr.reclamationWindowNotElapsed()
      } else {
        throw MarketErr.leaseNotActive()
      }
      if (bid.state !== Bid_State.active) throw MarketErr.bidNotActive()

      // The provider walked away: the group pauses until the tenant starts it again.
      deploymentsOf(ctx).onBidClosed(ctx, groupOf(orderKey(order.id)))
      keeper.onLeaseClosed(ctx, lease, Lease_State.closed, msg.reason)
      keeper.onBidClosed(ctx, bid)
      keeper.onOrderClosed(ctx, order)
      ignoreErrors(() => escrowOf(ctx).paymentClose(ctx, leasePaymentId(id)))
      return MsgCloseBidResponse.encode({}).finish()
    },
  }

  const withdrawLease: MsgRoute<MsgWithdrawLease> = {
    codec: MsgWithdrawLease,
    signers: (msg) => [msg.id?.provider ?? ''],
    validateBasic: (msg) => validateLeaseId(bidKey(msg.id)),
    handle(ctx, msg) {
      const id = bidKey(msg.id)
      if (!keeper.getLease(ctx, id)) throw MarketErr.unknownLease()
      escrowOf(ctx).paymentWithdraw(ctx, leasePaymentId(id))
      return MsgWithdrawLeaseResponse.encode({}).finish()
    },
  }

  const createLease: MsgRoute<MsgCreateLease> = {
    codec: MsgCreateLease,
    signers: (msg) => [msg.bidId?.owner ?? ''],
    validateBasic: (msg) => validateBidId(bidKey(msg.bidId)),
    handle(ctx, msg) {
      const id = bidKey(msg.bidId)
      const bid = keeper.getBid(ctx, id)
      if (!bid) throw MarketErr.bidNotFound()
      if (bid.state !== Bid_State.open) throw MarketErr.bidNotOpen()
      const order = keeper.getOrder(ctx, orderOf(id))
      if (!order) throw MarketErr.orderNotFound()
      if (order.state !== Order_State.open) throw MarketErr.orderNotOpen()
      const group = deploymentsOf(ctx).getGroup(ctx, groupOf(id))
      if (!group) throw MarketErr.groupNotFound()
      if (group.state !== Group_State.open) throw MarketErr.groupNotOpen()
      if (!isAddress(id.provider)) throw plainError('decoding bech32 failed')

      const escrow = escrowOf(ctx)
      escrow.paymentCreate(ctx, leasePaymentId(id), id.provider, {denom: bid.price!.denom, amount: decCoinAmount(bid.price)})
      keeper.createLease(ctx, bid)
      keeper.onOrderMatched(ctx, order)
      keeper.onBidMatched(ctx, bid)

      // Every other open bid loses and gets its deposit back.
      for (const other of keeper.bidsForOrder(ctx, orderOf(id), Bid_State.open)) {
        keeper.onBidLost(ctx, other)
        ignoreErrors(() => escrow.accountClose(ctx, bidAccountId(bidKey(other.id))))
      }
      return MsgCreateLeaseResponse.encode({}).finish()
    },
  }

  const closeLease: MsgRoute<MsgCloseLease> = {
    codec: MsgCloseLease,
    signers: (msg) => [msg.id?.owner ?? ''],
    validateBasic: (msg) => validateLeaseId(bidKey(msg.id)),
    handle(ctx, msg) {
      const id = bidKey(msg.id)
      const order = keeper.getOrder(ctx, orderOf(id))
      if (!order) throw MarketErr.orderNotFound()
      if (order.state !== Order_State.active) throw MarketErr.orderClosed()
      const bid = keeper.getBid(ctx, id)
      if (!bid) throw MarketErr.bidNotFound()
      if (bid.state !== Bid_State.active) throw MarketErr.bidNotActive()
      const lease = keeper.getLease(ctx, id)
      if (!lease) throw MarketErr.leaseNotFound()
      if (lease.state !== Lease_State.active && lease.state !== Lease_State.reclaiming) throw MarketErr.orderClosed()

      // The owner's reason is always `owner`, whatever the message says.
      keeper.onLeaseClosed(ctx, lease, Lease_State.closed, LeaseClosedReason.lease_closed_owner)
      keeper.onBidClosed(ctx, bid)
      keeper.onOrderClosed(ctx, order)
      escrowOf(ctx).paymentClose(ctx, leasePaymentId(id))

      const group = deploymentsOf(ctx).onLeaseClosed(ctx, groupOf(id))
      // While the group is open, the market lists it again as a new order.
      if (group.state === Group_State.open) keeper.createOrder(ctx, groupOf(id), group.groupSpec!, order.reclamation)
      return MsgCloseLeaseResponse.encode({}).finish()
    },
  }

  const leaseStartReclaim: MsgRoute<MsgLeaseStartReclaim> = {
    codec: MsgLeaseStartReclaim,
    // The provider starts reclamation: nobody else can sign for `id.provider`.
    signers: (msg) => [msg.id?.provider ?? ''],
    validateBasic(msg) {
      validateLeaseId(bidKey(msg.id))
      if (!isProviderReason(msg.reason)) {
        throw MarketErr.invalidLeaseClosedReason.wrap(`value "${msg.reason}" range 10000..19999`)
      }
    },
    handle(ctx, msg) {
      const lease = keeper.getLease(ctx, bidKey(msg.id))
      if (!lease) throw MarketErr.unknownLease()
      if (lease.state !== Lease_State.active) throw MarketErr.leaseNotActive()
      if (!lease.reclamation) throw MarketErr.leaseNotReclamable()
      if (lease.reclamation.startedAt !== 0n) throw MarketErr.leaseAlreadyReclaiming()
      const deadline = reclaimDeadline(ctx.time, lease.reclamation.window)
      const reclaiming = {
        ...lease,
        state: Lease_State.reclaiming,
        reclamation: {...lease.reclamation, startedAt: BigInt(ctx.height), deadline, reason: msg.reason},
      }
      keeper.saveLease(ctx, reclaiming, lease.state)
      ctx.events.emitTyped(EventLeaseReclaimStarted, EventLeaseReclaimStarted.fromPartial({id: lease.id, reason: msg.reason, deadline}))
      return MsgLeaseStartReclaimResponse.encode({}).finish()
    },
  }

  return [createBid, closeBid, withdrawLease, createLease, closeLease, leaseStartReclaim]
}
