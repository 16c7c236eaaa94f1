import {describe, expect, it} from 'vitest'

import {providerAttributes} from '../../../src/provider/attributes.js'
import {decideBid, evaluateOrder, type Pricer} from '../../../src/provider/bidding/decide.js'
import {resourcesOffer} from '../../../src/provider/bidding/offer.js'
import {Capacity, gpuMatches} from '../../../src/provider/capacity/capacity.js'
import {demandOf} from '../../../src/provider/capacity/demand.js'
import {type CapacityConfig, DEFAULT_PRICING, type GpuConfig} from '../../../src/provider/config/provider-config.js'
import {makePricer} from '../../../src/provider/pricing/pricer.js'
import {OTHER, PROVIDER, order, spec, unit} from './fakes.js'

const GIB = 1024n ** 3n
const h100: GpuConfig = {index: 0, vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}
const r4090: GpuConfig = {index: 1, vendor: 'nvidia', model: 'rtx4090', ram: '24Gi', interface: 'pcie'}

function capacityConfig(partial: Partial<CapacityConfig> = {}): CapacityConfig {
  return {
    cpuMillis: 4000,
    memoryBytes: (8n * GIB).toString(),
    storageBytes: (100n * GIB).toString(),
    gpus: [h100, r4090],
    storageClasses: [{class: 'beta2', persistent: true, bytes: (50n * GIB).toString()}],
    ...partial,
  }
}

const config = {attributes: {region: 'us-west', organization: 'edge'}, capacity: capacityConfig()}
const attributes = providerAttributes(config)
const {pricer, table} = makePricer({...DEFAULT_PRICING, gpuHour: {h100: '2', rtx4090: '0.4', default: '1'}}, 1000)

function decide(o = order(1), opts: {capacity?: Capacity; pricer?: Pricer; audited?: Array<{owner: string; auditor: string; attributes: Array<{key: string; value: string}>}>} = {}) {
  const capacity = opts.capacity ?? new Capacity(config.capacity, (g) => table.gpuHour(g))
  return decideBid(o, {
    provider: {address: PROVIDER, attributes, audited: opts.audited ?? []},
    capacity,
    pricer: opts.pricer ?? pricer,
    key: `${o.id.owner}/${o.id.dseq}/1/1`,
  })
}

describe('provider attributes (Akash conventions)', () => {
  it('lists host, tier, operator attributes, cpu/memory, every GPU key depth and storage classes', () => {
    const keys = Object.fromEntries(attributes.map((a) => [a.key, a.value]))
    expect(keys).toMatchObject({
      host: 'akash',
      tier: 'community',
      region: 'us-west',
      'capabilities/memory': 'true',
      'capabilities/gpu': 'nvidia',
      'capabilities/gpu/vendor/nvidia/model/h100': 'true',
      'capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi': 'true',
      'capabilities/gpu/vendor/nvidia/model/h100/interface/sxm': 'true',
      'capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi/interface/sxm': 'true',
      'capabilities/gpu/vendor/nvidia/model/rtx4090/ram/24Gi': 'true',
      'capabilities/storage/0/class': 'beta2',
      'capabilities/storage/0/persistent': 'true',
    })
    expect(keys['capabilities/cpu']).toBeTruthy()
  })
})

describe('bid decisions', () => {
  it('bids on an order it can serve, priced from the table, holding the resources', async () => {
    const capacity = new Capacity(config.capacity)
    const d = await decide(order(1), {capacity})
    expect(d.action).toBe('bid')
    if (d.action !== 'bid') return
    expect(d.price.denom).toBe('uact')
    expect(d.price.amount).toBeGreaterThan(0n)
    expect(capacity.reserved().cpuMillis).toBe(500n)
  })

  it('skips its own deployments (the chain refuses provider == owner)', async () => {
    expect(await decide(order(1, {}, PROVIDER))).toMatchObject({action: 'skip', reason: 'own_order'})
  })

  it('matches placement attributes with the chain glob rules', async () => {
    const want = (attrs: Array<{key: string; value: string}>) => order(1, {spec: spec({requirements: {signedBy: {allOf: [], anyOf: []}, attributes: attrs}})})
    expect((await decide(want([{key: 'region', value: 'us-west'}]))).action).toBe('bid')
    expect((await decide(want([{key: 'reg*', value: 'us-west'}]))).action).toBe('bid')
    const miss = await decide(want([{key: 'region', value: 'eu-central'}]))
    expect(miss).toMatchObject({action: 'skip', reason: 'attributes'})
    if (miss.action === 'skip') expect(miss.message).toContain('region=eu-central')
  })

  it('checks signedBy against audit records', async () => {
    const auditor = OTHER
    const o = order(1, {spec: spec({requirements: {signedBy: {allOf: [auditor], anyOf: []}, attributes: [{key: 'region', value: 'us-west'}]}})})
    expect(await decide(o)).toMatchObject({action: 'skip', reason: 'signed_by'})
    const audited = [{owner: PROVIDER, auditor, attributes: [{key: 'region', value: 'us-west'}]}]
    expect((await decide(o, {audited})).action).toBe('bid')
  })

  it('matches GPU model, VRAM and interface, and allocates the cheapest fitting card for a wildcard', async () => {
    const gpu = (attrs: string[], units = 1n) => order(1, {spec: spec({resources: [unit({gpu: {units, attributes: attrs.map((key) => ({key, value: 'true'}))}})]})})
    const any = await decide(gpu(['vendor/nvidia/model/*']))
    expect(any.action).toBe('bid')
    if (any.action === 'bid') {
      expect(any.gpusByUnit[1].map((g) => g.model)).toEqual(['rtx4090'])
      const offer = resourcesOffer(any.order.spec, any.gpusByUnit) as Array<{resources: {gpu: {attributes: Array<{key: string}>}}}>
      expect(offer[0].resources.gpu.attributes[0].key).toBe('vendor/nvidia/model/rtx4090/ram/24Gi/interface/pcie')
    }
    const ok = await decide(gpu(['vendor/nvidia/model/h100/ram/80Gi']))
    expect(ok.action).toBe('bid')
    if (ok.action === 'bid') expect(ok.gpusByUnit[1][0].index).toBe(0)
    expect(await decide(gpu(['vendor/nvidia/model/h100/ram/40Gi']))).toMatchObject({action: 'skip', reason: 'gpu'})
    expect(await decide(gpu(['vendor/nvidia/model/a100']))).toMatchObject({action: 'skip', reason: 'gpu'})
    expect(await decide(gpu(['vendor/nvidia/model/*'], 3n))).toMatchObject({action: 'skip', reason: 'capacity'})
  })

  it('matches storage class and persistence', async () => {
    const vol = (cls: string) =>
      order(1, {
        spec: spec({
          resources: [
            unit({storage: [{name: 'data', bytes: GIB, attributes: [{key: 'class', value: cls}, {key: 'persistent', value: 'true'}]}]}),
          ],
        }),
      })
    expect((await decide(vol('beta2'))).action).toBe('bid')
    expect(await decide(vol('beta3'))).toMatchObject({action: 'skip', reason: 'storage'})
  })

  it('skips leased IPs, which it does not offer', async () => {
    const o = order(1, {spec: spec({resources: [unit({endpoints: [{kind: 'leased_ip', sequenceNumber: 1}]})]})})
    expect(await decide(o)).toMatchObject({action: 'skip', reason: 'leased_ip'})
  })

  it('counts what open bids and leases hold: the second order that does not fit is skipped', async () => {
    const capacity = new Capacity(config.capacity)
    const big = (dseq: number) => order(dseq, {spec: spec({resources: [unit({cpuMillis: 3000n})]})})
    expect((await decide(big(1), {capacity})).action).toBe('bid')
    const second = await decide(big(2), {capacity})
    expect(second).toMatchObject({action: 'skip', reason: 'capacity'})
    if (second.action === 'skip') expect(second.message).toMatch(/needs 3 CPU, 1 free/)
    capacity.release(`${big(1).id.owner}/1/1/1`)
    expect((await decide(big(2), {capacity})).action).toBe('bid')
  })

  it('skips orders whose maximum price is below its price, releasing the hold', async () => {
    const capacity = new Capacity(config.capacity)
    const cheap = order(1, {spec: spec({resources: [unit({price: {denom: 'uact', amount: 1n}})]})})
    const d = await decide(cheap, {capacity})
    expect(d).toMatchObject({action: 'skip', reason: 'price'})
    expect(capacity.reserved().cpuMillis).toBe(0n)
  })

  it('reports a failing pricing command as the reason', async () => {
    const failing: Pricer = async () => ({ok: false, reason: 'pricing_error', message: 'pricing command exited with 1'})
    expect(await decide(order(1), {pricer: failing})).toMatchObject({action: 'skip', reason: 'pricing_error', message: 'pricing command exited with 1'})
  })
})

describe('capacity accounting', () => {
  it('holds CPU, memory, storage and GPUs per key, and frees them', () => {
    const c = new Capacity(capacityConfig())
    const d = demandOf(spec({resources: [unit({count: 2, gpu: {units: 1n, attributes: []}})]}))
    const r = c.reserve('a', d)
    expect(r.ok).toBe(true)
    expect(c.available()).toMatchObject({cpuMillis: 3000n, memoryBytes: 7n * GIB, ephemeralBytes: 98n * GIB, gpus: 0})
    expect(c.fit(demandOf(spec({resources: [unit({gpu: {units: 1n, attributes: []}})]})))).toMatchObject({ok: false, shortfall: 'gpu'})
    c.release('a')
    expect(c.available().gpus).toBe(2)
  })

  it('counts ram volumes as memory and persistent volumes per class', () => {
    const d = demandOf(
      spec({
        resources: [
          unit({
            memoryBytes: GIB,
            storage: [
              {name: 'shm', bytes: GIB, attributes: [{key: 'class', value: 'ram'}]},
              {name: 'data', bytes: 5n * GIB, attributes: [{key: 'class', value: 'beta2'}, {key: 'persistent', value: 'true'}]},
            ],
          }),
        ],
      }),
    )
    expect(d.memoryBytes).toBe(2n * GIB)
    expect(d.persistentBytes.get('beta2')).toBe(5n * GIB)
    expect(d.ephemeralBytes).toBe(0n)
  })

  it('gpuMatches follows the attribute depth rules', () => {
    expect(gpuMatches(h100, [{key: 'vendor/nvidia/model/h100/interface/sxm', value: 'true'}])).toBe(true)
    expect(gpuMatches(h100, [{key: 'vendor/nvidia/model/h100/interface/pcie', value: 'true'}])).toBe(false)
    expect(gpuMatches(r4090, [{key: 'vendor/nvidia/model/*', value: 'true'}])).toBe(true)
  })
})

describe('reclamation terms (AEP-82)', () => {
  const reclaimable = (minWindowSeconds: number) => ({...order(7), reclamation: {minWindowSeconds}})
  const withTerms = (o: ReturnType<typeof reclaimable>, config: {accept: boolean; windowS?: number; maxWindowS?: number}, chain = {minSeconds: 5, maxSeconds: 3600}) =>
    evaluateOrder(o, {provider: {address: PROVIDER, attributes, audited: []}, capacity: new Capacity(config_.capacity), pricer, reclamation: {config, chain}})
  const config_ = config

  it('offers the order minimum raised to the provider window; no window for orders without reclamation', async () => {
    expect(await withTerms(reclaimable(60), {accept: true})).toMatchObject({action: 'bid', reclamationWindowSeconds: 60})
    expect(await withTerms(reclaimable(60), {accept: true, windowS: 600})).toMatchObject({action: 'bid', reclamationWindowSeconds: 600})
    const plain = await evaluateOrder(order(8), {provider: {address: PROVIDER, attributes, audited: []}, capacity: new Capacity(config.capacity), pricer, reclamation: {config: {accept: true, windowS: 600}}})
    expect(plain).toMatchObject({action: 'bid'})
    expect(plain).not.toHaveProperty('reclamationWindowSeconds')
  })

  it('refuses, saying what to change: not accepted, more notice than offered, above the chain maximum', async () => {
    expect(await withTerms(reclaimable(60), {accept: false})).toMatchObject({action: 'skip', reason: 'reclamation', message: expect.stringMatching(/does not take reclaimable orders/)})
    expect(await withTerms(reclaimable(7200), {accept: true, maxWindowS: 3600}, {minSeconds: 5, maxSeconds: 100_000})).toMatchObject({
      reason: 'reclamation',
      message: expect.stringMatching(/at most 1h/),
    })
    expect(await withTerms(reclaimable(60), {accept: true, windowS: 7200})).toMatchObject({reason: 'reclamation', message: expect.stringMatching(/chain's maximum 1h/)})
  })

  it('evaluating holds no capacity; deciding does', async () => {
    const capacity = new Capacity(config.capacity)
    await evaluateOrder(order(9), {provider: {address: PROVIDER, attributes, audited: []}, capacity, pricer})
    expect(capacity.has(`${order(9).id.owner}/9/1/1`)).toBe(false)
    await decideBid(order(9), {provider: {address: PROVIDER, attributes, audited: []}, capacity, pricer, key: 'k'})
    expect(capacity.has('k')).toBe(true)
  })
})
