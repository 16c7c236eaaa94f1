import {LeaseClosedReason, Lease_State, MsgSignProviderAttributes, Types_State as EscrowState} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {Group_State, MsgCreateDeployment, MsgCreateProvider, MsgStartGroup, type QueryGroupResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {
  Bid_State,
  MsgCloseBid,
  MsgCloseLease,
  MsgCreateBid,
  MsgCreateLease,
  MsgWithdrawLease,
  Order_State,
  type QueryBidResponse,
  type QueryBidsResponse,
  type QueryLeasesResponse,
  type QueryOrderResponse,
  type QueryOrdersResponse,
  type QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {describe, expect, it} from 'vitest'

import {gpuCapabilityAttributes, storageCapabilityAttributes} from '../../../../src/protocol/matching.js'
import {bidId, createBid, createDeployment, createProvider, type GroupOptions} from './builders.js'
import {address, FakeChain} from './fake-chain.js'

const owner = address('owner')
const p1 = address('p1')
const p2 = address('p2')
const p3 = address('p3')
const auditor = address('auditor')
const Q = '/akash.market.v1beta5.Query/'

const providerAttrs = [
  {key: 'region', value: 'us-west'},
  {key: 'tier', value: 'community'},
  ...gpuCapabilityAttributes({vendor: 'nvidia', model: 'a100', ram: '80Gi'}),
  ...storageCapabilityAttributes(1, 'beta2', true),
]

function market(genesisOptions = {}) {
  const c = new FakeChain({
    funds: {
      [owner]: {uact: 100_000_000n, uakt: 10_000_000n},
      [p1]: {uakt: 10_000_000n, uact: 10_000_000n},
      [p2]: {uakt: 10_000_000n},
      [p3]: {uakt: 300_000n},
    },
    genesisOptions,
  })
  for (const p of [p1, p2, p3]) expect(c.deliver(MsgCreateProvider, createProvider(p, providerAttrs)).code).toBe(0)
  return c
}

function deploy(c: FakeChain, dseq: number, group: GroupOptions = {}) {
  const res = c.deliver(MsgCreateDeployment, createDeployment(owner, dseq, {groups: [group]}))
  expect(res.code, res.log).toBe(0)
}

const bids = (c: FakeChain, filters: unknown, pagination?: unknown) =>
  c.query<unknown, QueryBidsResponse>(`${Q}Bids`, {filters, pagination})

describe('MsgCreateBid', () => {
  it('creates an open bid with its deposit in escrow, visible with its escrow account', () => {
    const c = market()
    deploy(c, 1)
    const res = c.deliver(MsgCreateBid, createBid(owner, 1, p1, {price: '99.5'}), p1)
    expect(res.code, res.log).toBe(0)
    expect(res.events[0].type).toBe('akash.market.v1.EventBidCreated')
    expect(c.balance(p1, 'uakt')).toBe(9_500_000n)
    const bid = c.query<unknown, QueryBidResponse>(`${Q}Bid`, {id: bidId(owner, 1, p1)})
    expect(bid.bid).toMatchObject({state: Bid_State.open, price: {denom: 'uact', amount: '99.5'}})
    expect(bid.escrowAccount?.id).toEqual({scope: 2, xid: `${owner}/1/1/1/${p1}`})
    expect(bid.escrowAccount?.state?.funds).toEqual([{denom: 'uakt', amount: '500000'}])
    // a uact deposit is accepted too (BidMinDeposits has both)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p2, {depositDenom: 'uakt'})).code).toBe(0)
  })

  type Case = [string, (c: FakeChain) => {msg: unknown; group?: GroupOptions}, string, number]
  const cases: Case[] = [
    ['a deposit denom without a minimum', () => ({msg: createBid(owner, 1, p1, {depositDenom: 'ufoo'})}), 'market', 28],
    ['a deposit below the minimum', () => ({msg: createBid(owner, 1, p1, {deposit: 499_999n})}), 'market', 28],
    ['a deposit the provider cannot pay', () => ({msg: createBid(owner, 1, p3)}), 'market', 28],
    ['an unknown order', () => ({msg: createBid(owner, 1, p1, {oseq: 2})}), 'market', 15],
    ['a price above the order price', () => ({msg: createBid(owner, 1, p1, {price: '100.000000000000000001'})}), 'market', 22],
    ['a price in another denom (node panics)', () => ({msg: createBid(owner, 1, p1, {denom: 'uakt'})}), 'sdk', 111222],
    ['a zero price', () => ({msg: createBid(owner, 1, p1, {price: '0'})}), 'market', 19],
    ['a self-bid', () => ({msg: createBid(owner, 1, owner)}), 'sdk', 36],
    ['an offer for a unit the group lacks', () => ({msg: createBid(owner, 1, p1, {offer: [{resources: {id: 9}, count: 1}]})}), 'market', 32],
    ['an offer with another count', () => ({msg: createBid(owner, 1, p1, {offer: [{resources: {id: 1}, count: 2}]})}), 'market', 32],
    ['an unknown provider', () => ({msg: createBid(owner, 1, address('nobody'))}), 'market', 30],
    ['a placement attribute the provider lacks', () => ({msg: createBid(owner, 1, p1), group: {attributes: [{key: 'region', value: 'eu'}]}}), 'market', 5],
    ['a signedBy the provider lacks', () => ({msg: createBid(owner, 1, p1), group: {signedBy: {allOf: [auditor]}}}), 'market', 5],
    [
      'a GPU model the provider lacks',
      () => ({msg: createBid(owner, 1, p1), group: {units: [{gpu: {units: 1, attributes: [{key: 'vendor/nvidia/model/h100', value: 'true'}]}}]}}),
      'market',
      32,
    ],
    [
      'a storage class the provider lacks',
      () => ({
        msg: createBid(owner, 1, p1),
        group: {
          units: [{storage: [{name: 'default'}, {name: 'data', attributes: [{key: 'class', value: 'beta3'}, {key: 'persistent', value: 'true'}]}]}],
        },
      }),
      'market',
      32,
    ],
  ]
  it.each(cases)('rejects %s', (_name, build, codespace, code) => {
    const c = market()
    const {msg, group} = build(c)
    deploy(c, 1, group)
    const before = c.bank.snapshot()
    const res = c.deliver(MsgCreateBid, msg)
    expect(res, res.log).toMatchObject({codespace, code})
    expect(c.bank.snapshot()).toEqual(before)
  })

  it('accepts what the provider offers: glob attributes, GPU with ram, persistent storage, audited signedBy', () => {
    const c = market()
    expect(c.deliver(MsgSignProviderAttributes, {owner: p1, auditor, attributes: [{key: 'region', value: 'us-west'}]}).code).toBe(0)
    deploy(c, 1, {
      attributes: [{key: 'reg*', value: 'us-west'}],
      signedBy: {anyOf: [auditor]},
      units: [
        {
          gpu: {units: 1, attributes: [{key: 'vendor/nvidia/model/a100/ram/80Gi', value: 'true'}]},
          storage: [{name: 'default'}, {name: 'data', attributes: [{key: 'class', value: 'beta2'}, {key: 'persistent', value: 'true'}]}],
        },
      ],
    })
    // reg* is checked against the auditor's signed attributes, which only p1 has
    const res = c.deliver(MsgCreateBid, createBid(owner, 1, p1))
    expect(res.code, res.log).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p2))).toMatchObject({codespace: 'market', code: 5})
  })

  it('refuses a second bid from the same provider and bids on a matched order', () => {
    const c = market()
    deploy(c, 1)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p1)).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p1))).toMatchObject({codespace: 'market', code: 21})
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p1)}).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p2))).toMatchObject({codespace: 'market', code: 23})
  })

  it('counts open, active and closed bids against OrderMaxBids and lets one more in, as node does', () => {
    const providers = [0, 1, 2, 3].map((i) => address(`many-${i}`))
    const c = new FakeChain({
      funds: Object.fromEntries([[owner, {uact: 100_000_000n}], ...providers.map((p) => [p, {uakt: 10_000_000n}])]),
      genesisOptions: {orderMaxBids: 2},
    })
    for (const p of providers) c.deliver(MsgCreateProvider, createProvider(p, providerAttrs))
    deploy(c, 1)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, providers[0])).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, providers[1])).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, providers[2])).code).toBe(0)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, providers[3]))).toMatchObject({
      codespace: 'market',
      code: 31,
      log: 'invalid bid: too many existing bids (2)',
    })
  })
})

describe('MsgCreateLease', () => {
  it('activates the bid and order, loses and refunds every other open bid', () => {
    const c = market()
    deploy(c, 1)
    for (const p of [p1, p2]) expect(c.deliver(MsgCreateBid, createBid(owner, 1, p)).code).toBe(0)
    c.bank.fund(p3, 'uakt', 1_000_000n)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p3)).code).toBe(0)
    c.commit()
    const res = c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p2)}, owner)
    expect(res.code, res.log).toBe(0)
    expect(res.events[0]).toMatchObject({type: 'akash.market.v1.EventLeaseCreated'})
    const states = bids(c, {owner}).bids.map((b) => [b.bid?.id?.provider, b.bid?.state, b.escrowAccount?.state?.state])
    expect(states).toEqual(
      expect.arrayContaining([
        [p1, Bid_State.lost, EscrowState.closed],
        [p2, Bid_State.active, EscrowState.open],
        [p3, Bid_State.lost, EscrowState.closed],
      ]),
    )
    expect(c.balance(p1, 'uakt')).toBe(10_000_000n)
    expect(c.balance(p3, 'uakt')).toBe(1_300_000n)
    expect(c.balance(p2, 'uakt')).toBe(9_500_000n)
    const order = c.query<unknown, QueryOrderResponse>(`${Q}Order`, {id: {owner, dseq: 1, gseq: 1, oseq: 1}})
    expect(order.order?.state).toBe(Order_State.active)
    // only the owner signs for a lease; a second lease on the order is refused
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p1)}, p1).code).toBe(8)
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p1)})).toMatchObject({codespace: 'market', code: 12})
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, address('x'))})).toMatchObject({codespace: 'market', code: 18})
  })
})

describe('closing bids and leases', () => {
  function leased() {
    const c = market()
    deploy(c, 1)
    expect(c.deliver(MsgCreateBid, createBid(owner, 1, p1, {price: '10'})).code).toBe(0)
    c.commit()
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 1, p1)}).code).toBe(0)
    return c
  }

  it('closes an open bid and refunds its deposit', () => {
    const c = market()
    deploy(c, 1)
    c.deliver(MsgCreateBid, createBid(owner, 1, p2))
    const res = c.deliver(MsgCloseBid, {id: bidId(owner, 1, p2), reason: LeaseClosedReason.lease_closed_reason_unspecified}, p2)
    expect(res.code, res.log).toBe(0)
    expect(c.balance(p2, 'uakt')).toBe(10_000_000n)
    expect(bids(c, {provider: p2}).bids[0].bid?.state).toBe(Bid_State.closed)
  })

  it('lets the provider close an active lease with its reason: the group pauses until started again', () => {
    const c = leased()
    c.skipTo(12)
    const res = c.deliver(MsgCloseBid, {id: bidId(owner, 1, p1), reason: LeaseClosedReason.lease_closed_reason_manifest_timeout}, p1)
    expect(res.code, res.log).toBe(0)
    const leases = c.query<unknown, QueryLeasesResponse>(`${Q}Leases`, {filters: {provider: p1}})
    expect(leases.leases[0].lease).toMatchObject({state: Lease_State.closed, reason: LeaseClosedReason.lease_closed_reason_manifest_timeout})
    expect(leases.leases[0].escrowPayment?.state?.state).toBe(EscrowState.closed)
    expect(c.balance(p1, 'uact')).toBe(10_000_000n + 100n) // 10 blocks × 10
    const group = c.query<unknown, QueryGroupResponse>('/akash.deployment.v1beta4.Query/Group', {id: {owner, dseq: 1, gseq: 1}})
    expect(group.group?.state).toBe(Group_State.paused)
    expect(c.deliver(MsgStartGroup, {id: {owner, dseq: 1, gseq: 1}}).code).toBe(0)
    const orders = c.query<unknown, QueryOrdersResponse>(`${Q}Orders`, {filters: {owner, state: 'open'}})
    expect(orders.orders.map((o) => o.id?.oseq)).toEqual([2])
  })

  it('checks close reasons and states', () => {
    const c = leased()
    expect(c.deliver(MsgCloseBid, {id: bidId(owner, 1, p1), reason: LeaseClosedReason.lease_closed_owner})).toMatchObject({
      codespace: 'market',
      code: 33,
    })
    expect(c.deliver(MsgCloseBid, {id: bidId(owner, 1, p2), reason: 10000})).toMatchObject({codespace: 'market', code: 6})
    expect(c.deliver(MsgWithdrawLease, {id: bidId(owner, 1, p2)})).toMatchObject({codespace: 'market', code: 7})
    c.commit()
    expect(c.deliver(MsgCloseLease, {id: bidId(owner, 1, p1)}).code).toBe(0)
    expect(c.deliver(MsgCloseLease, {id: bidId(owner, 1, p1)})).toMatchObject({codespace: 'market', code: 24})
    expect(c.deliver(MsgCloseBid, {id: bidId(owner, 1, p1), reason: 10000})).toMatchObject({codespace: 'market', code: 10})
    expect(c.deliver(MsgWithdrawLease, {id: bidId(owner, 1, p1)})).toMatchObject({codespace: 'escrow', code: 7})
  })
})

describe('market queries', () => {
  it('filters bids by owner, provider and state, and pages them', () => {
    const c = market()
    deploy(c, 1)
    deploy(c, 2)
    for (const dseq of [1, 2]) for (const p of [p1, p2]) expect(c.deliver(MsgCreateBid, createBid(owner, dseq, p)).code).toBe(0)
    expect(c.deliver(MsgCreateLease, {bidId: bidId(owner, 2, p2)}).code).toBe(0)
    expect(bids(c, {owner}).bids).toHaveLength(4)
    expect(bids(c, {owner, dseq: 2, state: 'open'}).bids).toHaveLength(0)
    expect(bids(c, {owner, dseq: 2, state: 'lost'}).bids.map((b) => b.bid?.id?.provider)).toEqual([p1])
    expect(bids(c, {provider: p2}).bids.map((b) => [b.bid?.id?.dseq.toString(), b.bid?.state])).toEqual([
      ['1', Bid_State.open],
      ['2', Bid_State.active],
    ])
    expect(bids(c, {state: 'open'}).bids).toHaveLength(2)
    const page1 = bids(c, {owner}, {limit: 3})
    const page2 = bids(c, {owner}, {limit: 3, key: page1.pagination!.nextKey})
    expect(page1.bids).toHaveLength(3)
    expect(page2.bids).toHaveLength(1)
    expect(() => bids(c, {owner}, {key: new TextEncoder().encode('not a next_key')})).toThrow(
      expect.objectContaining({grpcCode: 3, message: expect.stringMatching(/^invalid pagination key/)}),
    )
    expect(() => bids(c, {state: 'won'})).toThrow(/invalid state value/)
    const leases = c.query<unknown, QueryLeasesResponse>(`${Q}Leases`, {filters: {owner, state: 'active'}})
    expect(leases.leases.map((l) => l.lease?.id?.provider)).toEqual([p2])
    expect(leases.leases[0].escrowPayment?.state?.rate).toEqual({denom: 'uact', amount: '100'})
    // Without owner or provider, the state index: only the one active lease, none closed.
    const byState = (state: string) => c.query<unknown, QueryLeasesResponse>(`${Q}Leases`, {filters: {state}}).leases
    expect(byState('active').map((l) => [l.lease?.id?.dseq.toString(), l.lease?.id?.provider])).toEqual([['2', p2]])
    expect(byState('closed')).toEqual([])
    const orders = c.query<unknown, QueryOrdersResponse>(`${Q}Orders`, {filters: {state: 'open'}})
    expect(orders.orders.map((o) => o.id?.dseq.toString())).toEqual(['1'])
    const params = c.query<unknown, QueryParamsResponse>(`${Q}Params`, {})
    expect(params.params).toMatchObject({orderMaxBids: 20, bidMinDeposit: {denom: 'uakt', amount: '500000'}})
    expect(() => c.query(`${Q}Lease`, {id: bidId(owner, 1, p1)})).toThrow(/lease not found/)
  })
})
