import {describe, expect, it} from 'vitest'

import type {Deployment, ResourceUnit} from '../../../../src/market/market.js'
import {confidentialGpus, serviceClaims} from '../../../../src/services/verify/claims.js'

const unit = (id: number, cpuMillis: bigint, memoryBytes: bigint, gpu = 0n): ResourceUnit => ({
  id,
  cpuMillis,
  memoryBytes,
  storage: [{name: 'default', bytes: 1n << 30n, attributes: []}, {name: 'data', bytes: 10n << 30n, attributes: [{key: 'persistent', value: 'true'}]}],
  gpu: {units: gpu, attributes: gpu ? [{key: 'vendor/nvidia/model/h100', value: 'true'}] : []},
  endpoints: [],
  count: 1,
  price: {denom: 'uact', amount: 1n},
})

const deployment = (attributes: Array<{key: string; value: string}> = []): Deployment => ({
  id: {owner: 'akash1x', dseq: 5n},
  state: 'active',
  hash: new Uint8Array(32),
  createdAt: 10,
  groups: [{id: {owner: 'akash1x', dseq: 5n, gseq: 1}, state: 'open', createdAt: 10, spec: {name: 'dcloud', requirements: {signedBy: {allOf: [], anyOf: []}, attributes}, resources: [unit(1, 500n, 256n << 20n), unit(2, 4000n, 16n << 30n, 1n)]}}],
})

/** What a provider answers `GET …/manifest` with; its resources claim more than the order. */
const manifest = [
  {
    name: 'dcloud',
    services: [
      {name: 'web', image: 'nginx:1.27', count: 2, resources: {id: 1, cpu: {units: {val: '9000'}}, memory: {size: {val: '1'}}}},
      {name: 'train', image: 'ghcr.io/x/train@sha256:' + 'a'.repeat(64), count: 1, resources: {id: 2, cpu: {units: {val: '4000'}}, memory: {size: {val: '17179869184'}}}, params: {storage: [{name: 'data', mount: '/data', readOnly: false}]}},
      {name: 'odd', image: 'busybox', count: 1, resources: {id: 9, cpu: {units: {val: '100'}}, memory: {size: {val: '67108864'}}, gpu: {units: {val: '0'}}}},
    ],
  },
]

describe('what each service pays for', () => {
  it('takes resources from the order on chain (by resource id), not from the provider’s manifest', () => {
    const claims = serviceClaims(deployment(), 1, manifest, [{key: 'capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi', value: 'true'}])
    const web = claims.find((c) => c.service === 'web')!
    expect(web).toMatchObject({source: 'chain', replicas: 2, teeRequested: false})
    expect(web.claim).toMatchObject({cpuMillis: 500, memoryBytes: 256n << 20n})
    const train = claims.find((c) => c.service === 'train')!
    expect(train.claim.gpu).toEqual({units: 1, accept: [{vendor: 'nvidia', model: 'h100', ramGiB: 80}]})
    expect(train.claim.volumes).toEqual([{name: 'data', bytes: 10n << 30n, mount: '/data'}])
  })

  it('falls back to the manifest (and says so) when no unit of the order matches, and sees TEE orders', () => {
    const claims = serviceClaims(deployment([{key: 'tee/type', value: 'cpu'}]), 1, manifest, [])
    const odd = claims.find((c) => c.service === 'odd')!
    expect(odd).toMatchObject({source: 'manifest', teeRequested: true})
    expect(odd.claim.cpuMillis).toBe(100)
  })

  it('expects GPU evidence in the quote only for confidential GPUs (tee/type cpu-gpu), for every replica', () => {
    expect(confidentialGpus(serviceClaims(deployment(), 1, manifest, []))).toBeUndefined()
    expect(confidentialGpus(serviceClaims(deployment([{key: 'tee/type', value: 'cpu'}]), 1, manifest, []))).toBeUndefined()
    const cc = serviceClaims(deployment([{key: 'tee/type', value: 'cpu-gpu'}]), 1, manifest, [])
    expect(cc.find((c) => c.service === 'train')).toMatchObject({teeRequested: true, teeGpu: true})
    expect(confidentialGpus(cc)).toBe(1)
  })
})
