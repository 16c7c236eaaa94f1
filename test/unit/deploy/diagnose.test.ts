import {describe, expect, it} from 'vitest'

import type {GroupSpec, ProviderInfo} from '../../../src/market/market.js'
import {capacityShortfall, diagnoseNoBids, freeCapacityOf, orderNeeds} from '../../../src/services/deploy/diagnose.js'

const spec = (attributes: Array<{key: string; value: string}>, extra: Partial<GroupSpec> = {}, gpu: string[] = []): GroupSpec => ({
  name: 'dcloud',
  requirements: {signedBy: {allOf: [], anyOf: []}, attributes},
  resources: [
    {
      id: 1,
      cpuMillis: 100n,
      memoryBytes: 1n,
      storage: [],
      gpu: {units: gpu.length ? 1n : 0n, attributes: gpu.map((m) => ({key: `vendor/nvidia/model/${m}`, value: 'true'}))},
      endpoints: [],
      count: 1,
      price: {denom: 'uact', amount: 1n},
    },
  ],
  ...extra,
})
const provider = (owner: string, attrs: Record<string, string>): ProviderInfo => ({owner, hostUri: `https://${owner}:8443`, attributes: Object.entries(attrs).map(([key, value]) => ({key, value}))})

describe('why no bids', () => {
  it('counts providers per excluding constraint and suggests the relaxation that gains most', () => {
    const providers = [
      provider('p1', {region: 'us'}),
      provider('p2', {region: 'us'}),
      provider('p3', {region: 'eu', 'capabilities/gpu/vendor/nvidia/model/a100': 'true'}),
      provider('p4', {region: 'eu', 'capabilities/gpu/vendor/nvidia/model/h100': 'true'}),
    ]
    const d = diagnoseNoBids({specs: [spec([{key: 'region', value: 'eu'}], {}, ['h100'])], providers, audits: new Map(), bidders: new Set(), excluded: []})
    expect(d.matched).toBe(1)
    expect(d.constraints).toEqual([
      {constraint: 'placement attribute region=eu', kind: 'attributes', providers: 2},
      {constraint: 'GPU nvidia/model/h100', kind: 'gpu', providers: 1},
      {constraint: 'no bid from matching providers', kind: 'silent', providers: 1},
    ])
    // Dropping the region alone brings in nobody: p1 and p2 have no GPU.
    expect(d.relax.map((r) => [r.change, r.gain])).toEqual([
      ['accept any GPU model (drop `model:` from the GPU attributes)', 1],
      ['raise the SDL price or wait longer with --bid-timeout', 1],
    ])
    expect(d.summary).toBe('4 providers on chain, 1 matches the order, 0 bid. Placement attribute region=eu excluded 2 of 4; GPU nvidia/model/h100 excluded 1 of 4; no bid from matching providers excluded 1 of 4.')
  })

  it('names the auditors a signedBy requirement waits for', () => {
    const d = diagnoseNoBids({
      specs: [spec([], {requirements: {signedBy: {allOf: [], anyOf: ['akash1aud']}, attributes: []}})],
      providers: [provider('p1', {})],
      audits: new Map(),
      bidders: new Set(),
      excluded: [],
    })
    expect(d.constraints[0]).toMatchObject({kind: 'signed_by', constraint: 'signedBy akash1aud', providers: 1})
    expect(d.relax[0]).toEqual({change: 'remove signedBy (accept unaudited providers)', gain: 1})
  })

  it('reports bids the client-side filters dropped', () => {
    const d = diagnoseNoBids({
      specs: [spec([])],
      providers: [provider('p1', {}), provider('p2', {})],
      audits: new Map(),
      bidders: new Set(['p1', 'p2']),
      excluded: [
        {provider: 'p1', reason: 'price', detail: 'asks $0.50/h, above --max-price $0.10/h'},
        {provider: 'p2', reason: 'price', detail: 'asks $0.30/h, above --max-price $0.10/h'},
      ],
      maxUsdPerHour: 10n ** 17n,
    })
    expect(d.constraints).toEqual([{constraint: 'your --max-price', kind: 'price_cap', providers: 2}])
    expect(d.relax[0].change).toBe('raise --max-price ($0.30/h is the lowest ask)')
  })

  it('says so when the network has no providers', () => {
    expect(diagnoseNoBids({specs: [spec([])], providers: [], audits: new Map(), bidders: new Set(), excluded: []}).summary).toBe('There are no providers on this network.')
  })

  it('names capacity when the matching providers are too small: "needs 100 CPU; the largest provider has 2 CPU free"', () => {
    const big = spec([], {resources: [{...spec([]).resources[0]!, cpuMillis: 100_000n, memoryBytes: 2n ** 30n}]})
    const providers = [provider('p1', {}), provider('p2', {})]
    const d = diagnoseNoBids({
      specs: [big],
      providers,
      audits: new Map(),
      bidders: new Set(),
      excluded: [],
      capacity: [
        {provider: 'p1', cpuMillis: 2000n, memoryBytes: 8n * 2n ** 30n, storageBytes: 10n ** 10n, gpus: 0n},
        {provider: 'p2', cpuMillis: 1500n, memoryBytes: 8n * 2n ** 30n, storageBytes: 10n ** 10n, gpus: 0n},
      ],
    })
    expect(d.verdicts.map((v) => v.outcome)).toEqual(['no_capacity', 'no_capacity'])
    expect(d.verdicts[0]!.detail).toMatch(/needs 100 CPU; it has 2 CPU free/)
    expect(d.constraints).toContainEqual({constraint: 'free capacity', kind: 'capacity', providers: 2})
    expect(d.relax[0]!.change).toBe("ask for less in the SDL's resources (the order needs 100 CPU; the largest provider has 2 CPU free)")
    expect(d.summary).toMatch(/No matching provider has the capacity: the order needs 100 CPU; the largest provider has 2 CPU free\./)
    expect(d.relax.some((r) => /bid-timeout/.test(r.change))).toBe(false)
  })

  it('reads free resources from an Akash provider status, and counts what an order needs in all', () => {
    const status = {cluster: {inventory: {available: {nodes: [{name: 'a', available: {cpu: 1500, gpu: 1, memory: 1024, storage_ephemeral: 2048}}, {name: 'b', available: {cpu: 500, gpu: 0, memory: 1024, storage_ephemeral: 0}}]}}}}
    expect(freeCapacityOf('p', status)).toEqual({provider: 'p', cpuMillis: 2000n, memoryBytes: 2048n, storageBytes: 2048n, gpus: 1n})
    expect(freeCapacityOf('p', {cluster: {}})).toBeUndefined()
    const two = spec([], {resources: [{...spec([]).resources[0]!, cpuMillis: 250n, count: 4, storage: [{name: 'default', bytes: 100n, attributes: []}, {name: 'data', bytes: 999n, attributes: [{key: 'persistent', value: 'true'}]}]}]})
    expect(orderNeeds([two])).toEqual({cpuMillis: 1000n, memoryBytes: 4n, storageBytes: 400n, gpus: 0n})
    expect(capacityShortfall({cpuMillis: 1000n, memoryBytes: 3n * 2n ** 30n, storageBytes: 0n, gpus: 1n}, [{provider: 'p', cpuMillis: 4000n, memoryBytes: 2n ** 30n, storageBytes: 0n, gpus: 0n}])).toEqual([
      'needs 3Gi memory; the largest provider has 1Gi memory free',
      'needs 1 GPU; the largest provider has 0 GPUs free',
    ])
  })
})
