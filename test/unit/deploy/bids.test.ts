import {describe, expect, it} from 'vitest'

import type {LatencyResult} from '../../../src/provider-client/probe.js'
import {groupSpecs, loadSdlFile, requireValid} from '../../../src/sdl/index.js'
import {listBids, watchBids} from '../../../src/services/lease/bids.js'
import type {TenantContext} from '../../../src/services/lease/context.js'
import {FakeMarket, usdPerHourToPerBlock} from './fake-market.js'
import {HELLO, P1, P2, P3, harness} from './setup.js'
import Bids from '../../../src/commands/bids.js'

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

  it('--watch reports each bid once, at the block it first shows up, from the block watch deploy collects with', async () => {
    const market = new FakeMarket(P1, [
      {info: {owner: P2, hostUri: 'https://p2.test:8443', attributes: []}, price: usdPerHourToPerBlock(0.2)},
      {info: {owner: P3, hostUri: 'https://p3.test:8443', attributes: []}, price: usdPerHourToPerBlock(0.1), delay: 3},
    ])
    const sdl = requireValid(await loadSdlFile(HELLO, {denom: 'uact'}))
    await market.tx.createDeployment({dseq: 7n, groups: groupSpecs(sdl), hash: new Uint8Array(32), deposit: {denom: 'uact', amount: 5_000_000n}})
    market.height++
    market.advance()
    const ctx = {network: market.network, market, owner: P1} as unknown as TenantContext
    const stop = new AbortController()
    const seen: Array<{height: number; providers: string[]}> = []
    const watch = watchBids(ctx, 7n, {probe: false, strategy: 'cheapest'}, stop.signal)
    let last
    for (;;) {
      const next = await watch.next()
      if (next.done) {
        last = next.value
        break
      }
      seen.push({height: next.value.result.height, providers: next.value.fresh.map((b) => b.provider)})
      if (next.value.result.groups[0].bids.length === 2) stop.abort()
    }
    const reported = seen.filter((s) => s.providers.length > 0)
    expect(reported.map((s) => s.providers)).toEqual([[P2], [P3]])
    expect(reported[1].height).toBeGreaterThan(reported[0].height)
    expect(last.groups[0].bids.map((b) => b.provider)).toEqual([P3, P2])
  })

  it('gives a bid the score the deploy picker gives it: one scoring, and it measures latency by default (D31)', async () => {
    const h = await harness([
      {owner: P2, usdPerHour: 0.3, latencyMs: 8},
      {owner: P3, usdPerHour: 0.2, latencyMs: 40},
    ])
    try {
      let fromBids: Array<{provider: string; score: number}> = []
      let fromPicker: Array<{provider: string; score: number}> = []
      const {error} = await h.run(
        {select: undefined},
        {
          // At the picker, before the lease: what `edge bids` says about the same open bids.
          choose: async (req) => {
            fromPicker = req.bids.map((b) => ({provider: b.bid.id.provider, score: b.score}))
            const ctx = {network: h.market.network, market: h.market, owner: h.market.owner} as unknown as TenantContext
            const listed = await listBids(ctx, 100n, {probe: Bids.flags.probe.default as boolean, strategy: req.strategy, prober: h.deps.probe})
            fromBids = listed.groups[0].bids.map((b) => ({provider: b.provider, score: b.score}))
            return req.bids[0]
          },
        },
      )
      expect(error).toBeUndefined()
      expect(fromPicker).toHaveLength(2)
      expect(fromBids).toEqual(fromPicker)
      expect(Bids.flags.probe.allowNo).toBe(true)
    } finally {
      await h.cleanup()
    }
  })
})
