import {describe, expect, it} from 'vitest'

import {count} from '../../../src/lib/plural.js'

describe('count', () => {
  it('says "1 bid" and "2 bids", never "bid(s)"', () => {
    expect(count(1, 'bid')).toBe('1 bid')
    expect(count(2, 'bid')).toBe('2 bids')
    expect(count(0, 'local provider')).toBe('0 local providers')
    expect(count(1n, 'lease')).toBe('1 lease')
    expect(count(3, 'replica', 'replicas')).toBe('3 replicas')
  })
})
