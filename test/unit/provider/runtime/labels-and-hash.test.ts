import {describe, expect, it} from 'vitest'

import {
  leaseFromLabels,
  leaseHash,
  leaseKey,
  leaseLabelFilters,
  leaseLabels,
  matchesLabelFilters,
  safeName,
} from '../../../../src/provider/runtime/labels.js'
import {canonicalJson, serviceSpecHash} from '../../../../src/provider/runtime/spec-hash.js'
import {lease, service} from './fixtures.js'

describe('lease labels', () => {
  it('round-trips a lease through its labels and rejects foreign ones', () => {
    expect(leaseFromLabels(leaseLabels(lease))).toEqual(lease)
    expect(leaseFromLabels({'com.docker.compose.project': 'x'})).toBeUndefined()
    expect(leaseFromLabels({...leaseLabels(lease), 'akash.network/lease.id.gseq': 'x'})).toBeUndefined()
  })

  it('checks label filters as an AND, whatever the engine did', () => {
    const filters = leaseLabelFilters(lease)
    expect(matchesLabelFilters(leaseLabels(lease), filters)).toBe(true)
    expect(matchesLabelFilters(leaseLabels({...lease, dseq: '9'}), filters)).toBe(false)
    expect(matchesLabelFilters(undefined, filters)).toBe(false)
  })

  it('makes stable, distinct, engine-safe names', () => {
    expect(leaseHash(lease)).toBe(leaseHash({...lease}))
    expect(leaseHash(lease)).not.toBe(leaseHash({...lease, oseq: 3}))
    expect(leaseKey(lease)).toBe('akash1owner/1234/1/2/akash1provider')
    expect(safeName('-web/app')).toBe('web-app')
  })
})

describe('service spec hash', () => {
  it('ignores key order, number-vs-string values and the replica count', () => {
    const a = service({name: 'web', count: 1})
    const b = {...service({name: 'web', count: 5}), resources: {memory: {size: {val: 134217728}}, cpu: {units: {val: 500}}, storage: [{name: 'default', size: {val: 536870912}}]}}
    expect(serviceSpecHash(a)).toBe(serviceSpecHash(b))
  })

  it('changes when what runs changes', () => {
    const a = service({name: 'web'})
    expect(serviceSpecHash({...a, image: 'busybox:1.37'})).not.toBe(serviceSpecHash(a))
    expect(serviceSpecHash({...a, env: ['A=2']})).not.toBe(serviceSpecHash(a))
  })

  it('writes canonical JSON', () => {
    expect(canonicalJson({b: 1, a: [{d: null, c: 'x'}], u: undefined})).toBe('{"a":[{"c":"x","d":null}],"b":1}')
  })
})
