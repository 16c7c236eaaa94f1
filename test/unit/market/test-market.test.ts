import {describe, expect, it} from 'vitest'

import {providerBlocks} from '../../../src/provider/chain/blocks.js'
import {NotStubbed, testMarket} from '../../helpers/test-market.js'

describe('testMarket(stubs)', () => {
  it('answers with the stubs it was given and refuses every other call', async () => {
    const market = testMarket({balances: async (address) => [{denom: 'uact', amount: BigInt(address.length)}]})
    expect(await market.balances('akash1abc')).toEqual([{denom: 'uact', amount: 9n}])
    expect(() => market.leases({})).toThrow(NotStubbed)
    expect(market.tx).toBeUndefined()
  })

  it('signs only where tx stubs are given, and names the missing one', async () => {
    const market = testMarket({tx: {address: 'akash1me', closeDeployment: async () => ({txHash: 'T', height: 2, gasUsed: 1n, gasWanted: 1n, events: []})}})
    expect(market.tx?.address).toBe('akash1me')
    expect((await market.tx!.closeDeployment(1n)).txHash).toBe('T')
    expect(() => market.tx!.createLease({owner: 'a', dseq: 1n, gseq: 1, oseq: 1, provider: 'p', bseq: 0})).toThrow(/tx\.createLease/)
  })

  it("drives the provider's block poll: each new height once, repeats skipped", async () => {
    const heights = [5, 5, 6, 6, 7]
    const market = testMarket({latestBlock: async () => ({height: heights.shift() ?? 7, time: new Date(0)})})
    const stop = new AbortController()
    const seen: number[] = []
    for await (const block of providerBlocks(market, 8, stop.signal)) {
      seen.push(block.height)
      if (block.height === 7) stop.abort()
    }
    expect(seen).toEqual([5, 6, 7])
  })
})
