import {describe, expect, it} from 'vitest'

import type {Lease} from '../../../src/market/market.js'
import {reclaimingEvents, watchReclamation} from '../../../src/services/lease/reclaim-watch.js'

const lease = (state: Lease['state'], deadline?: Date): Lease => ({
  id: {owner: 'akash1owner', dseq: 7n, gseq: 1, oseq: 1, provider: 'akash1prov', bseq: 0},
  state,
  price: {denom: 'uact', amount: 10n ** 18n},
  createdAt: 5,
  closedOn: 0,
  ...(deadline ? {reclamation: {windowSeconds: 60, startedAt: 9, deadline, reason: 'decommission'}} : {reclamation: {windowSeconds: 60}}),
})

describe('lease_reclaiming events', () => {
  it('one typed event per reclaiming lease, with reason, deadline and a sentence', () => {
    const deadline = new Date(1_000_000)
    const [e, ...rest] = reclaimingEvents([lease('reclaiming', deadline), lease('active')], 940_000)
    expect(rest).toEqual([])
    expect(e).toMatchObject({type: 'lease_reclaiming', provider: 'akash1prov', dseq: '7', gseq: 1, oseq: 1, reason: 'decommission', deadline: deadline.toISOString()})
    expect(e.message).toMatch(/reclaiming its resources \(decommission\) and may close the lease from .* \(in 1m\)/)
  })

  it('the watcher says each reclamation once, when the lease turns reclaiming', async () => {
    const leases = [lease('active')]
    const seen: string[] = []
    const stop = new AbortController()
    let polls = 0
    const market = {
      leases: async () => {
        if (++polls === 2) leases[0] = lease('reclaiming', new Date(2_000_000))
        if (polls === 4) stop.abort()
        return leases
      },
    }
    await watchReclamation(market, 'akash1owner', 7n, {blockTimeMs: 1, signal: stop.signal, notify: (e) => seen.push(e.deadline), now: () => 1_000_000})
    expect(seen).toEqual([new Date(2_000_000).toISOString()])
  })
})
