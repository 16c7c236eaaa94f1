import {describe, expect, it} from 'vitest'

import type {Deployment, Lease} from '../../../src/market/market.js'
import {blocksRemaining, FundsMonitor} from '../../../src/provider/leases/funds-monitor.js'
import type {LeaseRow} from '../../../src/provider/state/store.js'

const E18 = 10n ** 18n
const rate = (uact: bigint) => ({denom: 'uact', amount: uact * E18})

describe('blocksRemaining (Akash LeaseCalcBlocksRemain)', () => {
  it('is what the funds pay for since the last settlement, truncated toward zero', () => {
    const escrow = {funds: [{denom: 'uact', amount: 1000n * E18}], settledAt: 10}
    expect(blocksRemaining(escrow, 10, rate(100n))).toBe(10n)
    expect(blocksRemaining(escrow, 15, rate(100n))).toBe(5n)
    // 50 uact left of a 100 uact block: less than one block, so none.
    expect(blocksRemaining({...escrow, funds: [{denom: 'uact', amount: 950n * E18}]}, 19, rate(100n))).toBe(0n)
    expect(blocksRemaining(escrow, 25, rate(100n))).toBe(-5n)
  })
})

describe('FundsMonitor', () => {
  const row = {orderKey: 'akash1owner/7/1/1', bseq: 0} as LeaseRow
  const setup = (funds: bigint, firstCheckDelayMs = () => 0) => {
    const withdrawn: string[] = []
    let queries = 0
    const monitor = new FundsMonitor({
      market: {
        deployment: async () => {
          queries++
          return {escrow: {scope: 'deployment', xid: 'akash1owner/7', state: 'open', funds: [{denom: 'uact', amount: funds * E18}], transferred: [], settledAt: 100}} as unknown as Deployment
        },
        leases: async () => [{price: rate(10n)} as Lease],
      },
      checkIntervalMs: 600_000,
      leases: () => [row],
      withdraw: async (r) => void withdrawn.push(r.orderKey),
      firstCheckDelayMs,
    })
    return {monitor, withdrawn, queries: () => queries}
  }
  const settle = () => new Promise((r) => setTimeout(r, 0))

  it('checks a new lease at once, again at the block its deposit runs out, and withdraws then', async () => {
    const {monitor, withdrawn, queries} = setup(100n) // 10 blocks at 10 uact
    monitor.tick(0, 100)
    await settle()
    expect(queries()).toBe(1)
    expect(withdrawn).toEqual([])
    monitor.tick(1000, 105) // not due: neither the height nor the interval
    await settle()
    expect(queries()).toBe(1)
    monitor.tick(2000, 110) // funds for 0 more blocks
    await settle()
    expect(queries()).toBe(2)
    expect(withdrawn).toEqual([row.orderKey])
  })

  it('looks again within the check interval however long the deposit lasts', async () => {
    const {monitor, queries} = setup(1_000_000n)
    monitor.tick(0, 100)
    await settle()
    monitor.tick(599_999, 101)
    await settle()
    expect(queries()).toBe(1)
    monitor.tick(600_000, 102)
    await settle()
    expect(queries()).toBe(2)
  })

  it('spreads first checks: a lease first seen (after a restart, every lease) waits its random delay', async () => {
    const {monitor, queries} = setup(1_000_000n, () => 30_000)
    monitor.tick(0, 100)
    await settle()
    expect(queries()).toBe(0)
    monitor.tick(29_999, 101)
    await settle()
    expect(queries()).toBe(0)
    monitor.tick(30_000, 102)
    await settle()
    expect(queries()).toBe(1)
  })

  it('draws the default first delay within a minute, or within a shorter check interval', () => {
    const monitor = new FundsMonitor({market: {deployment: async () => undefined, leases: async () => []}, checkIntervalMs: 5000, leases: () => [], withdraw: async () => undefined})
    const delay = (monitor as unknown as {firstCheckDelayMs: () => number}).firstCheckDelayMs
    for (let i = 0; i < 200; i++) expect(delay()).toBeLessThan(5000)
  })
})
