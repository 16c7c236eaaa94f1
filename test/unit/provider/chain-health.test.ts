import {describe, expect, it} from 'vitest'

import {ChainHealth} from '../../../src/provider/chain/chain-health.js'
import type {ProviderEventInput} from '../../../src/provider/events.js'

function rig() {
  const events: ProviderEventInput[] = []
  const clock = {now: 0}
  return {events, clock, health: new ChainHealth({emit: (e) => events.push(e)}, () => clock.now)}
}

describe('ChainHealth (D38)', () => {
  it('warns once when the chain stops answering, then says it is back on the next block', () => {
    const {events, clock, health} = rig()
    health.answered(10)
    expect(events).toEqual([])
    clock.now = 1000
    health.failed(new Error('connect ECONNREFUSED'))
    clock.now = 3000
    health.failed(new Error('connect ECONNREFUSED'))
    expect(health.failedTries).toBe(2)
    expect(events).toEqual([{type: 'warning', message: 'the chain is not answering (connect ECONNREFUSED); leases keep running, retrying'}])
    clock.now = 9000
    health.answered(11)
    expect(events.at(-1)).toEqual({type: 'chain.recovered', height: 11, downMs: 8000})
    expect(health.failedTries).toBe(0)
    health.answered(12)
    expect(events).toHaveLength(2)
  })

  it('repeats the warning every 30th failed try of a long outage', () => {
    const {events, health} = rig()
    for (let i = 0; i < 60; i++) health.failed(new Error('timeout'))
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(3)
  })
})
