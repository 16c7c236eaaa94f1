/**
 * The whole money path, checked to the micro-unit: deployment → bid → lease → lazy settlement
 * over N blocks → top-up → exhaustion (insufficient_funds) → top-up of the overdrawn account,
 * and the owner close path. Every step also checks that no uact or uakt appears or vanishes.
 */
import {
  Deployment_State,
  Lease_State,
  LeaseClosedReason,
  MsgAccountDeposit,
  Scope,
  Source,
  Types_State as EscrowState,
  type QueryAccountsResponse,
  type QueryPaymentsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  Group_State,
  MsgCloseDeployment,
  MsgCreateDeployment,
  MsgCreateProvider,
  type QueryDeploymentResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {
  Bid_State,
  MsgCloseLease,
  MsgCreateBid,
  MsgCreateLease,
  MsgWithdrawLease,
  Order_State,
  type QueryBidResponse,
  type QueryLeaseResponse,
  type QueryOrdersResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {describe, expect, it} from 'vitest'

import {bidId, createBid, createDeployment, createProvider} from './builders.js'
import {address, FakeChain, moduleAddress} from './fake-chain.js'

const tenant = address('tenant')
const provider = address('provider')
const escrow = moduleAddress('escrow')

function setup() {
  const chain = new FakeChain({
    funds: {[tenant]: {uact: 100_000_000n, uakt: 5_000_000n}, [provider]: {uakt: 10_000_000n}},
  })
  const totals = () => ({uact: chain.total('uact'), uakt: chain.total('uakt')})
  const before = totals()
  const conserved = () => expect(totals()).toEqual(before)
  const ok = (res: {code: number; log: string}) => expect(res, res.log).toMatchObject({code: 0})
  return {chain, conserved, ok}
}

function deployment(chain: FakeChain, dseq: number) {
  return chain.query<unknown, QueryDeploymentResponse>('/akash.deployment.v1beta4.Query/Deployment', {id: {owner: tenant, dseq}})
}

function lease(chain: FakeChain, dseq: number) {
  return chain.query<unknown, QueryLeaseResponse>('/akash.market.v1beta5.Query/Lease', {id: bidId(tenant, dseq, provider)})
}

describe('escrow settlement through the market', () => {
  it('settles lazily at the bid rate, drops fractions, runs dry, and pays the debt on top-up', () => {
    const {chain, conserved, ok} = setup()
    // rate 1234.5678 uact per block: a fraction that settlement must drop, as node does
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    ok(chain.deliver(MsgCreateDeployment, createDeployment(tenant, 1, {deposit: 5_000_000n, groups: [{units: [{price: '1234.5678'}]}]})))
    expect(chain.balance(tenant, 'uact')).toBe(95_000_000n)
    expect(chain.balance(escrow, 'uact')).toBe(5_000_000n)
    conserved()

    chain.commit() // h=2
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 1, provider, {price: '1234.5678'})))
    expect(chain.balance(provider, 'uakt')).toBe(9_500_000n)
    chain.commit() // h=3
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 1, provider)}))
    expect(lease(chain, 1).escrowPayment?.state?.rate).toEqual({denom: 'uact', amount: '1234.5678'})

    // 10 blocks: floor(12345.678) = 12345
    chain.skipTo(13)
    ok(chain.deliver(MsgWithdrawLease, {id: bidId(tenant, 1, provider)}))
    expect(chain.balance(provider, 'uact')).toBe(12_345n)
    let acc = deployment(chain, 1).escrowAccount!.state!
    expect(acc.funds).toEqual([{denom: 'uact', amount: '4987655'}])
    expect(acc.transferred).toEqual([{denom: 'uact', amount: '12345'}])
    expect(acc.settledAt.toString()).toBe('13')
    conserved()

    // 3 blocks: floor(3703.7034) = 3703; the .7034 is never carried to the provider
    chain.skipTo(16)
    ok(chain.deliver(MsgWithdrawLease, {id: bidId(tenant, 1, provider)}))
    expect(chain.balance(provider, 'uact')).toBe(16_048n)
    const payment = lease(chain, 1).escrowPayment!.state!
    expect(payment.withdrawn).toEqual({denom: 'uact', amount: '16048'})
    expect(payment.balance?.amount).toBe('0')

    // a second withdraw in the same block finds no open payment to settle: node panics
    const again = chain.deliver(MsgWithdrawLease, {id: bidId(tenant, 1, provider)})
    expect(again).toMatchObject({codespace: 'sdk', code: 111222})

    // top-up: the open account only takes the deposit (FIFO behind the first one)
    ok(
      chain.deliver(MsgAccountDeposit, {
        signer: tenant,
        id: {scope: Scope.deployment, xid: `${tenant}/1`},
        deposit: {amount: {denom: 'uact', amount: '1000000'}, sources: [Source.balance]},
      }),
    )
    acc = deployment(chain, 1).escrowAccount!.state!
    expect(acc.funds).toEqual([{denom: 'uact', amount: '5983952'}])
    expect(acc.deposits.map((d) => d.balance?.amount)).toEqual(['4983952', '1000000'])
    conserved()

    // 5000 blocks owe floor(6172839) > 5983952 left: overdrawn
    chain.skipTo(5016)
    ok(chain.deliver(MsgWithdrawLease, {id: bidId(tenant, 1, provider)}))
    expect(chain.balance(provider, 'uact')).toBe(6_000_000n) // everything the tenant put in
    expect(chain.balance(escrow, 'uact')).toBe(0n)
    const dry = deployment(chain, 1)
    expect(dry.deployment?.state).toBe(Deployment_State.closed)
    expect(dry.groups[0].state).toBe(Group_State.insufficient_funds)
    expect(dry.escrowAccount?.state?.state).toBe(EscrowState.overdrawn)
    expect(dry.escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '-188887'}])
    const dryLease = lease(chain, 1)
    expect(dryLease.lease?.state).toBe(Lease_State.insufficient_funds)
    expect(dryLease.lease?.reason).toBe(LeaseClosedReason.lease_closed_reason_insufficient_funds)
    expect(dryLease.lease?.closedOn.toString()).toBe('5016')
    expect(dryLease.escrowPayment?.state?.state).toBe(EscrowState.overdrawn)
    expect(dryLease.escrowPayment?.state?.unsettled).toEqual({denom: 'uact', amount: '188887'})
    // the bid deposit went back to the provider
    expect(chain.balance(provider, 'uakt')).toBe(10_000_000n)
    const bid = chain.query<unknown, QueryBidResponse>('/akash.market.v1beta5.Query/Bid', {id: bidId(tenant, 1, provider)})
    expect(bid.bid?.state).toBe(Bid_State.closed)
    expect(bid.escrowAccount?.state?.state).toBe(EscrowState.closed)
    conserved()

    // an overdrawn account can still be topped up: the debt is paid and the rest refunded
    chain.commit()
    ok(
      chain.deliver(MsgAccountDeposit, {
        signer: tenant,
        id: {scope: Scope.deployment, xid: `${tenant}/1`},
        deposit: {amount: {denom: 'uact', amount: '1000000'}, sources: [Source.balance]},
      }),
    )
    expect(chain.balance(provider, 'uact')).toBe(6_188_887n)
    expect(chain.balance(tenant, 'uact')).toBe(100_000_000n - 6_188_887n)
    expect(chain.balance(escrow, 'uact')).toBe(0n)
    expect(deployment(chain, 1).escrowAccount?.state?.state).toBe(EscrowState.closed)
    expect(lease(chain, 1).escrowPayment?.state?.state).toBe(EscrowState.closed)
    conserved()

    // nothing more to close
    expect(chain.deliver(MsgCloseDeployment, {id: {owner: tenant, dseq: 1}})).toMatchObject({codespace: 'deployment', code: 5})
  })

  it('closing the deployment pays the provider up to the block and refunds the rest', () => {
    const {chain, conserved, ok} = setup()
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    ok(chain.deliver(MsgCreateDeployment, createDeployment(tenant, 7, {deposit: 2_000_000n, groups: [{units: [{price: '10.25'}]}]})))
    chain.commit()
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 7, provider, {price: '10.25'})))
    chain.commit() // h=3
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 7, provider)}))
    chain.skipTo(103)
    const res = chain.deliver(MsgCloseDeployment, {id: {owner: tenant, dseq: 7}})
    ok(res)
    // 100 blocks × 10.25 = 1025
    expect(chain.balance(provider, 'uact')).toBe(1025n)
    expect(chain.balance(tenant, 'uact')).toBe(100_000_000n - 1025n)
    expect(chain.balance(escrow, 'uact')).toBe(0n)
    expect(chain.balance(provider, 'uakt')).toBe(10_000_000n)
    const d = deployment(chain, 7)
    expect(d.deployment?.state).toBe(Deployment_State.closed)
    expect(d.groups[0].state).toBe(Group_State.closed)
    const l = lease(chain, 7)
    expect(l.lease?.state).toBe(Lease_State.closed)
    expect(l.lease?.reason).toBe(LeaseClosedReason.lease_closed_owner)
    expect(res.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'akash.deployment.v1.EventDeploymentClosed',
        'akash.deployment.v1.EventGroupClosed',
        'akash.market.v1.EventOrderClosed',
        'akash.market.v1.EventBidClosed',
        'akash.market.v1.EventLeaseClosed',
      ]),
    )
    conserved()
  })

  it('closing a lease by the owner pays the provider and re-lists the group as a new order', () => {
    const {chain, conserved, ok} = setup()
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    ok(chain.deliver(MsgCreateDeployment, createDeployment(tenant, 9, {deposit: 1_000_000n, groups: [{units: [{price: '3'}]}]})))
    chain.commit()
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 9, provider, {price: '3'})))
    chain.commit() // h=3
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 9, provider)}))
    chain.skipTo(23)
    ok(chain.deliver(MsgCloseLease, {id: bidId(tenant, 9, provider)}))
    expect(chain.balance(provider, 'uact')).toBe(60n)
    expect(lease(chain, 9).lease).toMatchObject({state: Lease_State.closed, reason: LeaseClosedReason.lease_closed_owner})
    const orders = chain.query<unknown, QueryOrdersResponse>('/akash.market.v1beta5.Query/Orders', {filters: {owner: tenant, dseq: 9}})
    expect(orders.orders.map((o) => [o.id?.oseq, o.state])).toEqual([
      [1, Order_State.closed],
      [2, Order_State.open],
    ])
    // the deployment keeps running and keeps its remaining deposit
    const d = deployment(chain, 9)
    expect(d.deployment?.state).toBe(Deployment_State.active)
    expect(d.escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '999940'}])
    conserved()
  })

  it('keeps deployments apart whose dseqs share a prefix (1 and 10)', () => {
    const {chain, conserved, ok} = setup()
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    for (const dseq of [1, 10]) {
      ok(chain.deliver(MsgCreateDeployment, createDeployment(tenant, dseq, {deposit: 1_000_000n, groups: [{units: [{price: '5'}]}]})))
      ok(chain.deliver(MsgCreateBid, createBid(tenant, dseq, provider, {price: '5'})))
    }
    chain.commit() // h=2
    for (const dseq of [1, 10]) ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, dseq, provider)}))
    chain.skipTo(12)
    ok(chain.deliver(MsgWithdrawLease, {id: bidId(tenant, 1, provider)}))
    expect(chain.balance(provider, 'uact')).toBe(50n)
    expect(deployment(chain, 1).escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '999950'}])
    // dseq 10 was not settled along with dseq 1
    expect(deployment(chain, 10).escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '1000000'}])
    expect(deployment(chain, 10).escrowAccount?.state?.settledAt.toString()).toBe('2')
    conserved()
  })

  it('reproduces node: a new lease settles the account but drops what the other leases earned meanwhile', () => {
    const {chain, conserved, ok} = setup()
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    ok(
      chain.deliver(
        MsgCreateDeployment,
        createDeployment(tenant, 3, {deposit: 1_000_000n, groups: [{name: 'a', units: [{price: '4'}]}, {name: 'b', units: [{price: '6'}]}]}),
      ),
    )
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 3, provider, {price: '4', gseq: 1})))
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 3, provider, {price: '6', gseq: 2})))
    chain.commit() // h=2
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 3, provider, 1)}))
    chain.skipTo(12)
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 3, provider, 2)}))
    // 10 blocks × 4 left the account, but lease 1's payment was not credited
    const acc = deployment(chain, 3).escrowAccount!.state!
    expect(acc.funds).toEqual([{denom: 'uact', amount: '999960'}])
    expect(acc.transferred).toEqual([{denom: 'uact', amount: '40'}])
    const first = chain.query<unknown, QueryLeaseResponse>('/akash.market.v1beta5.Query/Lease', {id: bidId(tenant, 3, provider, 1)})
    expect(first.escrowPayment?.state?.balance?.amount).toBe('0')
    expect(first.escrowPayment?.state?.withdrawn?.amount).toBe('0')
    // the 40 uact stay in the escrow module account: nothing is created or lost
    conserved()
  })

  it('answers the escrow Accounts and Payments queries by state and xid', () => {
    const {chain, ok} = setup()
    ok(chain.deliver(MsgCreateProvider, createProvider(provider)))
    for (const dseq of [4, 5]) ok(chain.deliver(MsgCreateDeployment, createDeployment(tenant, dseq, {groups: [{units: [{price: '2'}]}]})))
    ok(chain.deliver(MsgCreateBid, createBid(tenant, 4, provider, {price: '2'})))
    chain.commit()
    ok(chain.deliver(MsgCreateLease, {bidId: bidId(tenant, 4, provider)}))
    ok(chain.deliver(MsgCloseDeployment, {id: {owner: tenant, dseq: 5}}))
    const accounts = (req: unknown) =>
      chain.query<unknown, QueryAccountsResponse>('/akash.escrow.v1.Query/Accounts', req).accounts.map((a) => [a.id?.xid, a.state?.state])
    expect(accounts({})).toEqual([
      [`${tenant}/4/1/1/${provider}`, EscrowState.open],
      [`${tenant}/4`, EscrowState.open],
      [`${tenant}/5`, EscrowState.closed],
    ])
    expect(accounts({state: 'closed'})).toEqual([[`${tenant}/5`, EscrowState.closed]])
    expect(accounts({xid: `deployment/${tenant}/4`})).toEqual([[`${tenant}/4`, EscrowState.open]])
    expect(() => accounts({state: 'gone'})).toThrow(/invalid state value/)
    const payments = chain.query<unknown, QueryPaymentsResponse>('/akash.escrow.v1.Query/Payments', {xid: `deployment/${tenant}/4`})
    expect(payments.payments.map((p) => [p.id?.xid, p.state?.owner, p.state?.rate])).toEqual([
      [`1/1/${provider}`, provider, {denom: 'uact', amount: '2'}],
    ])
  })
})
