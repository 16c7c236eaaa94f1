import {describe, expect, it} from 'vitest'

import {claimFromResources, parseGpuAttributeKey, resourcesFromManifest} from '../../../../src/verify/probe/index.js'

const attr = (key: string, value = 'true') => ({key, value})
const unit = (gpuAttributes: Array<{key: string; value: string}>, units = 1n) => ({
  cpuMillis: 4000n,
  memoryBytes: 16n << 30n,
  storage: [
    {name: 'default', bytes: 10n << 30n, attributes: []},
    {name: 'data', bytes: 100n << 30n, attributes: [attr('persistent'), attr('class', 'beta3')]},
  ],
  gpu: {units, attributes: gpuAttributes},
})

describe('what the lease pays for', () => {
  it('splits storage into the root file system and persistent volumes with their mounts', () => {
    const claim = claimFromResources(unit([], 0n), {mounts: {data: '/data'}})
    expect(claim).toEqual({cpuMillis: 4000, memoryBytes: 16n << 30n, ephemeralBytes: 10n << 30n, volumes: [{name: 'data', bytes: 100n << 30n, mount: '/data'}], gpu: {units: 0, accept: []}})
  })

  it('reads GPU attribute keys at every depth', () => {
    expect(parseGpuAttributeKey('vendor/nvidia/model/h100/ram/80Gi/interface/sxm')).toEqual({vendor: 'nvidia', model: 'h100', ramGiB: 80, interface: 'sxm'})
    expect(parseGpuAttributeKey('vendor/nvidia/model/*')).toEqual({vendor: 'nvidia', model: '*'})
    expect(parseGpuAttributeKey('vendor/nvidia/model/a100/interface/pcie')).toEqual({vendor: 'nvidia', model: 'a100', interface: 'pcie'})
    expect(parseGpuAttributeKey('region')).toBeUndefined()
  })

  it('narrows an order for any model to what the provider advertised (the price was for that)', () => {
    const provider = [
      attr('capabilities/gpu', 'nvidia'),
      attr('capabilities/gpu/vendor/nvidia/model/h100'),
      attr('capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi'),
      attr('capabilities/gpu/vendor/nvidia/model/h100/interface/sxm'),
      attr('capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi/interface/sxm'),
      attr('capabilities/cpu', 'amd'),
    ]
    const claim = claimFromResources(unit([attr('vendor/nvidia/model/*')]), {providerAttributes: provider})
    expect(claim.gpu).toEqual({units: 1, accept: [{vendor: 'nvidia', model: 'h100', ramGiB: 80, interface: 'sxm'}]})
    expect(claim.cpuVendor).toBe('amd')
  })

  it('keeps what the order asked when the provider advertised nothing more specific, and any of several models', () => {
    const claim = claimFromResources(unit([attr('vendor/nvidia/model/a100/ram/40Gi'), attr('vendor/nvidia/model/h100')]))
    expect(claim.gpu.accept).toEqual([
      {vendor: 'nvidia', model: 'a100', ramGiB: 40},
      {vendor: 'nvidia', model: 'h100'},
    ])
  })

  it('accepts any NVIDIA GPU when neither the order nor the provider names one', () => {
    expect(claimFromResources(unit([attr('vendor/nvidia/model/*')])).gpu.accept).toEqual([])
  })

  it('reads a manifest service the same way', () => {
    const resources = resourcesFromManifest({
      cpu: {units: {val: '500'}},
      memory: {size: {val: '536870912'}},
      storage: [{name: 'default', size: {val: '1073741824'}}],
      gpu: {units: {val: '0'}},
    })
    expect(claimFromResources(resources)).toEqual({cpuMillis: 500, memoryBytes: 512n << 20n, ephemeralBytes: 1n << 30n, volumes: [], gpu: {units: 0, accept: []}})
  })
})
