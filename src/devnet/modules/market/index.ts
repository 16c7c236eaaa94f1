/**
 * x/market (akash.market.v1beta5): bids, leases and their close paths, and the Orders/Bids/Leases
 * queries. Handlers follow node v2.1 `x/market/handler/server.go` check for check (without the
 * reclamation fields, which chain-sdk alpha.25 does not carry).
 */
import {LeaseClosedReason, Lease_State} from '@akashnetwork/chain-sdk/private-types/akash.v1'
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
  MsgWithdrawLease,
  MsgWithdrawLeaseResponse,
  Order_State,
  Params,
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
  type ResourceOffer,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import {matchPlacement, matchResources} from '../../../market/matching.js'
import {padUint} from '../../paginate.js'
import type {Context, Module, MsgRoute, PageRequest, QueryRoute} from '../../types.js'
import type {AuditKeeper} from '../audit/index.js'
import {isAddress} from '../common/address.js'
import {coinAmount, coinError, decCoinAmount, decCoinValid} from '../common/coins.js'
import {Grpc, ignoreErrors, panicError, plainError, queryStatus} from '../common/errors.js'
import {type U64Like, u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {groupPrice, toMatchGroup} from '../deployment/groupspec.js'
import type {DeploymentKeeper} from '../deployment/keeper.js'
import {
  accountToProto,
  bidAccountId,
  EscrowErr,
  type EscrowKeeper,
  leasePaymentId,
  paymentToProto,
  validateDepositSources,
} from '../escrow/index.js'
import type {ProviderKeeper} from '../provider/index.js'
import {MarketErr} from './errors.js'
import {onEscrowAccountClosed, onEscrowPaymentClosed} from './hooks.js'
import {
  bidIdString,
  bidKey,
  type BidKey,
  groupOf,
  orderKey,
  orderOf,
  parseBidPath,
  parseOrderPath,
  validateBidId,
  validateLeaseId,
  validateOrderId,
} from './ids.js'
import {
  BID_STATES,
  BIDS,
  BIDS_BY_PROVIDER,
  createMarketKeeper,
  LEASE_STATES,
  LEASES,
  LEASES_BY_PROVIDER,
  type MarketKeeper,
  ORDER_STATES,
  ORDERS,
} from './keeper.js'

export * from './keeper.js'
export * from './ids.js'
export {MarketErr} from './errors.js'
export {onEscrowAccountClosed, onEscrowPaymentClosed} from './hooks.js'

export interface CoinJson {
  denom: string
  amount: string
}

export interface MarketGenesis {
  params: {bidMinDeposit: CoinJson; bidMinDeposits: CoinJson[]; orderMaxBids: number}
}

/** Mainnet v2.1 values (upgrades/software/v2.0.0). */
export function defaultMarketGenesis(): MarketGenesis {
  return {
    params: {
      bidMinDeposit: {denom: 'uakt', amount: '500000'},
      bidMinDeposits: [
        {denom: 'uact', amount: '500000'},
        {denom: 'uakt', amount: '500000'},
      ],
      orderMaxBids: 20,
    },
  }
}

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

const escrowOf = (ctx: Context) => ctx.keeper<EscrowKeeper>('escrow')
const deploymentsOf = (ctx: Context) => ctx.keeper<DeploymentKeeper>('deployment')
const providersOf = (ctx: Context) => ctx.keeper<ProviderKeeper>('provider')
const auditOf = (ctx: Context) => ctx.keeper<AuditKeeper>('audit')

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
}

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

export function marketModule(keeper: MarketKeeper = createMarketKeeper()): Module & {keeper: MarketKeeper} {
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
      keeper.createBid(ctx, id, msg.price!, msg.resourcesOffer)
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
      if (lease.state !== Lease_State.active) throw MarketErr.leaseNotActive()
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
      if (lease.state !== Lease_State.active) throw MarketErr.orderClosed()

      // The owner's reason is always `owner`, whatever the message says.
      keeper.onLeaseClosed(ctx, lease, Lease_State.closed, LeaseClosedReason.lease_closed_owner)
      keeper.onBidClosed(ctx, bid)
      keeper.onOrderClosed(ctx, order)
      escrowOf(ctx).paymentClose(ctx, leasePaymentId(id))

      const group = deploymentsOf(ctx).onLeaseClosed(ctx, groupOf(id))
      // While the group is open, the market lists it again as a new order.
      if (group.state === Group_State.open) keeper.createOrder(ctx, groupOf(id), group.groupSpec!)
      return MsgCloseLeaseResponse.encode({}).finish()
    },
  }

  // ------------------------------------------------------------------------------------------
  // Queries

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
      const states = stateList(f.state, LEASE_STATE_NAMES, [Lease_State.active, Lease_State.insufficient_funds, Lease_State.closed])
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

  return {
    name: 'market',
    msgs: [createBid, closeBid, withdrawLease, createLease, closeLease],
    queries: [orders, order, bids, bid, leases, lease, params],
    initGenesis(ctx, state) {
      const genesis = (state as MarketGenesis | undefined) ?? defaultMarketGenesis()
      const p = genesis.params
      if (p.orderMaxBids === 0) throw MarketErr.invalidParam.with('order max bids too low')
      if (p.orderMaxBids > 500) throw MarketErr.invalidParam.with('order max bids too high')
      keeper.setParams(ctx, Params.fromPartial(p))
    },
    keeper,
  }
}

/** Wires the escrow hooks as node's app does (app/types/app.go). */
export function registerMarketHooks(escrow: EscrowKeeper): void {
  escrow.addOnAccountClosedHook(onEscrowAccountClosed)
  escrow.addOnPaymentClosedHook(onEscrowPaymentClosed)
}

export {validateOrderId}
