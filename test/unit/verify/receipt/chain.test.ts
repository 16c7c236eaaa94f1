import {describe, expect, it} from 'vitest'

import type {Lease, MarketQueries} from '../../../../src/market/market.js'
import {receiptChainFromMarket} from '../../../../src/verify/receipt/index.js'

const OWNER = 'akash1owner'
const lease = (gseq: number, oseq: number, provider: string, over: Partial<Lease> = {}): Lease => ({
  id: {owner: OWNER, dseq: 7n, gseq, oseq, provider, bseq: 1},
  state: 'closed',
  price: {denom: 'uact', amount: 2n * 10n ** 18n},
  createdAt: 50,
  closedOn: 90,
  ...over,
})

describe('receiptChainFromMarket', () => {
  it('answers from the Market: the order’s leases only, the deployment hash as hex, the account key', async () => {
    const calls: unknown[] = []
    const market = {
      network: {chainId: 'configured', rpc: 'http://127.0.0.1:1'} as MarketQueries['network'],
      chainId: async () => 'from-the-market',
      account: async (address: string) => (address === OWNER ? {address, accountNumber: 1n, sequence: 2n, pubkey: new Uint8Array([2, 1])} : undefined),
      leases: async (filter: unknown) => {
        calls.push(filter)
        return [lease(1, 1, 'akash1p'), lease(2, 1, 'akash1q'), lease(1, 1, 'akash1r', {state: 'active', closedOn: 0})]
      },
      deployment: async () => ({id: {owner: OWNER, dseq: 7n}, state: 'active' as const, hash: new Uint8Array([0xab, 0xcd]), createdAt: 40, groups: []}),
    }
    const chain = receiptChainFromMarket(market, {chainId: async () => 'edge-dev'})

    expect(await chain.chainId()).toBe('edge-dev')
    expect(await chain.account(OWNER)).toEqual({pubkey: new Uint8Array([2, 1])})
    expect(await chain.account('akash1nobody')).toBeUndefined()
    expect(await chain.leases({owner: OWNER, dseq: 7n, gseq: 1, oseq: 1})).toEqual([
      {provider: 'akash1p', state: 'closed', createdAt: 50, closedOn: 90, price: {denom: 'uact', amount: 2n * 10n ** 18n}},
      {provider: 'akash1r', state: 'active', createdAt: 50, price: {denom: 'uact', amount: 2n * 10n ** 18n}},
    ])
    expect(calls).toEqual([{owner: OWNER, dseq: 7n}])
    expect(await chain.deployment(OWNER, 7n)).toEqual({version: 'abcd', createdAt: 40})
  })
})
