import {GroupSpec} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {describe, expect, it} from 'vitest'

import {
  depositDenom,
  groupPrices,
  groupSpecs,
  groupTotals,
  loadSdlOrThrow,
  renderManifest,
  totalPricePerBlock,
  unitPrices,
} from '../../../src/sdl/index.js'
import {BASE, variant} from '../../helpers/sdl-text.js'

const TWO_SERVICES = `version: "2.1"
services:
  web:
    image: nginx:1.27
    params:
      storage:
        data:
          mount: /data
    expose:
      - port: 80
        as: 80
        to:
          - global: true
  api:
    image: ghcr.io/acme/api:3.2
    params:
      storage:
        data:
          mount: /var/lib/api
    expose:
      - port: 8080
        to:
          - global: true
profiles:
  compute:
    small:
      resources:
        cpu:
          units: 250m
        memory:
          size: 256Mi
        storage:
          - size: 1Gi
          - name: data
            size: 5Gi
            attributes:
              class: beta2
              persistent: true
  placement:
    west:
      attributes:
        region: us-west
      signedBy:
        anyOf:
          - akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63
      pricing:
        small:
          denom: uact
          amount: 1.5
deployment:
  web:
    west:
      profile: small
      count: 2
  api:
    west:
      profile: small
      count: 1
`

describe('group specs', () => {
  it('2.1 merges services that share a profile into one resource unit; 2.0 does not', () => {
    const v21 = loadSdlOrThrow(TWO_SERVICES)
    const v20 = loadSdlOrThrow(TWO_SERVICES.replace('"2.1"', '"2.0"'))
    expect(groupSpecs(v21)[0].resources).toHaveLength(1)
    expect(groupSpecs(v21)[0].resources[0].count).toBe(3)
    expect(groupSpecs(v20)[0].resources.map((r) => r.count)).toEqual([1, 2]) // services in name order: api, web
    // Every service's endpoints end up on the merged unit: web's ingress and api's random port.
    expect(groupSpecs(v21)[0].resources[0].resource.endpoints).toEqual([
      {kind: 1, sequenceNumber: 0},
      {kind: 0, sequenceNumber: 0},
    ])
    // Both services point at that unit in the manifest.
    expect(renderManifest(v21)[0].services.map((s) => s.resources.id)).toEqual([1, 1])
  })

  it("is what chain-sdk's GroupSpec codec takes, and survives an encode/decode round trip", () => {
    const [spec] = groupSpecs(loadSdlOrThrow(TWO_SERVICES))
    const wire = GroupSpec.encode(GroupSpec.fromPartial(spec)).finish()
    // ResourceValue.val is `bytes` holding the decimal string, as the node's sdk.Int writes it.
    expect(Buffer.from(wire).includes(String(256 * 1024 * 1024))).toBe(true)
    const decoded = GroupSpec.decode(wire)
    expect(decoded.name).toBe('west')
    expect(decoded.requirements?.attributes).toEqual([{key: 'region', value: 'us-west'}])
    expect(decoded.requirements?.signedBy?.anyOf).toEqual(['akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63'])
    const unit = decoded.resources[0]
    expect(unit.resource!.cpu!.units!.val).toBe(250n)
    expect(unit.resource!.memory!.quantity!.val).toBe(256n * 1024n * 1024n)
    expect(unit.resource!.storage.map((s) => s.name)).toEqual(['default', 'data'])
    expect(unit.resource!.storage[1].attributes).toEqual([
      {key: 'class', value: 'beta2'},
      {key: 'persistent', value: 'true'},
    ])
    // chain-sdk's DecCoin codec writes 18 decimals on the wire and reads them back.
    expect(unit.price).toEqual({denom: 'uact', amount: '1.5'})
    expect(Buffer.from(wire).toString('latin1')).toContain('1500000000000000000')
  })

  it('also gives the wire amount for codecs that do not scale', () => {
    expect(groupSpecs(loadSdlOrThrow(TWO_SERVICES), {amount: 'wire'})[0].resources[0].price).toEqual({denom: 'uact', amount: '1500000000000000000'})
  })
})

describe('helpers for the deploy flow', () => {
  it('totals per group: per-replica resources × count', () => {
    const [totals] = groupTotals(loadSdlOrThrow(TWO_SERVICES))
    expect(totals).toMatchObject({group: 'west', services: ['api', 'web'], replicas: 3, cpuMillis: 750, gpus: 0})
    expect(totals.memoryBytes).toBe(3n * 256n * 1024n ** 2n)
    expect(totals.storageBytes).toBe(3n * 6n * 1024n ** 3n)
    expect(totals.persistentStorageBytes).toBe(3n * 5n * 1024n ** 3n)
  })

  it('price per block per group: Σ unit price × count, as a 10^18-scaled bigint', () => {
    const sdl = loadSdlOrThrow(TWO_SERVICES)
    expect(groupPrices(sdl)).toEqual([{group: 'west', denom: 'uact', perBlock: 4_500_000_000_000_000_000n, perBlockDecimal: '4.5'}])
    expect(totalPricePerBlock(sdl)).toMatchObject({denom: 'uact', amount: '4.5', legacy: '4.500000000000000000', wire: '4500000000000000000'})
    expect(unitPrices(sdl)).toEqual([
      {group: 'west', profile: 'small', services: ['api', 'web'], count: 3, price: expect.objectContaining({amount: '1.5'})},
    ])
  })

  it('the deposit denom is the pricing denom', () => {
    expect(depositDenom(loadSdlOrThrow(BASE))).toBe('uact')
    expect(depositDenom(loadSdlOrThrow(variant('denom: uact', 'denom: uakt')))).toBe('uakt')
  })

  it('GPU totals list the requested models', () => {
    const gpu = variant(
      '        storage:\n          size: 1Gi',
      '        gpu:\n          units: 2\n          attributes:\n            vendor:\n              nvidia:\n                - model: h100\n                  ram: 80Gi\n                  interface: sxm\n                - model: a100\n        storage:\n          size: 1Gi',
    )
    const [totals] = groupTotals(loadSdlOrThrow(gpu))
    expect(totals.gpus).toBe(2)
    expect(totals.gpuModels).toEqual(['vendor/nvidia/model/a100', 'vendor/nvidia/model/h100/ram/80Gi/interface/sxm'])
  })
})
