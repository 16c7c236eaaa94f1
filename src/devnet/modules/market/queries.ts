/**
 * The x/market queries (akash.market.v1beta5.Query): Orders/Order, Bids/Bid, Leases/Lease and
 * Params, along node v2.1's paths (x/market/keeper/grpc_query.go). Leases carry their
 * reclamation record and may be `reclaiming` (AEP-82); bids carry their reclamation window.
 */
import {Lease_State} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  Bid_State,
  Order_State,
  QueryBidRequest,
  QueryBidResponse,
  QueryBidsRequest,
  QueryBidsResponse,
  QueryLeaseRequest,
  QueryLeaseResponse,
  QueryLeasesRequest,
  QueryLeasesResponse,
  QueryOrderRequest,
  QueryOrderResponse,
  QueryOrdersRequest,
  QueryOrdersResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import {padUint} from '../../paginate.js'
import type {Context, PageRequest, QueryRoute} from '../../types.js'
import {isAddress} from '../common/address.js'
import {Grpc, queryStatus} from '../common/errors.js'
import {type U64Like, u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {accountToProto, bidAccountId, EscrowErr, type EscrowKeeper, leasePaymentId, paymentToProto} from '../escrow/index.js'
import {MarketErr} from './errors.js'
import {bidIdString, bidKey, type BidKey, orderKey, parseBidPath, parseOrderPath} from './ids.js'
import {BID_STATES, BIDS, BIDS_BY_PROVIDER, LEASE_STATES, LEASES, LEASES_BY_PROVIDER, type MarketKeeper, ORDER_STATES, ORDERS} from './keeper.js'

const escrowOf = (ctx: Context) => ctx.keeper<EscrowKeeper>('escrow')

function stateList<T extends number>(state: string, names: Record<string, T>, all: T[]): T[] {
  if (state === '') return all
  const value = names[state]
  if (value === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid state value')
  return [value]
}

const ORDER_STATE_NAMES = {open: Order_State.open, active: Order_State.active, closed: Order_State.closed}
const BID_STATE_NAMES = {open: Bid_State.open, active: Bid_State.active, lost: Bid_State.lost, closed: Bid_State.closed}
const LEASE_STATE_NAMES = {
  active: Lease_State.active,
  insufficient_funds: Lease_State.insufficient_funds,
  closed: Lease_State.closed,
  reclaiming: Lease_State.reclaiming,
}
/** Without a state filter node walks the lease states in this order (grpc_query.go Leases). */
const ALL_LEASE_STATES = [Lease_State.active, Lease_State.insufficient_funds, Lease_State.closed, Lease_State.reclaiming]

/**
 * The narrowest primary-key prefix the owner-path filters allow. node walks the whole owner range
 * and filters; starting lower in the key gives the same results in the same order, faster.
 */
function ownerPrefix(base: string, f: {owner: string; dseq: bigint; gseq: number; oseq: number}): string {
  let prefix = `${base}${f.owner}/`
  if (f.dseq === 0n) return prefix
  prefix += `${padUint(f.dseq)}/`
  if (f.gseq === 0) return prefix
  prefix += `${padUint(f.gseq)}/`
  if (f.oseq === 0) return prefix
  return `${prefix}${padUint(f.oseq)}/`
}

function offsetGuard(pagination: {offset?: unknown} | undefined, state: string): void {
  if (pagination && u64(pagination.offset as never) > 0n && state === '') {
    throw queryStatus(Grpc.invalidArgument, 'invalid request parameters. if offset is set, filter.state must be provided')
  }
}

/** The Bids and Leases list filters: the same fields, as a lease id is its bid's id. */
interface BidFilters {
  owner: string
  dseq: bigint
  gseq: number
  oseq: number
  provider: string
  bseq: number
  state: string
}

function bidFilters(
  f: {owner?: string; dseq?: U64Like; gseq?: number; oseq?: number; provider?: string; bseq?: number; state?: string} | undefined,
): BidFilters {
  return {
    owner: f?.owner ?? '',
    dseq: u64(f?.dseq),
    gseq: f?.gseq ?? 0,
    oseq: f?.oseq ?? 0,
    provider: f?.provider ?? '',
    bseq: f?.bseq ?? 0,
    state: f?.state ?? '',
  }
}

/**
 * One page of a bid-keyed list (bids or leases) along node's paths: by owner (primary keys), else
 * by provider (index), else by state (index). Every candidate must pass all filters and be in one
 * of `states`.
 */
function pageByBidId<T>(
  store: Context['store'],
  pagination: PageRequest | undefined,
  f: BidFilters,
  keys: {primary: string; byProvider: string; byState: string},
  states: readonly number[],
  load: (id: BidKey) => T | undefined,
  stateOf: (item: T) => number,
) {
  const accept = (id: BidKey) =>
    (f.owner === '' || id.owner === f.owner) &&
    (f.dseq === 0n || id.dseq === f.dseq) &&
    (f.gseq === 0 || id.gseq === f.gseq) &&
    (f.oseq === 0 || id.oseq === f.oseq) &&
    (f.provider === '' || id.provider === f.provider) &&
    (f.bseq === 0 || id.bseq === f.bseq)
  let prefixes: string[]
  let strip: (key: string) => string
  if (f.owner !== '') {
    prefixes = [ownerPrefix(keys.primary, f)]
    strip = (key) => key.slice(keys.primary.length)
  } else if (f.provider !== '') {
    prefixes = [`${keys.byProvider}${f.provider}/`]
    strip = (key) => key.slice(keys.byProvider.length + f.provider.length + 1)
  } else {
    prefixes = states.map((s) => `${keys.byState}${s}/`)
    strip = (key) => key.slice(keys.byState.length).replace(/^\d+\//, '')
  }
  return paginatePrefixes(store, prefixes, pagination, (key) => {
    const id = parseBidPath(strip(key))
    if (!accept(id)) return undefined
    const item = load(id)
    return item && states.includes(stateOf(item)) ? item : undefined
  })
}

export function marketQueries(keeper: MarketKeeper): QueryRoute[] {
  const orders: QueryRoute<QueryOrdersRequest, QueryOrdersResponse> = {
    path: '/akash.market.v1beta5.Query/Orders',
    http: '/akash/market/v1beta5/orders/list',
    request: QueryOrdersRequest,
    response: QueryOrdersResponse,
    handle(ctx, req) {
      const f = {
        owner: req.filters?.owner ?? '',
        dseq: u64(req.filters?.dseq),
        gseq: req.filters?.gseq ?? 0,
        oseq: req.filters?.oseq ?? 0,
        state: req.filters?.state ?? '',
      }
      offsetGuard(req.pagination, f.state)
      const states = stateList(f.state, ORDER_STATE_NAMES, [Order_State.open, Order_State.active, Order_State.closed])
      const accept = (id: ReturnType<typeof orderKey>) =>
        (f.owner === '' || id.owner === f.owner) &&
        (f.dseq === 0n || id.dseq === f.dseq) &&
        (f.gseq === 0 || id.gseq === f.gseq) &&
        (f.oseq === 0 || id.oseq === f.oseq)
      const byOwner = f.owner !== ''
      // An order key ends at its oseq, so the prefix stops at the group.
      const prefixes = byOwner ? [ownerPrefix(ORDERS, {...f, oseq: 0})] : states.map((s) => `${ORDER_STATES}${s}/`)
      const page = paginatePrefixes(ctx.store, prefixes, req.pagination, (key) => {
        const path = byOwner ? key.slice(ORDERS.length) : key.slice(ORDER_STATES.length).replace(/^\d+\//, '')
        const id = parseOrderPath(path)
        if (!accept(id)) return undefined
        const order = keeper.getOrder(ctx, id)
        return order && states.includes(order.state) ? order : undefined
      })
      return QueryOrdersResponse.fromPartial({orders: page.items, pagination: page.pagination})
    },
  }

  function bidResponse(ctx: Context, id: BidKey): QueryBidResponse | undefined {
    const bid = keeper.getBid(ctx, id)
    if (!bid) return undefined
    const account = escrowOf(ctx).getAccount(ctx, bidAccountId(id))
    if (!account) throw queryStatus(Grpc.internal, `account not found: fetching escrow account for BidID=${bidIdString(id)}`)
    return QueryBidResponse.fromPartial({bid, escrowAccount: accountToProto(account)})
  }

  const bids: QueryRoute<QueryBidsRequest, QueryBidsResponse> = {
    path: '/akash.market.v1beta5.Query/Bids',
    http: '/akash/market/v1beta5/bids/list',
    request: QueryBidsRequest,
    response: QueryBidsResponse,
    handle(ctx, req) {
      const f = bidFilters(req.filters)
      offsetGuard(req.pagination, f.state)
      const states = stateList(f.state, BID_STATE_NAMES, [Bid_State.open, Bid_State.active, Bid_State.lost, Bid_State.closed])
      const keys = {primary: BIDS, byProvider: BIDS_BY_PROVIDER, byState: BID_STATES}
      const page = pageByBidId(ctx.store, req.pagination, f, keys, states, (id) => bidResponse(ctx, id), (r) => r.bid!.state)
      return QueryBidsResponse.fromPartial({bids: page.items, pagination: page.pagination})
    },
  }

  function leaseResponse(ctx: Context, id: BidKey): QueryLeaseResponse | undefined {
    const lease = keeper.getLease(ctx, id)
    if (!lease) return undefined
    const payment = escrowOf(ctx).getPayment(ctx, leasePaymentId(id))
    if (!payment) throw queryStatus(Grpc.internal, `payment not found: fetching escrow payment for LeaseID=${bidIdString(id)}`)
    return QueryLeaseResponse.fromPartial({lease, escrowPayment: paymentToProto(payment)})
  }

  const leases: QueryRoute<QueryLeasesRequest, QueryLeasesResponse> = {
    path: '/akash.market.v1beta5.Query/Leases',
    http: '/akash/market/v1beta5/leases/list',
    request: QueryLeasesRequest,
    response: QueryLeasesResponse,
    handle(ctx, req) {
      const f = bidFilters(req.filters)
      offsetGuard(req.pagination, f.state)
      const states = stateList(f.state, LEASE_STATE_NAMES, ALL_LEASE_STATES)
      const keys = {primary: LEASES, byProvider: LEASES_BY_PROVIDER, byState: LEASE_STATES}
      const page = pageByBidId(ctx.store, req.pagination, f, keys, states, (id) => leaseResponse(ctx, id), (r) => r.lease!.state)
      return QueryLeasesResponse.fromPartial({leases: page.items, pagination: page.pagination})
    },
  }

  const order: QueryRoute<QueryOrderRequest, QueryOrderResponse> = {
    path: '/akash.market.v1beta5.Query/Order',
    http: '/akash/market/v1beta5/orders/info',
    request: QueryOrderRequest,
    response: QueryOrderResponse,
    handle(ctx, req) {
      const id = orderKey(req.id)
      if (!isAddress(id.owner)) throw queryStatus(Grpc.invalidArgument, 'invalid owner address')
      const found = keeper.getOrder(ctx, id)
      if (!found) throw MarketErr.orderNotFound()
      return QueryOrderResponse.fromPartial({order: found})
    },
  }

  const bid: QueryRoute<QueryBidRequest, QueryBidResponse> = {
    path: '/akash.market.v1beta5.Query/Bid',
    http: '/akash/market/v1beta5/bids/info',
    request: QueryBidRequest,
    response: QueryBidResponse,
    handle(ctx, req) {
      const id = bidKey(req.id)
      if (!isAddress(id.owner)) throw queryStatus(Grpc.invalidArgument, 'invalid owner address')
      if (!isAddress(id.provider)) throw queryStatus(Grpc.invalidArgument, 'invalid provider address')
      const found = keeper.getBid(ctx, id)
      if (!found) throw MarketErr.bidNotFound()
      // node answers with the escrow keeper's own errors here (not the list queries' internal one).
      const account = escrowOf(ctx).getAccount(ctx, bidAccountId(id))
      if (!account) throw EscrowErr.accountNotFound()
      return QueryBidResponse.fromPartial({bid: found, escrowAccount: accountToProto(account)})
    },
  }

  const lease: QueryRoute<QueryLeaseRequest, QueryLeaseResponse> = {
    path: '/akash.market.v1beta5.Query/Lease',
    http: '/akash/market/v1beta5/leases/info',
    request: QueryLeaseRequest,
    response: QueryLeaseResponse,
    handle(ctx, req) {
      const id = bidKey(req.id)
      if (!isAddress(id.owner)) throw queryStatus(Grpc.invalidArgument, 'invalid owner address')
      if (!isAddress(id.provider)) throw queryStatus(Grpc.invalidArgument, 'invalid provider address')
      const found = keeper.getLease(ctx, id)
      if (!found) throw MarketErr.leaseNotFound()
      const payment = escrowOf(ctx).getPayment(ctx, leasePaymentId(id))
      if (!payment) throw EscrowErr.paymentNotFound()
      return QueryLeaseResponse.fromPartial({lease: found, escrowPayment: paymentToProto(payment)})
    },
  }

  const params: QueryRoute<QueryParamsRequest, QueryParamsResponse> = {
    path: '/akash.market.v1beta5.Query/Params',
    http: '/akash/market/v1beta5/params',
    request: QueryParamsRequest,
    response: QueryParamsResponse,
    handle: (ctx) => QueryParamsResponse.fromPartial({params: keeper.getParams(ctx)}),
  }

  return [orders, order, bids, bid, leases, lease, params]
}
