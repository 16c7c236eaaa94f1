/**
 * Resource reclamation (AEP-82) in edge dev's market and deployment modules, rule by rule and
 * code by code as node v2.1 has them (x/market/handler/server.go, x/deployment/handler/server.go).
 */
import {
  Deployment_State,
  Lease as LeaseCodec,
  LeaseClosedReason,
  Lease_State,
  Types_State as EscrowState,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  Group_State,
  MsgCloseDeployment,
  MsgCreateDeployment,
  MsgCreateProvider,
  MsgPauseGroup,
  MsgStartGroup,
  type QueryDeploymentResponse,
  type QueryGroupResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {
  Bid_State,
  MsgCloseBid,
  MsgCloseLease,
  MsgCreateBid,
  MsgCreateLease,
  MsgLeaseStartReclaim,
  Order_State,
  Params,
  type QueryBidResponse,
  type QueryLeaseResponse,
  type QueryLeasesResponse,
  type QueryOrdersResponse,
  type QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {describe, expect, it} from 'vitest'

import {defaultAkashGenesis} from '../../../../src/devnet/modules/index.js'
import {
  DEV_MIN_RECLAMATION_WINDOW_S,
  defaultMarketGenesis,
  durationFromNanos,
  paramsAtStart,
  reclaimDeadline,
} from '../../../../src/devnet/modules/market/index.js'
import {bidId, createBid, createDeployment, createProvider} from './builders.js'
import {address, FakeChain} from './fake-chain.js'

const owner = address('owner')
const p1 = address('p1')
const p2 = address('p2')
const Q = '/akash.market.v1beta5.Query/'
const DECOMMISSION = LeaseClosedReason.lease_closed_reason_decommission
const NS = 1_000_000_000n
const HOUR = 3600

function chain(genesisOptions = {}) {
  const c = new FakeChain({
    funds: {[owner]: {uact: 100_000_000n}, [p1]: {uakt: 10_000_000n}, [p2]: {uakt: 10_000_000n}},
    genesisOptions,
  })
  for (const p of [p1, p2]) expect(c.deliver(MsgCreateProvider, createProvider(p)).code).toBe(0)
  return c
}

function deploy(c: FakeChain, dseq: number, minWindowSeconds?: number) {
  const res = c.deliver(MsgCreateDeployment, createDeployment(owner, dseq, {minWindowSeconds}))
  expect(res.code, res.log).toBe(0)
}

const lease = (c: FakeChain, provider = p1) => c.query<unknown, QueryLeaseResponse>(`${Q}Lease`, {id: bidId(owner, 1, provider)}).lease!
const orders = (c: FakeChain) => c.query<unknown, QueryOrdersResponse>(`${Q}Orders`, {filters: {owner}}).orders

/** A lease of p1 on deployment 1 that asked for `minWindow` and was bid with `window` (seconds; null: none). */
function leased(minWindow: number | null = 10, window: number | null = 30) {
  const c = chain()
  deploy(c, 1, minWindow ?? undefined)
  const bid = c.deliver(MsgCreateBid, createBid(owner, 1, p1, {price: '10', windowSeconds: window ?? undefined}), p1)
  expect(bid.code, bid.log).toBe(0)
  c.commit()
  expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p1)}, owner).code).toBe(0)
  return c
}

function startReclaim(c: FakeChain, signer = p1, reason = DECOMMISSION) {
  return c.deliver(MsgLeaseStartReclaim, {id: bidId(owner, 1, p1), reason}, signer)
}

const closeBid = (c: FakeChain) => c.deliver(MsgCloseBid, {id: bidId(owner, 1, p1), reason: DECOMMISSION}, p1)

describe('market params', () => {
  it('carry the reclamation bounds: mainnet 1 h / 720 h, the dev genesis a 5 s minimum', () => {
    expect(defaultMarketGenesis().params).toMatchObject({minReclamationWindow: '3600s', maxReclamationWindow: '2592000s'})
    const params = chain().query<unknown, QueryParamsResponse>(`${Q}Params`, {}).params
    expect(params?.minReclamationWindow).toEqual({seconds: BigInt(DEV_MIN_RECLAMATION_WINDOW_S), nanos: 0})
    expect(params?.maxReclamationWindow).toEqual({seconds: BigInt(720 * HOUR), nanos: 0})
    const custom = chain({minReclamationWindowSeconds: 0.5}).query<unknown, QueryParamsResponse>(`${Q}Params`, {}).params
    expect(custom?.minReclamationWindow).toEqual({seconds: 0n, nanos: 500_000_000})
  })

  it('refuse a genesis whose maximum is not above its minimum (market/29)', () => {
    const genesis = defaultAkashGenesis()
    genesis.market.params.minReclamationWindow = '2592000s'
    expect(() => new FakeChain({genesis})).toThrow(expect.objectContaining({codespace: 'market', code: 29}))
  })

  it('at the first block after a start: an old chain gets the dev defaults, a start flag replaces the minimum', () => {
    const old = Params.fromPartial({orderMaxBids: 20})
    expect(paramsAtStart(old, {})).toMatchObject({minReclamationWindow: {seconds: 5n}, maxReclamationWindow: {seconds: 2592000n}})
    const current = Params.fromPartial({minReclamationWindow: {seconds: 5n}, maxReclamationWindow: {seconds: 2592000n}})
    expect(paramsAtStart(current, {})).toBeUndefined()
    expect(paramsAtStart(current, {minReclamationWindow: 5n * NS})).toBeUndefined()
    expect(paramsAtStart(current, {minReclamationWindow: 60n * NS})?.minReclamationWindow).toEqual({seconds: 60n, nanos: 0})
    expect(() => paramsAtStart(current, {minReclamationWindow: 2592000n * NS})).toThrow(/max reclamation window must be > min/)
  })
})

describe('MsgCreateDeployment with reclamation', () => {
  it('copies the window to the deployment and to each order', () => {
    const c = chain()
    deploy(c, 1, 90)
    const d = c.query<unknown, QueryDeploymentResponse>('/akash.deployment.v1beta4.Query/Deployment', {id: {owner, dseq: 1}})
    expect(d.deployment?.reclamation).toEqual({minWindow: {seconds: 90n, nanos: 0}})
    expect(orders(c).map((o) => o.reclamation)).toEqual([{minWindow: {seconds: 90n, nanos: 0}}])
  })

  it('leaves deployments and orders without one as they were', () => {
    const c = chain()
    deploy(c, 1)
    expect(orders(c)[0].reclamation).toBeUndefined()
  })

  it.each([
    ['below the minimum', 4],
    ['above the maximum', 720 * HOUR + 1],
    ['negative', -1],
  ])('refuses a min_window %s (deployment/26), changing nothing', (_name, window) => {
    const c = chain()
    const before = c.bank.snapshot()
    const res = c.deliver(MsgCreateDeployment, createDeployment(owner, 1, {minWindowSeconds: window}))
    expect(res).toMatchObject({codespace: 'deployment', code: 26})
    expect(res.log).toMatch(/min_window/)
    expect(c.bank.snapshot()).toEqual(before)
  })

  it('asks for reclamation again in the order a restarted group gets', () => {
    const c = chain()
    deploy(c, 1, 10)
    expect(c.deliver(MsgPauseGroup, {id: {owner, dseq: 1, gseq: 1}}).code).toBe(0)
    expect(c.deliver(MsgStartGroup, {id: {owner, dseq: 1, gseq: 1}}).code).toBe(0)
    const open = orders(c).filter((o) => o.state === Order_State.open)
    expect(open.map((o) => [o.id?.oseq, o.reclamation?.minWindow?.seconds])).toEqual([[2, 10n]])
  })
})

describe('MsgCreateBid with a reclamation window', () => {
  it.each([
    ['no window on an order that asks for one', 40, 10, undefined],
    ['a window shorter than the order minimum', 41, 10, 9],
    ['a window above the params maximum', 39, 10, 720 * HOUR + 1],
    ['a window below the params minimum (order without reclamation)', 39, undefined, 4],
    ['a negative window (ValidateBasic)', 39, undefined, -1],
  ])('refuses %s (market/%i)', (_name, code, minWindow, window) => {
    const c = chain()
    deploy(c, 1, minWindow)
    const before = c.bank.snapshot()
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p1, {windowSeconds: window}), p1)).toMatchObject({codespace: 'market', code})
    expect(c.bank.snapshot()).toEqual(before)
  })

  it('stores the window on the bid, and on the lease a reclamation record not yet started', () => {
    const c = leased(10, 30)
    const bid = c.query<unknown, QueryBidResponse>(`${Q}Bid`, {id: bidId(owner, 1, p1)}).bid
    expect(bid?.reclamationWindow).toEqual({seconds: 30n, nanos: 0})
    expect(lease(c)).toMatchObject({
      state: Lease_State.active,
      reclamation: {window: {seconds: 30n, nanos: 0}, startedAt: 0n, deadline: 0n, reason: 0},
    })
  })

  it('accepts a window on an order without reclamation, and equal to the bounds', () => {
    const c = chain()
    deploy(c, 1)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p1, {windowSeconds: 5}), p1).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p2, {windowSeconds: 720 * HOUR}), p2).code).toBe(0)
  })

  it('keeps bids and leases without a window unchanged on the wire', () => {
    const c = leased(null, null)
    const plain = lease(c)
    expect(plain.reclamation).toBeUndefined()
    // No field 7 (reclamation) is written: the bytes are those of a pre-v2.1 lease.
    const {id, state, price, createdAt, closedOn, reason} = plain
    const preV21 = LeaseCodec.encode(LeaseCodec.fromPartial({id, state, price, createdAt, closedOn, reason})).finish()
    expect(LeaseCodec.encode(plain).finish()).toEqual(preV21)
    expect(c.query<unknown, QueryBidResponse>(`${Q}Bid`, {id: bidId(owner, 1, p1)}).bid?.reclamationWindow).toBeUndefined()
  })
})

describe('MsgLeaseStartReclaim', () => {
  it('puts the lease in reclaiming with the block height, the deadline (block time + window) and the reason', () => {
    const c = leased(10, 30)
    c.commit(3)
    const res = startReclaim(c)
    expect(res.code, res.log).toBe(0)
    const deadline = BigInt(Math.floor(c.time.getTime() / 1000) + 30)
    expect(lease(c)).toMatchObject({
      state: Lease_State.reclaiming,
      reclamation: {window: {seconds: 30n, nanos: 0}, startedAt: BigInt(c.height), deadline, reason: DECOMMISSION},
    })
    // Attribute values are proto-JSON: the reason by name, the int64 deadline as a string.
    expect(res.events).toHaveLength(1)
    expect(res.events[0].type).toBe('akash.market.v1.EventLeaseReclaimStarted')
    expect(Object.fromEntries(res.events[0].attributes.map((a) => [a.key, JSON.parse(a.value)]))).toEqual({
      id: expect.objectContaining({owner, dseq: '1', gseq: 1, oseq: 1, provider: p1}),
      reason: 'lease_closed_reason_decommission',
      deadline: deadline.toString(),
    })
  })

  it('computes the deadline as Go does: block time plus window, floored to Unix seconds', () => {
    expect(reclaimDeadline(new Date('2026-01-01T00:00:00.900Z'), durationFromNanos(5n * NS + 200_000_000n))).toBe(1767225606n)
    expect(reclaimDeadline(new Date('2026-01-01T00:00:00.700Z'), {seconds: 5n, nanos: 200_000_000})).toBe(1767225605n)
  })

  it('is the provider’s alone: another signer fails the signature check (sdk/8)', () => {
    const c = leased()
    expect(startReclaim(c, owner)).toMatchObject({codespace: 'sdk', code: 8})
    expect(lease(c).state).toBe(Lease_State.active)
  })

  it('refuses a lease without reclamation (market/35), as node v2.1 does', () => {
    const c = leased(null, null)
    expect(startReclaim(c)).toMatchObject({codespace: 'market', code: 35})
  })

  it('refuses a lease that is not active (market/10): already reclaiming, or closed', () => {
    const c = leased()
    expect(startReclaim(c).code).toBe(0)
    expect(startReclaim(c)).toMatchObject({codespace: 'market', code: 10})
    const closed = leased()
    expect(closed.deliver(MsgCloseLease, {id: bidId(owner, 1, p1)}, owner).code).toBe(0)
    expect(startReclaim(closed)).toMatchObject({codespace: 'market', code: 10})
  })

  it('refuses an unknown lease (market/7) and a reason outside 10000..19999 (market/33)', () => {
    const c = leased()
    expect(c.deliver(MsgLeaseStartReclaim, {id: bidId(owner, 1, p2), reason: DECOMMISSION}, p2)).toMatchObject({codespace: 'market', code: 7})
    expect(startReclaim(c, p1, LeaseClosedReason.lease_closed_owner)).toMatchObject({codespace: 'market', code: 33})
  })
})

describe('closing a lease with reclamation', () => {
  it('refuses the provider’s MsgCloseBid before reclamation starts (market/37) and before the deadline (market/38)', () => {
    const c = leased(10, 30)
    expect(closeBid(c)).toMatchObject({codespace: 'market', code: 37})
    expect(startReclaim(c).code).toBe(0)
    const deadline = Number(lease(c).reclamation!.deadline)
    c.skipTo(c.height + 10)
    expect(closeBid(c)).toMatchObject({codespace: 'market', code: 38})
    c.time = new Date((deadline - 1) * 1000 + 999)
    expect(closeBid(c)).toMatchObject({codespace: 'market', code: 38})
    expect(lease(c).state).toBe(Lease_State.reclaiming)
  })

  it('at the deadline closes lease, bid and order and pauses the group, in one tx; the lease keeps its record', () => {
    const c = leased(10, 30)
    expect(startReclaim(c).code).toBe(0)
    const record = lease(c).reclamation
    c.skipTo(c.height + 30)
    c.time = new Date(Number(record!.deadline) * 1000)
    const res = closeBid(c)
    expect(res.code, res.log).toBe(0)
    expect(res.events.map((e) => e.type).filter((t) => t.startsWith('akash.'))).toEqual([
      'akash.deployment.v1.EventGroupPaused',
      'akash.market.v1.EventLeaseClosed',
      'akash.market.v1.EventBidClosed',
      'akash.market.v1.EventOrderClosed',
    ])
    const closed = c.query<unknown, QueryLeaseResponse>(`${Q}Lease`, {id: bidId(owner, 1, p1)})
    expect(closed.lease).toMatchObject({state: Lease_State.closed, reason: DECOMMISSION, closedOn: BigInt(c.height), reclamation: record})
    expect(closed.escrowPayment?.state?.state).toBe(EscrowState.closed)
    expect(c.query<unknown, QueryBidResponse>(`${Q}Bid`, {id: bidId(owner, 1, p1)}).bid?.state).toBe(Bid_State.closed)
    expect(orders(c)[0].state).toBe(Order_State.closed)
    const group = c.query<unknown, QueryGroupResponse>('/akash.deployment.v1beta4.Query/Group', {id: {owner, dseq: 1, gseq: 1}})
    expect(group.group?.state).toBe(Group_State.paused)
  })

  it('never closes a reclaiming lease by itself: past the deadline it stays reclaiming and keeps paying', () => {
    const c = leased(5, 5)
    expect(startReclaim(c).code).toBe(0)
    const paidBefore = c.balance(p1, 'uact')
    c.commit(20) // 20 s of blocks, the deadline 5 s away
    expect(lease(c).state).toBe(Lease_State.reclaiming)
    expect(c.query<unknown, QueryLeaseResponse>(`${Q}Lease`, {id: bidId(owner, 1, p1)}).escrowPayment?.state?.state).toBe(EscrowState.open)
    expect(c.balance(p1, 'uact')).toBe(paidBefore)
    // The lease still bills: the provider's close settles every block up to it.
    expect(closeBid(c).code).toBe(0)
    expect(c.balance(p1, 'uact')).toBeGreaterThan(paidBefore)
  })

  it('lets the tenant close the deployment before the deadline: lease closed by its owner, record kept', () => {
    const c = leased(10, 30)
    expect(startReclaim(c).code).toBe(0)
    const record = lease(c).reclamation
    const res = c.deliver(MsgCloseDeployment, {id: {owner, dseq: 1}}, owner)
    expect(res.code, res.log).toBe(0)
    expect(lease(c)).toMatchObject({state: Lease_State.closed, reason: LeaseClosedReason.lease_closed_owner, reclamation: record})
    const d = c.query<unknown, QueryDeploymentResponse>('/akash.deployment.v1beta4.Query/Deployment', {id: {owner, dseq: 1}})
    expect(d.deployment?.state).toBe(Deployment_State.closed)
  })

  it('lets the tenant close a reclaiming lease; the next order asks for reclamation again', () => {
    const c = leased(10, 30)
    expect(startReclaim(c).code).toBe(0)
    expect(c.deliver(MsgCloseLease, {id: bidId(owner, 1, p1)}, owner).code).toBe(0)
    expect(lease(c).state).toBe(Lease_State.closed)
    const open = orders(c).filter((o) => o.state === Order_State.open)
    expect(open.map((o) => [o.id?.oseq, o.reclamation?.minWindow?.seconds])).toEqual([[2, 10n]])
  })
})

describe('lease queries', () => {
  it('list reclaiming leases under their state and without a state filter', () => {
    const c = leased()
    expect(startReclaim(c).code).toBe(0)
    const list = (filters: unknown) => c.query<unknown, QueryLeasesResponse>(`${Q}Leases`, {filters}).leases.map((l) => l.lease?.state)
    expect(list({state: 'reclaiming'})).toEqual([Lease_State.reclaiming])
    expect(list({state: 'active'})).toEqual([])
    expect(list({})).toEqual([Lease_State.reclaiming])
    expect(list({provider: p1, state: 'reclaiming'})).toEqual([Lease_State.reclaiming])
  })
})
