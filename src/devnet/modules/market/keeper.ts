/**
 * x/market keeper (node v2.1 x/market/keeper/keeper.go): orders, bids, leases and their state
 * transitions. Store layout (values are the chain's protobufs):
 *   market/o/<order>                      akash.market.v1beta5.Order
 *   market/b/<bid>                        akash.market.v1beta5.Bid
 *   market/l/<lease>                      akash.market.v1.Lease (with its reclamation record, AEP-82)
 *   market/og/<group>/<state>/<oseq>      orders of a group by state
 *   market/bo/<order>/<state>/<prov>/<bseq> bids of an order by state
 *   market/os|bs|ls/<state>/<id>          state indexes for the list queries
 *   market/bp|lp/<provider>/<id>          bids and leases by provider
 *   market/params                         akash.market.v1beta5.Params
 * `<order>` is owner/dseq/gseq/oseq with fixed-width numbers; `<bid>` adds provider/bseq.
 */
import {
  EventBidClosed,
  EventBidCreated,
  EventLeaseClosed,
  EventLeaseCreated,
  EventOrderClosed,
  EventOrderCreated,
  Lease,
  LeaseClosedReason,
  Lease_State,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import type {DeploymentReclamation} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import type {GroupSpec} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {Group_State} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {Bid, Bid_State, Order, Order_State, Params, type ResourceOffer} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import {padUint} from '../../paginate.js'
import type {Context} from '../../types.js'
import {ignoreErrors} from '../common/errors.js'
import type {GroupKey} from '../deployment/ids.js'
import {groupPath} from '../deployment/ids.js'
import {bidAccountId, type EscrowKeeper, leasePaymentId} from '../escrow/index.js'
import {MarketErr} from './errors.js'
import type {Duration} from './reclamation.js'
import {bidKey, type BidKey, bidPath, type LeaseKey, orderKey, type OrderKey, orderOf, orderPath, parseBidPath, toBidID, toOrderID} from './ids.js'

export const ORDERS = 'market/o/'
export const BIDS = 'market/b/'
export const LEASES = 'market/l/'
const ORDERS_BY_GROUP = 'market/og/'
const BIDS_BY_ORDER = 'market/bo/'
export const ORDER_STATES = 'market/os/'
export const BID_STATES = 'market/bs/'
export const LEASE_STATES = 'market/ls/'
export const BIDS_BY_PROVIDER = 'market/bp/'
export const LEASES_BY_PROVIDER = 'market/lp/'
const PARAMS = 'market/params'

const EMPTY = new Uint8Array()

export interface MarketKeeper {
  getParams(ctx: Context): Params
  setParams(ctx: Context, params: Params): void
  /** `reclamation` is the deployment's requirement (AEP-82), copied to the order. */
  createOrder(ctx: Context, gid: GroupKey, spec: GroupSpec, reclamation?: DeploymentReclamation): Order
  /** `reclamationWindow` is the window the provider offers, stored on the bid. */
  createBid(ctx: Context, id: BidKey, price: {denom: string; amount: string}, offer: ResourceOffer[], reclamationWindow?: Duration): Bid
  /** A bid with a reclamation window gives its lease a reclamation record (not started). */
  createLease(ctx: Context, bid: Bid): void
  /** Writes a changed lease (MsgLeaseStartReclaim), moving its state index. */
  saveLease(ctx: Context, lease: Lease, previous: Lease_State): void
  onOrderMatched(ctx: Context, order: Order): void
  onBidMatched(ctx: Context, bid: Bid): void
  onBidLost(ctx: Context, bid: Bid): void
  onBidClosed(ctx: Context, bid: Bid): void
  onOrderClosed(ctx: Context, order: Order): void
  onLeaseClosed(ctx: Context, lease: Lease, state: Lease_State, reason: LeaseClosedReason): void
  /** Closes the orders, bids and leases of a group (closed, paused or out of funds). */
  onGroupClosed(ctx: Context, gid: GroupKey, state: Group_State): void
  getOrder(ctx: Context, id: OrderKey): Order | undefined
  getBid(ctx: Context, id: BidKey): Bid | undefined
  getLease(ctx: Context, id: LeaseKey): Lease | undefined
  /** Snapshot of an order's bids in one state, in key order. */
  bidsForOrder(ctx: Context, id: OrderKey, state: Bid_State): Bid[]
  ordersForGroup(ctx: Context, gid: GroupKey, state: Order_State): Order[]
  /** Open + active + closed bids (lost ones do not count), as node counts them. */
  bidCountForOrder(ctx: Context, id: OrderKey): number
}

export function orderStoreKey(id: OrderKey): string {
  return ORDERS + orderPath(id)
}

export function bidStoreKey(id: BidKey): string {
  return BIDS + bidPath(id)
}

export function leaseStoreKey(id: LeaseKey): string {
  return LEASES + bidPath(id)
}

function writeOrder(ctx: Context, order: Order, previous?: Order_State): void {
  const id = orderKey(order.id)
  if (previous !== undefined && previous !== order.state) {
    ctx.store.delete(`${ORDERS_BY_GROUP}${groupPath(id)}/${previous}/${padUint(id.oseq)}`)
    ctx.store.delete(`${ORDER_STATES}${previous}/${orderPath(id)}`)
  }
  ctx.store.set(orderStoreKey(id), Order.encode(order).finish())
  ctx.store.set(`${ORDERS_BY_GROUP}${groupPath(id)}/${order.state}/${padUint(id.oseq)}`, EMPTY)
  ctx.store.set(`${ORDER_STATES}${order.state}/${orderPath(id)}`, EMPTY)
}

function writeBid(ctx: Context, bid: Bid, previous?: Bid_State): void {
  const id = bidKey(bid.id)
  const tail = `${id.provider}/${padUint(id.bseq)}`
  if (previous !== undefined && previous !== bid.state) {
    ctx.store.delete(`${BIDS_BY_ORDER}${orderPath(id)}/${previous}/${tail}`)
    ctx.store.delete(`${BID_STATES}${previous}/${bidPath(id)}`)
  }
  ctx.store.set(bidStoreKey(id), Bid.encode(bid).finish())
  ctx.store.set(`${BIDS_BY_ORDER}${orderPath(id)}/${bid.state}/${tail}`, EMPTY)
  ctx.store.set(`${BID_STATES}${bid.state}/${bidPath(id)}`, EMPTY)
  ctx.store.set(`${BIDS_BY_PROVIDER}${id.provider}/${bidPath(id)}`, EMPTY)
}

function writeLease(ctx: Context, lease: Lease, previous?: Lease_State): void {
  const id = bidKey(lease.id)
  if (previous !== undefined && previous !== lease.state) ctx.store.delete(`${LEASE_STATES}${previous}/${bidPath(id)}`)
  ctx.store.set(leaseStoreKey(id), Lease.encode(lease).finish())
  ctx.store.set(`${LEASE_STATES}${lease.state}/${bidPath(id)}`, EMPTY)
  ctx.store.set(`${LEASES_BY_PROVIDER}${id.provider}/${bidPath(id)}`, EMPTY)
}

const escrowOf = (ctx: Context) => ctx.keeper<EscrowKeeper>('escrow')

export function createMarketKeeper(): MarketKeeper {
  const keeper: MarketKeeper = {
    getParams(ctx) {
      const raw = ctx.store.get(PARAMS)
      return raw ? Params.decode(raw) : Params.fromPartial({})
    },

    setParams(ctx, params) {
      ctx.store.set(PARAMS, Params.encode(params).finish())
    },

    createOrder(ctx, gid, spec, reclamation) {
      let oseq = 1
      const active =
        keeper.ordersForGroup(ctx, gid, Order_State.active).length > 0 ||
        keeper.ordersForGroup(ctx, gid, Order_State.open).length > 0
      oseq += keeper.ordersForGroup(ctx, gid, Order_State.closed).length
      if (active) throw MarketErr.orderActive.wrap('create order: active order exists')

      const id: OrderKey = {...gid, oseq}
      if (ctx.store.has(orderStoreKey(id))) throw MarketErr.orderExists()
      const order = Order.fromPartial({
        id: toOrderID(id),
        spec,
        state: Order_State.open,
        createdAt: BigInt(ctx.height),
        reclamation,
      })
      writeOrder(ctx, order)
      ctx.events.emitTyped(EventOrderCreated, EventOrderCreated.fromPartial({id: order.id}))
      return order
    },

    createBid(ctx, id, price, offer, reclamationWindow) {
      if (ctx.store.has(bidStoreKey(id))) throw MarketErr.bidExists()
      const bid = Bid.fromPartial({
        id: toBidID(id),
        state: Bid_State.open,
        price,
        createdAt: BigInt(ctx.height),
        resourcesOffer: offer,
        reclamationWindow,
      })
      writeBid(ctx, bid)
      ctx.events.emitTyped(EventBidCreated, EventBidCreated.fromPartial({id: bid.id, price}))
      return bid
    },

    createLease(ctx, bid) {
      const lease = Lease.fromPartial({
        id: bid.id,
        state: Lease_State.active,
        price: bid.price,
        createdAt: BigInt(ctx.height),
        // node saves the record right after CreateLease (handler/server.go); the result is the same.
        reclamation: bid.reclamationWindow ? {window: bid.reclamationWindow} : undefined,
      })
      writeLease(ctx, lease)
      ctx.events.emitTyped(EventLeaseCreated, EventLeaseCreated.fromPartial({id: lease.id, price: lease.price}))
    },

    saveLease(ctx, lease, previous) {
      writeLease(ctx, lease, previous)
    },

    onOrderMatched(ctx, order) {
      writeOrder(ctx, {...order, state: Order_State.active}, order.state)
    },

    onBidMatched(ctx, bid) {
      writeBid(ctx, {...bid, state: Bid_State.active}, bid.state)
    },

    onBidLost(ctx, bid) {
      writeBid(ctx, {...bid, state: Bid_State.lost}, bid.state)
    },

    onBidClosed(ctx, bid) {
      if (bid.state === Bid_State.closed || bid.state === Bid_State.lost) return
      writeBid(ctx, {...bid, state: Bid_State.closed}, bid.state)
      // The provider's bid deposit goes back to it.
      ignoreErrors(() => escrowOf(ctx).accountClose(ctx, bidAccountId(bidKey(bid.id))))
      ctx.events.emitTyped(EventBidClosed, EventBidClosed.fromPartial({id: bid.id}))
    },

    onOrderClosed(ctx, order) {
      if (order.state === Order_State.closed) return
      writeOrder(ctx, {...order, state: Order_State.closed}, order.state)
      ctx.events.emitTyped(EventOrderClosed, EventOrderClosed.fromPartial({id: order.id}))
    },

    onLeaseClosed(ctx, lease, state, reason) {
      if (lease.state === Lease_State.closed || lease.state === Lease_State.insufficient_funds) return
      writeLease(ctx, {...lease, state, closedOn: BigInt(ctx.height), reason}, lease.state)
      ctx.events.emitTyped(EventLeaseClosed, EventLeaseClosed.fromPartial({id: lease.id, reason}))
    },

    onGroupClosed(ctx, gid, groupState) {
      const outOfFunds = groupState === Group_State.insufficient_funds
      const leaseState = outOfFunds ? Lease_State.insufficient_funds : Lease_State.closed
      const reason = outOfFunds
        ? LeaseClosedReason.lease_closed_reason_insufficient_funds
        : LeaseClosedReason.lease_closed_owner

      const processClose = (bid: Bid) => {
        keeper.onBidClosed(ctx, bid)
        const lease = keeper.getLease(ctx, bidKey(bid.id))
        if (lease) {
          keeper.onLeaseClosed(ctx, lease, leaseState, reason)
          // node logs and ignores a failed payment close here.
          ignoreErrors(() => escrowOf(ctx).paymentClose(ctx, leasePaymentId(bidKey(lease.id))))
        }
      }

      const closeOrder = (order: Order) => {
        keeper.onOrderClosed(ctx, order)
        const oid = orderKey(order.id)
        for (const bid of keeper.bidsForOrder(ctx, oid, Bid_State.open)) processClose(bid)
        // `order` is the state before closing, so an active order's winning bid is closed too.
        if (order.state === Order_State.active) {
          for (const bid of keeper.bidsForOrder(ctx, oid, Bid_State.active)) processClose(bid)
        }
      }

      for (const order of keeper.ordersForGroup(ctx, gid, Order_State.active)) closeOrder(order)
      for (const order of keeper.ordersForGroup(ctx, gid, Order_State.open)) closeOrder(order)
    },

    getOrder(ctx, id) {
      const raw = ctx.store.get(orderStoreKey(id))
      return raw ? Order.decode(raw) : undefined
    },

    getBid(ctx, id) {
      const raw = ctx.store.get(bidStoreKey(id))
      return raw ? Bid.decode(raw) : undefined
    },

    getLease(ctx, id) {
      const raw = ctx.store.get(leaseStoreKey(id))
      return raw ? Lease.decode(raw) : undefined
    },

    bidsForOrder(ctx, id, state) {
      const prefix = `${BIDS_BY_ORDER}${orderPath(id)}/${state}/`
      const out: Bid[] = []
      const keys = [...ctx.store.iterate(prefix)].map(([key]) => key)
      for (const key of keys) {
        const [provider, bseq] = key.slice(prefix.length).split('/')
        const bid = keeper.getBid(ctx, {...id, provider, bseq: Number(bseq)})
        if (bid) out.push(bid)
      }
      return out
    },

    ordersForGroup(ctx, gid, state) {
      const prefix = `${ORDERS_BY_GROUP}${groupPath(gid)}/${state}/`
      const keys = [...ctx.store.iterate(prefix)].map(([key]) => key)
      const out: Order[] = []
      for (const key of keys) {
        const order = keeper.getOrder(ctx, {...gid, oseq: Number(key.slice(prefix.length))})
        if (order) out.push(order)
      }
      return out
    },

    bidCountForOrder(ctx, id) {
      let count = 0
      for (const state of [Bid_State.open, Bid_State.active, Bid_State.closed]) {
        for (const _ of ctx.store.iterate(`${BIDS_BY_ORDER}${orderPath(id)}/${state}/`)) count++
      }
      return count
    },
  }
  return keeper
}

export {orderOf, parseBidPath}
