import {describe, expect, it} from 'vitest'

import {agreement, agreementCheck} from '../../../../src/verify/redundant/index.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

describe('k-of-n agreement of output hashes', () => {
  it('is unanimous when every provider returns the same hash (prefix and case aside)', () => {
    const r = agreement([
      {provider: 'p1', hash: A},
      {provider: 'p2', hash: `sha256:${A.toUpperCase()}`},
      {provider: 'p3', hash: A},
    ])
    expect(r).toMatchObject({n: 3, k: 2, status: 'unanimous', majority: A, agreeing: ['p1', 'p2', 'p3'], disagreeing: [], missing: []})
    expect(agreementCheck(r)).toMatchObject({status: 'pass', reason: 'all 3 providers returned sha256:aaaaaaaaaaaa…'})
  })

  it('names the provider that disagrees when 2 of 3 agree', () => {
    const r = agreement([
      {provider: 'p1', hash: A},
      {provider: 'p2', hash: B},
      {provider: 'p3', hash: A},
    ])
    expect(r).toMatchObject({status: 'quorum', majority: A, agreeing: ['p1', 'p3'], disagreeing: [{provider: 'p2', hash: B}]})
    expect(agreementCheck(r)).toMatchObject({status: 'warn', reason: '2 of 3 providers agree on sha256:aaaaaaaaaaaa… (2 needed); p2 returned sha256:bbbbbbbbbbbb…'})
  })

  it('has no quorum when the required k do not agree, and says who returned what', () => {
    const r = agreement(
      [
        {provider: 'p1', hash: A},
        {provider: 'p2', hash: B},
        {provider: 'p3', hash: A},
      ],
      {k: 3},
    )
    expect(r.status).toBe('no-quorum')
    expect(r.majority).toBeUndefined()
    expect(agreementCheck(r)).toMatchObject({status: 'fail', reason: expect.stringMatching(/^no 3 of 3 providers agree \(at most 2 agree\)/)})
  })

  it('has no majority in a tie; everyone is listed as disagreeing', () => {
    const r = agreement([
      {provider: 'p1', hash: A},
      {provider: 'p2', hash: B},
    ])
    expect(r).toMatchObject({n: 2, k: 2, status: 'no-quorum', agreeing: []})
    expect(r.disagreeing.map((d) => d.provider).sort()).toEqual(['p1', 'p2'])
  })

  it('counts a provider without output as not agreeing, and a provider listed twice once', () => {
    const r = agreement([
      {provider: 'p1', hash: A},
      {provider: 'p1', hash: B},
      {provider: 'p2', error: 'the job exited 1'},
      {provider: 'p3', hash: C},
    ])
    expect(r).toMatchObject({n: 3, k: 2, status: 'no-quorum', missing: [{provider: 'p2', error: 'the job exited 1'}]})
    expect(agreementCheck(r).reason).toMatch(/p2 returned nothing \(the job exited 1\)/)
  })

  it('accepts 1-of-1 and reports nothing run as a skip', () => {
    expect(agreement([{provider: 'p1', hash: A}]).status).toBe('unanimous')
    expect(agreementCheck(agreement([])).status).toBe('skip')
  })
})
