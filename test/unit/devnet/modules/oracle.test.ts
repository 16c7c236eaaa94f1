// x/oracle v2 rules as node v2.1.0 has them: who may post, what, when; aggregation, health and
// staleness at the end of each block; what BME gets from it.
import {MsgMintACT} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  MsgAddPriceEntry,
  MsgUpdateParams,
  type QueryAggregatedPriceResponse,
  type QueryPricesResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v2'
import {describe, expect, it} from 'vitest'

import {defaultAkashGenesis} from '../../../../src/devnet/modules/index.js'
import {type OracleKeeper, DEV_PRICE_FEEDER} from '../../../../src/devnet/modules/oracle/index.js'
import {defaultOracleParams} from '../../../../src/devnet/modules/oracle/params.js'
import {FakeChain, address, moduleAddress} from './fake-chain.js'

const feeder = address('feeder')
const second = address('second-feeder')
const user = address('user')
const Q = '/akash.oracle.v2.Query/'
const AKT = {denom: 'akt', baseDenom: 'usd'}

/** A chain whose oracle trusts `sources` and has no price yet (a real chain after genesis). */
function chain(sources = [feeder], params: Partial<ReturnType<typeof defaultOracleParams>> = {}) {
  const genesis = defaultAkashGenesis({oracleSources: sources, aktPriceUsd: null})
  genesis.oracle.params = {...genesis.oracle.params, ...params}
  return new FakeChain({genesis, funds: {[user]: {uakt: 1_000_000_000n}}})
}

function post(c: FakeChain, signer: string, price: string, at: Date = c.time, id = AKT) {
  return c.deliver(MsgAddPriceEntry, {signer, id, price, timestamp: at}, signer)
}

const aggregated = (c: FakeChain) => c.query<unknown, QueryAggregatedPriceResponse>(`${Q}AggregatedPrice`, {denom: 'akt'})
const oracle = (c: FakeChain) => c.context().keeper<OracleKeeper>('oracle')

describe('oracle v2: posting prices', () => {
  it('takes prices only from params.sources, only for akt/usd, positive and not older than the last', () => {
    const c = chain()
    expect(post(c, user, '1.5')).toMatchObject({codespace: 'sdk', code: 4, log: `source ${user} is not authorized oracle provider: unauthorized`})
    expect(post(c, feeder, '1.5', c.time, {denom: 'uakt', baseDenom: 'usd'})).toMatchObject({code: 18, log: 'unsupported denom uakt: invalid request'})
    expect(post(c, feeder, '1.5', c.time, {denom: 'akt', baseDenom: 'eur'})).toMatchObject({code: 18, log: 'unsupported base denom eur: invalid request'})
    expect(post(c, feeder, '0')).toMatchObject({code: 18, log: 'price must be positive: invalid request'})
    // A source's first price may be up to 12 s older than the block, no more.
    expect(post(c, feeder, '1.5', new Date(c.time.getTime() - 13_000))).toMatchObject({code: 18, log: 'price timestamp is too old: invalid request'})
    const ok = post(c, feeder, '1.5', new Date(c.time.getTime() - 12_000))
    expect(ok.code, ok.log).toBe(0)
    expect(ok.events.map((e) => e.type)).toEqual(['akash.oracle.v2.EventPriceData'])
    // …and every later one no older than the source's last.
    expect(post(c, feeder, '1.6', new Date(c.time.getTime() - 12_001))).toMatchObject({code: 18})
    expect(post(c, feeder, '1.6').code).toBe(0)
  })

  it('numbers records per pair within a block and lists them newest first', () => {
    const c = chain()
    post(c, feeder, '1.5')
    post(c, feeder, '1.6')
    c.commit()
    post(c, feeder, '1.7')
    const all = c.query<unknown, QueryPricesResponse>(`${Q}Prices`, {})
    expect(all.prices.map((p) => [p.state?.price, p.id?.sequence.toString(), p.id?.source])).toEqual([
      ['1.7', '0', 1],
      ['1.6', '1', 1],
      ['1.5', '0', 1],
    ])
    const oldestFirst = c.query<unknown, QueryPricesResponse>(`${Q}Prices`, {pagination: {reverse: true, limit: 1n}})
    expect(oldestFirst.prices.map((p) => p.state?.price)).toEqual(['1.5'])
    expect(c.query<unknown, QueryPricesResponse>(`${Q}Prices`, {filters: {assetDenom: 'act'}}).prices).toEqual([])
  })
})

describe('oracle v2: aggregation and health at the end of the block', () => {
  it('has no price until a source posts one: the query fails and BME refuses mints (oracle.v2/4)', () => {
    const c = chain()
    expect(() => aggregated(c)).toThrow("collections: not found: key 'akt/usd' of type github.com/cosmos/gogoproto/akash.oracle.v2.AggregatedPrice")
    c.commit()
    expect(c.deliver(MsgMintACT, {owner: user, to: user, coinsToBurn: {denom: 'uakt', amount: '20000000'}})).toMatchObject({
      codespace: 'oracle.v2',
      code: 4,
    })
    expect(c.balance(user, 'uakt')).toBe(1_000_000_000n)
  })

  it('aggregates the TWAP over the window, the median of the latest prices, and reports health', () => {
    const c = chain()
    const t0 = c.time
    post(c, feeder, '2')
    c.commit() // end of block at t0: one point, no time elapsed → its price
    expect(aggregated(c)).toMatchObject({
      aggregatedPrice: {denom: 'akt', twap: '2', medianPrice: '2', minPrice: '2', maxPrice: '2', numSources: 1, deviationBps: 0n},
      priceHealth: {denom: 'akt', isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1, failureReason: []},
    })
    expect(c.events.types()).toEqual(expect.arrayContaining(['akash.oracle.v2.EventPriceRecovered', 'akash.oracle.v2.EventAggregatedPrice']))
    c.commit() // t0+1s
    post(c, feeder, '4') // at t0+2s
    c.commit(3) // ends t0+2, t0+3, t0+4: 2 for 2 s, 4 for 2 s
    expect(c.time.getTime() - t0.getTime()).toBe(5000)
    expect(aggregated(c).aggregatedPrice).toMatchObject({twap: '3', medianPrice: '4'})
    expect(oracle(c).getAggregatedPrice(c.context(), 'uakt')).toBe(3n * 10n ** 18n)
    // ACT is pegged to 1 USD and never stored.
    expect(oracle(c).getAggregatedPrice(c.context(), 'uact')).toBe(10n ** 18n)
  })

  it('goes unhealthy when sources disagree by more than max_price_deviation_bps, and recovers', () => {
    const c = chain([feeder, second])
    post(c, feeder, '1')
    post(c, second, '1.01')
    c.commit()
    expect(aggregated(c).priceHealth).toMatchObject({isHealthy: true, totalSources: 2, totalHealthySources: 2})
    expect(aggregated(c).aggregatedPrice).toMatchObject({medianPrice: '1.005', deviationBps: 100n})
    post(c, second, '1.1')
    c.events.list = []
    c.commit()
    const health = aggregated(c).priceHealth
    expect(health).toMatchObject({isHealthy: false, deviationOk: false, failureReason: ['price deviation too high: 1000bps > 150bps']})
    expect(c.events.types()).toContain('akash.oracle.v2.EventPriceStaled')
    expect(c.events.types()).not.toContain('akash.oracle.v2.EventAggregatedPrice')
    // The last healthy aggregate stays queryable; BME may not use it.
    expect(aggregated(c).aggregatedPrice?.maxPrice).toBe('1.01')
    expect(() => oracle(c).getAggregatedPrice(c.context(), 'uakt')).toThrow('price stalled')
    post(c, second, '1')
    c.commit()
    expect(aggregated(c).priceHealth?.isHealthy).toBe(true)
  })

  it('drops a source whose latest price is older than max_price_staleness_period', () => {
    const c = chain([feeder], {maxPriceStalenessPeriod: '3s'})
    post(c, feeder, '1.25')
    c.commit(3)
    expect(aggregated(c).priceHealth?.isHealthy).toBe(true)
    c.commit(2)
    expect(aggregated(c).priceHealth).toMatchObject({
      isHealthy: false,
      hasMinSources: false,
      totalSources: 1,
      totalHealthySources: 0,
      failureReason: ['insufficient price sources: 0 < 1'],
    })
  })
})

describe('oracle v2: params and the dev genesis', () => {
  it('lets only governance update params (gov/13), and validates them first', () => {
    const c = chain()
    const params = {...defaultOracleParamsProto(), sources: [user]}
    expect(c.deliver(MsgUpdateParams, {authority: user, params}, user)).toMatchObject({
      codespace: 'gov',
      code: 13,
      log: `invalid authority; expected ${moduleAddress('gov')}, got ${user}: expected gov account as only signer for proposal message`,
    })
    expect(c.deliver(MsgUpdateParams, {authority: user, params: {...params, minPriceSources: 0}}, user)).toMatchObject({
      codespace: 'undefined',
      log: 'min_price_sources must be at least 1',
    })
  })

  it('forgets a removed source at once, and numbers sources for good', () => {
    const c = chain([feeder, second])
    post(c, feeder, '1')
    post(c, second, '1')
    c.commit()
    const keeper = oracle(c)
    const ctx = c.context()
    keeper.setParams(ctx, {...keeper.getParams(ctx), sources: [second]})
    c.commit()
    expect(aggregated(c).priceHealth).toMatchObject({totalSources: 1, totalHealthySources: 1})
    expect(post(c, feeder, '1')).toMatchObject({code: 4})
    keeper.setParams(c.context(), {...keeper.getParams(c.context()), sources: [second, feeder]})
    expect(keeper.sourceId(c.context(), feeder)).toBe(1)
  })

  it("records the dev genesis price from the first source, healthy from genesis on", () => {
    const c = new FakeChain({genesisOptions: {aktPriceUsd: '2.5'}})
    expect(aggregated(c)).toMatchObject({aggregatedPrice: {twap: '2.5'}, priceHealth: {isHealthy: true, totalSources: 1}})
    const prices = c.query<unknown, QueryPricesResponse>(`${Q}Prices`, {})
    expect(prices.prices).toHaveLength(1)
    expect(oracle(c).getParams(c.context()).sources).toEqual([DEV_PRICE_FEEDER])
    c.skipTo(1_000_000)
    c.commit()
    expect(aggregated(c).priceHealth?.isHealthy).toBe(true)
  })
})

function defaultOracleParamsProto() {
  const p = defaultOracleParams()
  return {
    ...p,
    maxPriceStalenessPeriod: {seconds: 30n, nanos: 0},
    twapWindow: {seconds: 5n, nanos: 0},
    priceRetention: {seconds: 86_400n, nanos: 0},
    maxFutureTimeDrift: {seconds: 10n, nanos: 0},
    maxPriceDeviationBps: 150n,
    maxPrunePerEpoch: 1000n,
  }
}
