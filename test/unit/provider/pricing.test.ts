import {describe, expect, it} from 'vitest'

import {DEFAULT_PRICING, type GpuConfig} from '../../../src/provider/config/provider-config.js'
import {pricingInput, runPriceCommand} from '../../../src/provider/pricing/price-command.js'
import {PriceTable} from '../../../src/provider/pricing/price-table.js'
import {makePricer} from '../../../src/provider/pricing/pricer.js'
import {order, spec, unit} from './fakes.js'

const GIB = 1024n ** 3n
const E18 = 10n ** 18n
const pricing = {...DEFAULT_PRICING, cpuCoreHour: '0.01', memoryGiBHour: '0.005', storageGiBHour: '0.0001', gpuHour: {h100: '2.0', rtx4090: '0.4', default: '0.5'}, endpointHour: '0'}
const h100: GpuConfig = {index: 0, vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}
const r4090: GpuConfig = {index: 1, vendor: 'nvidia', model: 'rtx4090', ram: '24Gi', interface: 'pcie'}

describe('PriceTable', () => {
  it('prices CPU, memory and storage per hour in USD (×10^18), exactly', () => {
    const t = new PriceTable(pricing, 6000)
    const ru = unit({cpuMillis: 2000n, memoryBytes: 4n * GIB, storage: [{name: 'default', bytes: 10n * GIB, attributes: []}], count: 3})
    // (2 × 0.01 + 4 × 0.005 + 10 × 0.0001) × 3 = 0.123 USD/h
    expect(t.unitUsdPerHour(ru)).toBe(123n * 10n ** 15n)
  })

  it('turns USD/h into uact per block with the block time (ACT = 1 USD)', () => {
    const t = new PriceTable(pricing, 6000)
    const q = t.quote(spec({resources: [unit({cpuMillis: 1000n, memoryBytes: 0n, storage: [], count: 1})]}))
    expect(q.ok).toBe(true)
    if (!q.ok) return
    // 0.01 USD/h = 10000 uact/h; 600 blocks/h at 6 s → 16.666… uact/block
    expect(q.usdPerHour).toBe(10n ** 16n)
    expect(q.perBlock).toEqual({denom: 'uact', amount: 16666666666666666667n})
  })

  it('prices GPUs by the model actually given, so a wildcard is not charged the top model', () => {
    const t = new PriceTable(pricing, 1000)
    const ru = unit({cpuMillis: 0n, memoryBytes: 0n, storage: [], gpu: {units: 1n, attributes: [{key: 'vendor/nvidia/model/*', value: 'true'}]}})
    expect(t.unitUsdPerHour(ru, [r4090])).toBe(4n * 10n ** 17n)
    expect(t.unitUsdPerHour(ru, [h100])).toBe(2n * E18)
    expect(t.gpuHour({model: 'a100'})).toBe(5n * 10n ** 17n)
  })

  it('prices persistent storage by class and ram volumes as memory', () => {
    const t = new PriceTable({...pricing, persistentStorageGiBHour: {beta3: '0.001'}}, 1000)
    const ru = unit({
      cpuMillis: 0n,
      memoryBytes: 0n,
      storage: [
        {name: 'data', bytes: 2n * GIB, attributes: [{key: 'class', value: 'beta3'}, {key: 'persistent', value: 'true'}]},
        {name: 'shm', bytes: GIB, attributes: [{key: 'class', value: 'ram'}]},
      ],
    })
    expect(t.unitUsdPerHour(ru)).toBe(2n * 10n ** 15n + 5n * 10n ** 15n)
  })

  it('refuses uakt orders without an AKT price and converts with one', () => {
    const uakt = spec({resources: [unit({cpuMillis: 1000n, memoryBytes: 0n, storage: [], price: {denom: 'uakt', amount: E18}})]})
    expect(new PriceTable(pricing, 3600_000).quote(uakt)).toMatchObject({ok: false, reason: 'denom'})
    const q = new PriceTable({...pricing, aktUsd: '2'}, 3600_000).quote(uakt)
    // one block per hour: 0.01 USD = 0.005 AKT = 5000 uakt
    expect(q).toMatchObject({ok: true, perBlock: {denom: 'uakt', amount: 5000n * E18}})
  })

  it('never quotes zero (the chain refuses a zero price)', () => {
    const free = new PriceTable({...pricing, cpuCoreHour: '0', memoryGiBHour: '0', storageGiBHour: '0'}, 1000)
    expect(free.quote(spec())).toMatchObject({ok: true, perBlock: {amount: 1n}})
  })
})

describe('pricing command (Akash bid-price script protocol)', () => {
  it('builds the script input like provider-services does', () => {
    const input = pricingInput(
      spec({resources: [unit({count: 2, gpu: {units: 1n, attributes: [{key: 'vendor/nvidia/model/h100/ram/80Gi', value: 'true'}]}})]}),
      {1: [h100, h100]},
    ) as {resources: Array<Record<string, unknown>>; price: {denom: string; amount: string}; price_precision: number}
    expect(input.price).toEqual({denom: 'uact', amount: '2000.000000000000000000'})
    expect(input.price_precision).toBe(6)
    expect(input.resources[0]).toMatchObject({
      cpu: 500,
      memory: 512 * 1024 * 1024,
      count: 2,
      endpoint_quantity: 1,
      ip_lease_quantity: 0,
      gpu: {units: 1, attributes: {vendor: {nvidia: {model: 'h100', ram: '80Gi', interface: 'sxm'}}}},
      storage: [{class: 'ephemeral', size: 1024 ** 3}],
    })
  })

  it('runs a real shell command with the order on stdin and reads the price', async () => {
    const script = `node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);console.log(o.resources[0].count*1.5+(process.env.AKASH_DENOM==="uact"?0:1))})'`
    const price = await runPriceCommand(pricingInput(spec({resources: [unit({count: 4})]})), {command: script, timeoutMs: 10_000, owner: 'o', denom: 'uact', blockTimeMs: 1000})
    expect(price).toBe(6n * E18)
  })

  it('reports failures, empty output and garbage as pricing errors', async () => {
    const base = {timeoutMs: 10_000, owner: 'o', denom: 'uact', blockTimeMs: 1000}
    await expect(runPriceCommand({}, {...base, command: 'exit 3'})).rejects.toThrow(/exited with 3/)
    await expect(runPriceCommand({}, {...base, command: 'true'})).rejects.toThrow(/no price/)
    await expect(runPriceCommand({}, {...base, command: 'echo cheap'})).rejects.toThrow(/not a decimal/)
    await expect(runPriceCommand({}, {...base, command: 'echo 0'})).rejects.toThrow(/zero/)
  })

  it('makePricer uses the command when configured', async () => {
    const {pricer} = makePricer({...pricing, command: 'x'}, 1000, async (_c, input, env) => {
      expect(JSON.parse(input).resources).toHaveLength(1)
      expect(env.AKASH_OWNER).toBe(order(1).id.owner)
      return '42.5\n'
    })
    expect(await pricer(order(1), {})).toEqual({ok: true, amount: 425n * 10n ** 17n, denom: 'uact'})
  })
})
