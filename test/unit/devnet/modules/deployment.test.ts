import {Deployment_State, Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  Group_State,
  MsgCloseDeployment,
  MsgCloseGroup,
  MsgCreateDeployment,
  MsgPauseGroup,
  MsgStartGroup,
  MsgUpdateDeployment,
  type QueryDeploymentResponse,
  type QueryDeploymentsResponse,
  type QueryGroupResponse,
  type QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {Order_State, type QueryOrdersResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {describe, expect, it} from 'vitest'

import {ModuleError} from '../../../../src/devnet/modules/common/errors.js'
import {createDeployment} from './builders.js'
import {address, FakeChain, moduleAddress} from './fake-chain.js'

const owner = address('owner')
const other = address('other')

function chain(genesisOptions = {}) {
  return new FakeChain({funds: {[owner]: {uact: 50_000_000n, uakt: 50_000_000n}, [other]: {uact: 1_000n}}, genesisOptions})
}

const Q = '/akash.deployment.v1beta4.Query/'

describe('MsgCreateDeployment', () => {
  it('stores the deployment, its groups, one order per group and the escrow deposit', () => {
    const c = chain()
    const res = c.deliver(MsgCreateDeployment, createDeployment(owner, 42, {groups: [{name: 'a'}, {name: 'b', units: [{price: '7', count: 3}]}]}), owner)
    expect(res.code, res.log).toBe(0)
    expect(res.events.map((e) => e.type)).toEqual([
      'akash.deployment.v1.EventDeploymentCreated',
      'akash.market.v1.EventOrderCreated',
      'akash.market.v1.EventOrderCreated',
      'transfer',
    ])
    const d = c.query<unknown, QueryDeploymentResponse>(`${Q}Deployment`, {id: {owner, dseq: 42}})
    expect(d.deployment).toMatchObject({state: Deployment_State.active, hash: new Uint8Array(32).fill(7)})
    expect(d.deployment?.createdAt.toString()).toBe('1')
    expect(d.groups.map((g) => [g.id?.gseq, g.state, g.groupSpec?.name])).toEqual([
      [1, Group_State.open, 'a'],
      [2, Group_State.open, 'b'],
    ])
    expect(d.escrowAccount?.id).toEqual({scope: 1, xid: `${owner}/42`})
    expect(d.escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '5000000'}])
    expect(d.escrowAccount?.state?.deposits[0]).toMatchObject({owner, source: Source.balance, balance: {denom: 'uact', amount: '5000000'}})
    expect(c.balance(moduleAddress('escrow'), 'uact')).toBe(5_000_000n)
    const orders = c.query<unknown, QueryOrdersResponse>('/akash.market.v1beta5.Query/Orders', {filters: {owner}})
    expect(orders.orders.map((o) => [o.id?.gseq, o.id?.oseq, o.state])).toEqual([
      [1, 1, Order_State.open],
      [2, 1, Order_State.open],
    ])
  })

  const failures: Array<[string, (c: FakeChain) => unknown, string, number]> = [
    ['duplicate dseq', () => createDeployment(owner, 1), 'deployment', 3],
    ['deposit below the minimum', () => createDeployment(owner, 2, {deposit: 499_999n}), 'deployment', 20],
    ['AKT deposit', () => createDeployment(owner, 2, {denom: 'uakt', groups: [{units: [{denom: 'uakt'}]}]}), 'deployment', 20],
    ['deposit denom differs from the price', () => createDeployment(owner, 2, {groups: [{units: [{denom: 'uakt'}]}]}), 'deployment', 20],
    ['unknown deposit denom', () => createDeployment(owner, 2, {denom: 'ufoo', groups: [{units: [{denom: 'ufoo'}]}]}), 'deployment', 20],
    ['no groups', () => ({...createDeployment(owner, 2), groups: []}), 'deployment', 7],
    ['duplicate group names', () => createDeployment(owner, 2, {groups: [{name: 'x'}, {name: 'x'}]}), 'deployment', 7],
    ['empty hash', () => createDeployment(owner, 2, {hash: new Uint8Array()}), 'deployment', 9],
    ['short hash', () => createDeployment(owner, 2, {hash: new Uint8Array(31)}), 'deployment', 10],
    ['dseq 0', () => createDeployment(owner, 0), 'sdk', 3],
    ['bad owner', () => createDeployment('cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a', 2), 'sdk', 7],
    ['no deposit source', () => createDeployment(owner, 2, {sources: []}), 'akash', 4],
    ['grant source only (edge dev keeps no grants)', () => createDeployment(owner, 2, {sources: [Source.grant]}), 'market', 28],
    ['CPU below 10 millicores', () => createDeployment(owner, 2, {groups: [{units: [{cpuMillis: 5}]}]}), 'undefined', 1],
    ['no storage volume', () => createDeployment(owner, 2, {groups: [{units: [{storage: []}]}]}), 'undefined', 1],
    ['count 0', () => createDeployment(owner, 2, {groups: [{units: [{count: 0}]}]}), 'undefined', 1],
    ['unit price above 10000000', () => createDeployment(owner, 2, {groups: [{units: [{price: '10000000.1'}]}]}), 'undefined', 1],
    ['GPU attributes without units', () => createDeployment(owner, 2, {groups: [{units: [{gpu: {units: 0, attributes: [{key: 'vendor/nvidia/model/h100', value: 'true'}]}}]}]}), 'undefined', 1],
    ['a bad storage attribute key (akash codespace kept through the wrap)', () => createDeployment(owner, 2, {groups: [{units: [{storage: [{attributes: [{key: '9bad', value: 'x'}]}]}]}]}), 'akash', 2],
  ]
  it.each(failures)('rejects %s', (_name, build, codespace, code) => {
    const c = chain()
    expect(c.deliver(MsgCreateDeployment, createDeployment(owner, 1), owner).code).toBe(0)
    const before = c.bank.snapshot()
    const res = c.deliver(MsgCreateDeployment, build(c))
    expect(res, res.log).toMatchObject({codespace, code})
    expect(c.bank.snapshot()).toEqual(before)
  })

  it('rejects a deposit the owner cannot pay with the market’s deposit error', () => {
    const c = chain()
    const res = c.deliver(MsgCreateDeployment, createDeployment(other, 5), other)
    expect(res).toMatchObject({codespace: 'market', code: 28, log: 'deposit invalid: insufficient balance'})
  })

  it('rejects a price denom other than uact even when params allow the deposit denom', () => {
    const c = chain({minDeposits: [{denom: 'uact', amount: '500000'}, {denom: 'uusdc', amount: '1'}]})
    c.bank.fund(owner, 'uusdc', 10_000_000n)
    const res = c.deliver(MsgCreateDeployment, createDeployment(owner, 3, {denom: 'uusdc', groups: [{units: [{denom: 'uusdc'}]}]}))
    expect(res).toMatchObject({codespace: 'deployment', code: 24})
  })

  it('returns ModuleErrors that carry the gRPC code', () => {
    const c = chain()
    try {
      c.query(`${Q}Deployment`, {id: {owner, dseq: 404}})
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ModuleError)
      expect(err).toMatchObject({codespace: 'deployment', code: 4, grpcCode: 5})
    }
  })
})

describe('MsgUpdateDeployment / MsgCloseDeployment', () => {
  it('stores a new hash as given and refuses the same one', () => {
    const c = chain()
    c.deliver(MsgCreateDeployment, createDeployment(owner, 1))
    const hash = new Uint8Array(32).fill(9)
    const res = c.deliver(MsgUpdateDeployment, {id: {owner, dseq: 1}, hash})
    expect(res.code).toBe(0)
    expect(res.events.map((e) => e.type)).toEqual(['akash.deployment.v1.EventDeploymentUpdated'])
    expect(c.query<unknown, QueryDeploymentResponse>(`${Q}Deployment`, {id: {owner, dseq: 1}}).deployment?.hash).toEqual(hash)
    expect(c.deliver(MsgUpdateDeployment, {id: {owner, dseq: 1}, hash})).toMatchObject({codespace: 'deployment', code: 10})
    expect(c.deliver(MsgUpdateDeployment, {id: {owner, dseq: 2}, hash})).toMatchObject({codespace: 'deployment', code: 4})
    expect(c.deliver(MsgUpdateDeployment, {id: {owner, dseq: 1}, hash: new Uint8Array(3)})).toMatchObject({codespace: 'deployment', code: 10})
  })

  it('closes with a full refund when no lease ran, then refuses to update or close again', () => {
    const c = chain()
    c.deliver(MsgCreateDeployment, createDeployment(owner, 1))
    expect(c.balance(owner, 'uact')).toBe(45_000_000n)
    expect(c.deliver(MsgCloseDeployment, {id: {owner, dseq: 1}}).code).toBe(0)
    expect(c.balance(owner, 'uact')).toBe(50_000_000n)
    const d = c.query<unknown, QueryDeploymentResponse>(`${Q}Deployment`, {id: {owner, dseq: 1}})
    expect(d.deployment?.state).toBe(Deployment_State.closed)
    expect(d.groups[0].state).toBe(Group_State.closed)
    expect(c.deliver(MsgCloseDeployment, {id: {owner, dseq: 1}})).toMatchObject({codespace: 'deployment', code: 5})
    expect(c.deliver(MsgUpdateDeployment, {id: {owner, dseq: 1}, hash: new Uint8Array(32)})).toMatchObject({
      codespace: 'deployment',
      code: 5,
    })
    expect(c.deliver(MsgCloseDeployment, {id: {owner, dseq: 99}})).toMatchObject({codespace: 'deployment', code: 4})
  })
})

describe('group close / pause / start', () => {
  it('pauses (closing the order), refuses a second pause, starts with a new order, closes for good', () => {
    const c = chain()
    c.deliver(MsgCreateDeployment, createDeployment(owner, 1))
    const gid = {owner, dseq: 1, gseq: 1}
    expect(c.deliver(MsgStartGroup, {id: gid})).toMatchObject({codespace: 'deployment', code: 16})
    const paused = c.deliver(MsgPauseGroup, {id: gid})
    expect(paused.code).toBe(0)
    expect(paused.events.map((e) => e.type)).toEqual(['akash.deployment.v1.EventGroupPaused', 'akash.market.v1.EventOrderClosed'])
    expect(c.deliver(MsgPauseGroup, {id: gid})).toMatchObject({codespace: 'deployment', code: 17})
    expect(c.deliver(MsgStartGroup, {id: gid}).code).toBe(0)
    const orders = c.query<unknown, QueryOrdersResponse>('/akash.market.v1beta5.Query/Orders', {filters: {owner, dseq: 1}})
    expect(orders.orders.map((o) => [o.id?.oseq, o.state])).toEqual([
      [1, Order_State.closed],
      [2, Order_State.open],
    ])
    expect(c.deliver(MsgCloseGroup, {id: gid}).code).toBe(0)
    expect(c.query<unknown, QueryGroupResponse>(`${Q}Group`, {id: gid}).group?.state).toBe(Group_State.closed)
    expect(c.deliver(MsgCloseGroup, {id: gid})).toMatchObject({codespace: 'deployment', code: 15})
    expect(c.deliver(MsgPauseGroup, {id: gid})).toMatchObject({codespace: 'deployment', code: 15})
    expect(c.deliver(MsgStartGroup, {id: gid})).toMatchObject({codespace: 'deployment', code: 15})
    expect(c.deliver(MsgCloseGroup, {id: {...gid, gseq: 5}})).toMatchObject({codespace: 'deployment', code: 14})
    expect(c.deliver(MsgCloseGroup, {id: {...gid, gseq: 0}})).toMatchObject({codespace: 'sdk', code: 3})
  })
})

describe('deployment queries', () => {
  function populated() {
    const c = chain()
    for (const dseq of [3, 1, 20, 2]) expect(c.deliver(MsgCreateDeployment, createDeployment(owner, dseq)).code).toBe(0)
    c.bank.fund(other, 'uact', 10_000_000n)
    expect(c.deliver(MsgCreateDeployment, createDeployment(other, 5)).code).toBe(0)
    expect(c.deliver(MsgCloseDeployment, {id: {owner, dseq: 2}}).code).toBe(0)
    return c
  }
  const list = (c: FakeChain, req: unknown) => c.query<unknown, QueryDeploymentsResponse>(`${Q}Deployments`, req)
  const ids = (r: QueryDeploymentsResponse) => r.deployments.map((d) => `${d.deployment?.id?.owner === owner ? 'o' : 'x'}${d.deployment?.id?.dseq}`)

  it('filters by owner, dseq and state, in dseq order per owner', () => {
    const c = populated()
    expect(ids(list(c, {filters: {owner}}))).toEqual(['o1', 'o2', 'o3', 'o20'])
    expect(ids(list(c, {filters: {owner, state: 'active'}}))).toEqual(['o1', 'o3', 'o20'])
    expect(ids(list(c, {filters: {owner, state: 'closed'}}))).toEqual(['o2'])
    expect(ids(list(c, {filters: {owner, dseq: 20}}))).toEqual(['o20'])
    expect(ids(list(c, {filters: {owner: other}}))).toEqual(['x5'])
    expect(ids(list(c, {filters: {state: 'closed'}}))).toEqual(['o2'])
    expect(list(c, {filters: {state: 'active'}}).deployments).toHaveLength(4)
    const one = list(c, {filters: {owner, dseq: 3}}).deployments[0]
    expect(one.groups).toHaveLength(1)
    expect(one.escrowAccount?.state?.funds).toEqual([{denom: 'uact', amount: '5000000'}])
  })

  it('pages with next_key and refuses an offset without a state filter or an unknown state', () => {
    const c = populated()
    const first = list(c, {filters: {owner}, pagination: {limit: 3}})
    expect(ids(first)).toEqual(['o1', 'o2', 'o3'])
    expect(first.pagination?.nextKey.length).toBeGreaterThan(0)
    const second = list(c, {filters: {owner}, pagination: {limit: 3, key: first.pagination!.nextKey}})
    expect(ids(second)).toEqual(['o20'])
    expect(second.pagination?.nextKey.length).toBe(0)
    expect(ids(list(c, {filters: {owner, state: 'active'}, pagination: {offset: 1}}))).toEqual(['o3', 'o20'])
    expect(() => list(c, {filters: {owner}, pagination: {offset: 1}})).toThrow(/filter.state must be provided/)
    expect(() => list(c, {filters: {state: 'bogus'}})).toThrow(/invalid state value/)
  })

  it('answers Params with mainnet defaults, in the node\'s order', () => {
    const c = chain()
    const p = c.query<unknown, QueryParamsResponse>(`${Q}Params`, {})
    expect(p.params?.minDeposits).toEqual([
      {denom: 'uakt', amount: '500000'},
      {denom: 'uact', amount: '500000'},
    ])
  })
})
