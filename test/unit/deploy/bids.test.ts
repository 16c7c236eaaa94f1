import {describe, expect, it} from 'vitest'

import type {LatencyResult} from '../../../src/provider-client/probe.js'
import {groupSpecs, loadSdlFile, requireValid} from '../../../src/sdl/index.js'
import {listBids} from '../../../src/services/lease/bids.js'
import type {TenantContext} from '../../../src/services/lease/context.js'
import {FakeMarket, usdPerHourToPerBlock} from './fake-market.js'
import {HELLO, P1, P2, P3} from './setup.js'

describe('edge bids', () => {
  it('scores the open bids, and with a measured map probes each bidder once however often it is asked', async () => {
    const market = new FakeMarket(P1, [
      {info: {owner: P2, hostUri: 'https://p2.test:8443', attributes: []}, price: usdPerHourToPerBlock(0.2)},
      {info: {owner: P3, hostUri: 'https://p3.test:8443', attributes: []}, price: usdPerHourToPerBlock(0.1)},
    ])
    const sdl = requireValid(await loadSdlFile(HELLO, {denom: 'uact'}))
    await market.tx.createDeployment({dseq: 7n, groups: groupSpecs(sdl), hash: new Uint8Array(32), deposit: {denom: 'uact', amount: 5_000_000n}})
    market.height++
    market.advance()
    const ctx = {network: market.network, market, owner: P1} as unknown as TenantContext
    let probes = 0
    const prober = async () => {
      probes++
      return {connectMs: 5, handshakeMs: 10}
    }
    const measured = new Map<string, LatencyResult>()
    const first = await listBids(ctx, 7n, {probe: true, strategy: 'cheapest', prober, measured})
    const afterFirst = probes
    const second = await listBids(ctx, 7n, {probe: true, strategy: 'cheapest', prober, measured})
    expect(first.groups[0].bids.map((b) => b.provider)).toEqual([P3, P2])
    expect(second.groups[0].bids.map((b) => b.latencyMs)).toEqual([10, 10])
    expect(afterFirst).toBeGreaterThan(0)
    expect(probes).toBe(afterFirst)
  })
})
