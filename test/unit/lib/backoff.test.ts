import {describe, expect, it} from 'vitest'

import {RECONNECT_BACKOFF, backoffDelay} from '../../../src/lib/backoff.js'
import {RESTART_POLICY, restartDelayMs} from '../../../src/provider/runtime/supervision.js'

describe('backoff', () => {
  it('doubles from the first delay up to the cap, and never overflows', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(RECONNECT_BACKOFF, n))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000])
    expect(backoffDelay(RECONNECT_BACKOFF, 10_000)).toBe(5000)
    expect(backoffDelay(RECONNECT_BACKOFF, -1)).toBe(250)
  })

  it('is the formula the runtimes restart crashed replicas by', () => {
    expect(restartDelayMs(3)).toBe(backoffDelay(RESTART_POLICY, 3))
  })
})
