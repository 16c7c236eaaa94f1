import {describe, expect, it} from 'vitest'

import type {Lease} from '../../../src/market/market.js'
import {deadlineText, formatWindow, reclamationNotice, reclamationView} from '../../../src/services/lease/reclamation.js'

const id = {owner: 'akash1owner', dseq: 7n, gseq: 1, oseq: 1, provider: 'akash1prov', bseq: 0}
const base: Lease = {id, state: 'active', price: {denom: 'uact', amount: 10n ** 18n}, createdAt: 10, closedOn: 0}
const NOW = Date.parse('2026-12-07T14:00:00Z')

describe('a tenant’s view of reclamation', () => {
  it('is absent for a lease without reclamation, and "not started" before the provider starts it', () => {
    expect(reclamationView(base, NOW)).toBeUndefined()
    const view = reclamationView({...base, reclamation: {windowSeconds: 3600}}, NOW)!
    expect(view).toEqual({windowSeconds: 3600, started: false})
    expect(deadlineText(view)).toBe('not started')
  })

  it('gives the deadline, the time left and the reason of a reclaiming lease', () => {
    const deadline = new Date(NOW + 250_000)
    const lease: Lease = {...base, state: 'reclaiming', reclamation: {windowSeconds: 3600, startedAt: 40, deadline, reason: 'decommission'}}
    const view = reclamationView(lease, NOW)!
    expect(view).toEqual({windowSeconds: 3600, started: true, startedAtHeight: 40, deadline: deadline.toISOString(), deadlineLeftMs: 250_000, reason: 'decommission'})
    expect(reclamationNotice(view)).toBe(
      'the provider is reclaiming its resources (decommission) and may close the lease from 2026-12-07 14:04:10 UTC (in 4m)',
    )
    const late = reclamationView(lease, NOW + 260_000)!
    expect(reclamationNotice(late)).toBe(
      'the provider is reclaiming its resources (decommission) and may close the lease at any moment: its deadline was 2026-12-07 14:04:10 UTC (10s ago)',
    )
  })

  it('writes windows the way SDLs do', () => {
    expect([5, 90, 600, 1800, 3600, 2592000, 1.5].map(formatWindow)).toEqual(['5s', '90s', '10m', '30m', '1h', '720h', '1.5s'])
  })
})
