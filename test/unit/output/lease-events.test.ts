import {describe, expect, it} from 'vitest'

import type {LeaseEvent} from '../../../src/services/lease/streams.js'
import {formatAge, leaseEventJson, leaseEventLine} from '../../../src/ui/sinks/lease-events.js'

const event = (time: string | null): LeaseEvent => ({
  type: 'Warning',
  reason: 'BackOff',
  note: 'web exited with code 3',
  object: {kind: 'Pod', name: 'web-0'},
  provider: 'akash1p',
  time,
})

describe('lease events carry their time (ux-test D25)', () => {
  const now = Date.parse('2026-12-07T14:00:00Z')

  it('shows how long ago each event happened in text, "-" when the provider does not say', () => {
    expect(leaseEventLine(event('2026-12-07T13:55:00Z'), now)).toBe('  5m ago Warning  BackOff          Pod/web-0: web exited with code 3')
    expect(leaseEventLine(event(null), now)).toMatch(/^       - Warning/)
  })

  it('formats ages compactly', () => {
    expect([formatAge(-500), formatAge(42_000), formatAge(3_600_000), formatAge(7_500_000), formatAge(180_000_000)]).toEqual(['0s', '42s', '1h', '2h5m', '2d2h'])
  })

  it('gives JSONL the time the event happened as its ts, and keeps it as `time`', () => {
    expect(leaseEventJson(event('2026-12-07T13:55:00.000Z'))).toMatchObject({type: 'lease_event', eventType: 'Warning', ts: '2026-12-07T13:55:00.000Z', time: '2026-12-07T13:55:00.000Z'})
    const unknown = leaseEventJson(event(null))
    expect(unknown.time).toBeNull()
    expect(Date.parse(unknown.ts)).not.toBeNaN()
  })
})
