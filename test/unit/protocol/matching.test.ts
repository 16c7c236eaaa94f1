import {describe, expect, it} from 'vitest'

import {
  attributesAnyOf,
  attributesProblem,
  attributesSubsetOf,
  capabilityGroups,
  capabilityMap,
  globMatch,
  gpuCapabilityAttributes,
  matchGroup,
  matchGroupFromSpec,
  matchPlacement,
  matchResources,
  storageCapabilityAttributes,
  unmetAttributes,
} from '../../../src/protocol/matching.js'

const a = (key: string, value = 'true') => ({key, value})

describe('globMatch (Go filepath.Match)', () => {
  // Cases from Go's path/filepath match_test.go; "bad" patterns never match.
  const cases: Array<[string, string, boolean]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[\\]a]', ']', true],
    ['[\\-]', '-', true],
    ['[x\\-]', 'x', true],
    ['[x\\-]', 'z', false],
    ['[]a]', ']', false],
    ['[-]', '-', false],
    ['[x-]', 'x', false],
    ['\\', 'a', false],
    ['[a-b-c]', 'a', false],
    ['[', 'a', false],
    ['[^bc', 'a', false],
    ['a[', 'a', false],
    ['*x', 'xxx', true],
    // a bad pattern later in the string spoils an earlier mismatch too
    ['a*b[', 'ab', false],
  ]
  it.each(cases)('%s ~ %s → %s', (pattern, name, want) => {
    expect(globMatch(pattern, name)).toBe(want)
  })

  it('treats attribute keys with "/" as path segments', () => {
    expect(globMatch('capabilities/gpu/vendor/nvidia/model/*', 'capabilities/gpu/vendor/nvidia/model/a100')).toBe(true)
    expect(globMatch('capabilities/gpu/vendor/nvidia/model/*', 'capabilities/gpu/vendor/nvidia/model/a100/ram/80Gi')).toBe(false)
    expect(globMatch('region', 'region')).toBe(true)
    expect(globMatch('reg*', 'region')).toBe(true)
  })
})

describe('attribute sets', () => {
  it('matches keys as globs and values exactly', () => {
    const offered = [a('region', 'us-west'), a('tier', 'community'), a('host', 'akash')]
    expect(attributesSubsetOf([a('region', 'us-west')], offered)).toBe(true)
    expect(attributesSubsetOf([a('reg*', 'us-west')], offered)).toBe(true)
    expect(attributesSubsetOf([a('region', 'us-*')], offered)).toBe(false)
    expect(unmetAttributes([a('region', 'us-east'), a('tier', 'community')], offered)).toEqual([a('region', 'us-east')])
    expect(attributesSubsetOf([], offered)).toBe(true)
    expect(attributesAnyOf([a('region', 'eu'), a('tier', 'community')], offered)).toBe(true)
    expect(attributesAnyOf([], offered)).toBe(false)
  })

  it('validates keys like the chain (wildcards only for requirements)', () => {
    expect(attributesProblem([a('region'), a('capabilities/gpu/vendor/nvidia/model/h100')], false)).toBeUndefined()
    expect(attributesProblem([a('region*')], false)).toBe('invalid_key')
    expect(attributesProblem([a('region*')], true)).toBeUndefined()
    expect(attributesProblem([a('1region')], true)).toBe('invalid_key')
    expect(attributesProblem([a('r')], true)).toBe('invalid_key')
    expect(attributesProblem([a('region'), a('region', 'x')], false)).toBe('duplicate_key')
  })

  it('groups capabilities as node does', () => {
    const attrs = [
      ...storageCapabilityAttributes(1, 'beta2', true),
      ...storageCapabilityAttributes(2, 'ram', false),
      a('capabilities/storage/malformed'),
      a('capabilities/gpu', 'nvidia'),
      ...gpuCapabilityAttributes({vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}),
    ]
    expect(capabilityGroups(attrs, 'storage')).toEqual([
      [a('class', 'beta2'), a('persistent', 'true')],
      [a('class', 'ram'), a('persistent', 'false')],
    ])
    expect(capabilityMap(attrs, 'gpu').map((x) => x.key)).toEqual([
      'vendor/nvidia/model/h100',
      'vendor/nvidia/model/h100/ram/80Gi',
      'vendor/nvidia/model/h100/interface/sxm',
      'vendor/nvidia/model/h100/ram/80Gi/interface/sxm',
    ])
  })
})

describe('placement: attributes and signedBy', () => {
  const own = [a('region', 'us-west'), a('tier', 'community')]
  const auditorA = 'akash1auditora'
  const auditorB = 'akash1auditorb'

  it('without signedBy uses the provider’s own attributes and says what is missing', () => {
    expect(matchPlacement({attributes: [a('region', 'us-west')]}, {attributes: own}).ok).toBe(true)
    const res = matchPlacement({attributes: [a('region', 'eu-central')]}, {attributes: own})
    expect(res.ok).toBe(false)
    expect(res.mismatches[0]).toMatchObject({kind: 'attributes', unmet: [a('region', 'eu-central')]})
    expect(res.mismatches[0].message).toContain('region=eu-central')
  })

  it('allOf needs every auditor to have signed the attributes', () => {
    const audited = [
      {auditor: auditorA, attributes: [a('region', 'us-west')]},
      {auditor: auditorB, attributes: [a('tier', 'community')]},
    ]
    const req = {attributes: [a('region', 'us-west')], signedBy: {allOf: [auditorA]}}
    expect(matchPlacement(req, {attributes: own, audited}).ok).toBe(true)
    const both = {attributes: [a('region', 'us-west')], signedBy: {allOf: [auditorA, auditorB]}}
    const res = matchPlacement(both, {attributes: own, audited})
    expect(res.ok).toBe(false)
    expect(res.mismatches[0]).toMatchObject({kind: 'signed_by', auditors: [auditorB], unmet: [a('region', 'us-west')]})
  })

  it('anyOf needs one auditor; own attributes never count once signedBy is set', () => {
    const audited = [{auditor: auditorB, attributes: [a('region', 'us-west')]}]
    expect(matchPlacement({attributes: [a('region', 'us-west')], signedBy: {anyOf: [auditorA, auditorB]}}, {attributes: own, audited}).ok).toBe(
      true,
    )
    expect(matchPlacement({attributes: [a('region', 'us-west')], signedBy: {anyOf: [auditorA]}}, {attributes: own, audited}).ok).toBe(false)
    const none = matchPlacement({attributes: [], signedBy: {anyOf: [auditorA]}}, {attributes: own})
    expect(none.mismatches[0].message).toBe('provider has no audited attributes')
  })

  it('allOf and anyOf together must both hold', () => {
    const audited = [
      {auditor: auditorA, attributes: [a('region', 'us-west')]},
      {auditor: auditorB, attributes: [a('region', 'us-west')]},
    ]
    const req = {attributes: [a('region', 'us-west')], signedBy: {allOf: [auditorA], anyOf: ['akash1other']}}
    expect(matchPlacement(req, {attributes: own, audited}).ok).toBe(false)
    expect(matchPlacement({...req, signedBy: {allOf: [auditorA], anyOf: [auditorB]}}, {attributes: own, audited}).ok).toBe(true)
  })
})

describe('resources: GPU and storage capabilities', () => {
  const provider = [
    a('capabilities/gpu', 'nvidia'),
    ...gpuCapabilityAttributes({vendor: 'nvidia', model: 'a100', ram: '80Gi', interface: 'sxm'}),
    ...storageCapabilityAttributes(1, 'beta2', true),
  ]
  const gpu = (attributes: Array<{key: string; value: string}>, units = 1n) => ({gpu: {units, attributes}, storage: []})

  it('matches a model, a wildcard model, ram and interface', () => {
    expect(matchResources([gpu([a('vendor/nvidia/model/a100')])], provider).ok).toBe(true)
    expect(matchResources([gpu([a('vendor/nvidia/model/*')])], provider).ok).toBe(true)
    expect(matchResources([gpu([a('vendor/nvidia/model/a100/ram/80Gi')])], provider).ok).toBe(true)
    expect(matchResources([gpu([a('vendor/nvidia/model/a100/interface/sxm')])], provider).ok).toBe(true)
    expect(matchResources([gpu([a('vendor/nvidia/model/a100/ram/40Gi')])], provider).ok).toBe(false)
    expect(matchResources([gpu([a('vendor/nvidia/model/a100/interface/pcie')])], provider).ok).toBe(false)
  })

  it('accepts any one of several requested models and explains a miss', () => {
    expect(matchResources([gpu([a('vendor/nvidia/model/h100'), a('vendor/nvidia/model/a100')])], provider).ok).toBe(true)
    const res = matchResources([gpu([a('vendor/nvidia/model/h100')])], provider)
    expect(res.ok).toBe(false)
    expect(res.mismatches[0].kind).toBe('gpu')
    expect(res.mismatches[0].message).toContain('vendor/nvidia/model/h100')
    expect(matchResources([gpu([a('vendor/nvidia/model/h100')])], []).mismatches[0].message).toContain('no GPU capabilities')
  })

  it('ignores GPU attributes when no GPU is requested and GPUs without attributes', () => {
    expect(matchResources([gpu([a('vendor/nvidia/model/h100')], 0n)], provider).ok).toBe(true)
    expect(matchResources([gpu([], 2n)], []).ok).toBe(true)
  })

  it('needs each persistent volume’s class in one storage group', () => {
    const vol = (attributes: Array<{key: string; value: string}>) => ({gpu: {units: 0n, attributes: []}, storage: [{name: 'data', attributes}]})
    expect(matchResources([vol([a('persistent', 'true'), a('class', 'beta2')])], provider).ok).toBe(true)
    const res = matchResources([vol([a('persistent', 'true'), a('class', 'beta3')])], provider)
    expect(res.ok).toBe(false)
    expect(res.mismatches[0]).toMatchObject({kind: 'storage'})
    expect(res.mismatches[0].message).toContain('volume "data"')
    // ephemeral volumes (no attributes) always fit
    expect(matchResources([vol([])], []).ok).toBe(true)
    // attributes from two different storage groups do not combine
    const mixed = [...storageCapabilityAttributes(1, 'beta2', false), ...storageCapabilityAttributes(2, 'beta3', true)]
    expect(matchResources([vol([a('persistent', 'true'), a('class', 'beta2')])], mixed).ok).toBe(false)
  })
})

describe('matchGroup', () => {
  it('checks placement before capabilities, on the plain market types', () => {
    const spec = {
      name: 'dcloud',
      requirements: {signedBy: {allOf: [], anyOf: []}, attributes: [a('region', 'us-west')]},
      resources: [
        {
          id: 1,
          cpuMillis: 1000n,
          memoryBytes: 1n << 30n,
          storage: [{name: 'default', bytes: 1n << 30n, attributes: []}],
          gpu: {units: 1n, attributes: [a('vendor/nvidia/model/h100')]},
          endpoints: [],
          count: 1,
          price: {denom: 'uact', amount: 10n ** 18n},
        },
      ],
    }
    const group = matchGroupFromSpec(spec)
    expect(matchGroup(group, {attributes: [a('region', 'eu')]}).mismatches[0].kind).toBe('attributes')
    expect(matchGroup(group, {attributes: [a('region', 'us-west')]}).mismatches[0].kind).toBe('gpu')
    expect(
      matchGroup(group, {attributes: [a('region', 'us-west'), ...gpuCapabilityAttributes({vendor: 'nvidia', model: 'h100'})]}).ok,
    ).toBe(true)
  })
})
