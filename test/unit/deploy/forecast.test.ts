import {describe, expect, it} from 'vitest'

import {escrowLastsMs, forecast, ttlDeposit} from '../../../src/services/deploy/forecast.js'

const E18 = 10n ** 18n
// 1000 uact per 1 s block: a 20 s TTL costs 20 000 uact at the order's maximum price.
const base = {denom: 'uact', maxPerBlock: 1000n * E18, blockTimeMs: 1000, minDeposit: {denom: 'uact', amount: 5000n}}

describe('forecast: a deposit sized to the TTL', () => {
  it('pays for exactly the TTL at the order maximum, so the chain ends the lease by then', () => {
    const f = forecast({...base, ttlMs: 20_000})
    expect(f.deposit).toEqual({denom: 'uact', amount: 20_000n})
    expect(f.depositReason).toBe('ttl')
    // Created with 5 blocks' worth at the maximum (or the chain minimum), topped up to the lease's price once leased.
    expect(f.ttl).toEqual({ttlMs: 20_000, ttlDeposit: 20_000n, escrowLastsMs: 20_000, enforcedByEscrow: true, firstDeposit: 5000n})
  })

  it('starts from the chain minimum when that is more than five blocks at the maximum; no top-up when it covers the TTL', () => {
    expect(forecast({...base, ttlMs: 60_000, minDeposit: {denom: 'uact', amount: 15_000n}}).ttl?.firstDeposit).toBe(15_000n)
    expect(forecast({...base, ttlMs: 5000}).ttl?.firstDeposit).toBeUndefined()
  })

  it('rounds a partial block up to a whole block and a fraction of a unit up to a whole unit', () => {
    expect(ttlDeposit(1000n * E18, 20_500, 1000)).toBe(21_000n)
    expect(ttlDeposit(E18 / 3n, 3000, 1000)).toBe(1n)
  })

  it('is not chain-enforced when the chain minimum is more than the TTL needs', () => {
    const f = forecast({...base, ttlMs: 2000})
    expect(f.deposit.amount).toBe(5000n)
    expect(f.ttl).toMatchObject({enforcedByEscrow: false, largerBecause: 'minimum', ttlDeposit: 2000n, escrowLastsMs: 5000})
  })

  it('is not chain-enforced with a --deposit bigger than the TTL needs; a smaller one ends it sooner', () => {
    expect(forecast({...base, ttlMs: 20_000, deposit: {denom: 'uact', amount: 60_000n}}).ttl).toMatchObject({enforcedByEscrow: false, largerBecause: 'deposit', escrowLastsMs: 60_000})
    expect(forecast({...base, ttlMs: 20_000, deposit: {denom: 'uact', amount: 10_000n}}).ttl).toMatchObject({enforcedByEscrow: true, escrowLastsMs: 10_000})
  })

  it('with a budget too: the smaller of the two is what the chain enforces', () => {
    // $0.01 = 10 000 uact: the budget runs out at 10 s, before the 20 s TTL.
    expect(forecast({...base, ttlMs: 20_000, budgetUsd: E18 / 100n}).ttl).toMatchObject({enforcedByEscrow: true, escrowLastsMs: 10_000})
    expect(forecast({...base, ttlMs: 20_000, budgetUsd: E18}).ttl).toMatchObject({enforcedByEscrow: false, largerBecause: 'budget'})
  })

  it('has no TTL entry without a TTL', () => {
    expect(forecast(base).ttl).toBeUndefined()
  })

  it('escrowLastsMs counts whole blocks', () => {
    expect(escrowLastsMs(2500n, 1000n * E18, 1000)).toBe(2000)
  })
})
