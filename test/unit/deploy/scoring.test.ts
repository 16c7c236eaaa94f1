import {describe, expect, it} from 'vitest'

import type {Bid} from '../../../src/market/market.js'
import {applyFilters, hardwareMatch, regionMatches} from '../../../src/services/deploy/candidates.js'
import {type BidCandidate, explain, scoreBids, whyLost} from '../../../src/services/deploy/scoring.js'

const E18 = 10n ** 18n
function candidate(provider: string, usdPerHour: number, latency?: number, extra: Partial<BidCandidate> = {}): BidCandidate {
  const perHour = BigInt(Math.round(usdPerHour * 1e6)) * E18
  const bid: Bid = {id: {owner: 'o', dseq: 1n, gseq: 1, oseq: 1, provider, bseq: 0}, state: 'open', price: {denom: 'uact', amount: perHour / 3600n}, createdAt: 1, resourcesOffer: []}
  return {
    bid,
    perHour,
    usdPerHour: BigInt(Math.round(usdPerHour * 1e6)) * 10n ** 12n,
    ...(latency !== undefined ? {latency: {hostUri: `https://${provider}`, p50Ms: latency, samples: 3, failures: 0}} : {}),
    auditors: [],
    hardware: 'n/a',
    gpus: [],
    ...extra,
  }
}

describe('bid scoring', () => {
  const bids = [candidate('cheap', 0.1, 100), candidate('fast', 0.4, 10), candidate('mid', 0.2, 20, {auditors: ['akash1aud']})]

  it('cheapest ranks by price alone', () => {
    const scored = scoreBids(bids, 'cheapest')
    expect(scored.map((s) => s.bid.id.provider)).toEqual(['cheap', 'mid', 'fast'])
    expect(scored[0].score).toBe(100)
    expect(scored[1].score).toBe(50)
    expect(scored[2].score).toBe(25)
  })

  it('fastest ranks by measured latency alone', () => {
    expect(scoreBids(bids, 'fastest').map((s) => s.bid.id.provider)).toEqual(['fast', 'mid', 'cheap'])
  })

  it('balanced weighs price 0.5, latency 0.3, audit 0.1, hardware 0.1', () => {
    const scored = scoreBids(bids, 'balanced')
    const mid = scored.find((s) => s.bid.id.provider === 'mid')!
    // price 0.1/0.2 = 0.5 → 25; latency 10/20 = 0.5 → 15; audited → 10; no GPU → 10
    expect(mid.terms.map((t) => t.points)).toEqual([25, 15, 10, 10])
    expect(mid.score).toBe(60)
    const cheap = scored.find((s) => s.bid.id.provider === 'cheap')!
    expect(cheap.score).toBe(50 + 3 + 0 + 10)
    expect(scored[0].bid.id.provider).toBe('cheap')
  })

  it('gives no latency points to an unmeasured provider', () => {
    const scored = scoreBids([candidate('a', 0.1), candidate('b', 0.1, 30)], 'fastest')
    expect(scored.map((s) => [s.bid.id.provider, s.score])).toEqual([
      ['b', 100],
      ['a', 0],
    ])
    expect(scored[1].terms[1].detail).toBe('unmeasured')
  })

  it('breaks ties on price, then latency, then address', () => {
    const scored = scoreBids([candidate('z', 0.1, 10), candidate('y', 0.1, 10), candidate('x', 0.1, 5)], 'cheapest')
    expect(scored.map((s) => s.bid.id.provider)).toEqual(['x', 'y', 'z'])
  })

  it('explains why the winner won and why each other bid lost', () => {
    const scored = scoreBids(bids, 'balanced')
    const e = explain(scored, 'balanced')!
    expect(e.winner.provider).toBe('cheap')
    expect(e.others.find((o) => o.provider === 'fast')!.why).toBe('37.5 points behind on price: $0.40/h (4.00× the lowest) vs $0.10/h (lowest)')
    expect(whyLost(scored[0], scored[0])).toMatch(/tied on score/)
  })

  it('drops GPU mismatches and half-credits offers that do not name their GPU', () => {
    const scored = scoreBids([candidate('m', 0.1, 10, {hardware: 'mismatch'}), candidate('u', 0.1, 10, {hardware: 'unverified'})], 'balanced')
    expect(scored.map((s) => s.bid.id.provider)).toEqual(['u'])
    expect(scored[0].terms[3]).toMatchObject({value: 0.5, points: 5})
  })
})

describe('bid filters', () => {
  it('excludes bids above --max-price and outside --region, with the reason', () => {
    const {kept, excluded} = applyFilters(
      [candidate('a', 0.5, 10, {region: 'us-west-1'}), candidate('b', 0.1, 10, {region: 'eu'}), candidate('c', 0.1, 10, {region: 'US-WEST'})],
      {maxUsdPerHour: 2n * 10n ** 17n, region: 'us-west'},
    )
    expect(kept.map((k) => k.bid.id.provider)).toEqual(['c'])
    expect(excluded).toEqual([
      {provider: 'a', reason: 'price', detail: 'asks $0.50/h, above --max-price $0.20/h'},
      {provider: 'b', reason: 'region', detail: 'is in region eu, not us-west'},
    ])
  })

  it('matches regions by prefix and glob', () => {
    expect(regionMatches('us-west-1', 'us-west')).toBe(true)
    expect(regionMatches('us-westish', 'us-west')).toBe(false)
    expect(regionMatches('eu-central-2', 'eu-*')).toBe(true)
    expect(regionMatches(undefined, 'eu')).toBe(false)
  })

  it('compares the offered GPU with the requested model', () => {
    const spec = {
      name: 'g',
      requirements: {signedBy: {allOf: [], anyOf: []}, attributes: []},
      resources: [
        {id: 1, cpuMillis: 1000n, memoryBytes: 1n, storage: [], gpu: {units: 1n, attributes: [{key: 'vendor/nvidia/model/h100', value: 'true'}]}, endpoints: [], count: 1, price: {denom: 'uact', amount: 1n}},
      ],
    }
    const bid = (keys: string[]): Bid => ({
      id: {owner: 'o', dseq: 1n, gseq: 1, oseq: 1, provider: 'p', bseq: 0},
      state: 'open',
      price: {denom: 'uact', amount: 1n},
      createdAt: 1,
      resourcesOffer: [{count: 1, resources: {...spec.resources[0], gpu: {units: 1n, attributes: keys.map((key) => ({key, value: 'true'}))}}}],
    })
    expect(hardwareMatch(spec, bid(['vendor/nvidia/model/h100']))).toEqual({hardware: 'match', gpus: ['h100']})
    expect(hardwareMatch(spec, bid(['vendor/nvidia/model/a100']))).toEqual({hardware: 'mismatch', gpus: ['a100']})
    expect(hardwareMatch(spec, bid([]))).toEqual({hardware: 'unverified', gpus: []})
    expect(hardwareMatch({...spec, resources: []}, bid([]))).toEqual({hardware: 'n/a', gpus: []})
  })
})
