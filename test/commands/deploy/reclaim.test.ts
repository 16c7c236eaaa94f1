/**
 * A lease going into reclamation (AEP-82), as the tenant sees it: `edge deploy` asks for the SDL's
 * window, a provider bids with one and later starts reclaiming, and `edge ls` / `edge status` /
 * `edge events` show the lease `reclaiming` with its deadline and reason, in text and JSON(L).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type TestChain, startChain} from './chain.js'

let chain: TestChain
let sdl: string

beforeAll(async () => {
  chain = await startChain()
  // Reclaims with 30 s of notice; the tenant asks for at least 10 s.
  await chain.addProvider({usdPerHour: 0.3, region: 'us-west', reclamationWindowSeconds: 30})
  sdl = join(chain.dir, 'reclaimable.yaml')
  writeFileSync(sdl, `${readFileSync('templates/hello/deploy.yaml', 'utf8')}\nreclamation:\n  min_window: 10s\n`)
}, 120_000)

afterAll(async () => {
  await chain?.stop()
})

describe('a reclaiming lease in edge ls and edge status', () => {
  it('deploys with the SDL window, then shows the provider reclaiming with deadline and reason', async () => {
    const {json, error} = await chain.edge('deploy', sdl, '--select', 'cheapest', '--json')
    expect(error).toBeUndefined()
    const dseq = BigInt(json.result.dseq)
    const provider = chain.providers[0]
    const market = await chain.tenantMarket()
    try {
      expect((await market.deployment({owner: chain.tenant.address, dseq}))?.reclamation).toEqual({minWindowSeconds: 10})
      const [lease] = await market.leases({owner: chain.tenant.address, dseq})
      expect(lease.reclamation).toEqual({windowSeconds: 30})

      // Not started yet: the lease is active and says how much notice it has.
      const before = await chain.edge('status', String(dseq), '--json')
      expect(before.json.result.leases[0]).toMatchObject({state: 'active', reclamation: {windowSeconds: 30, started: false}})

      await provider.market.tx!.leaseStartReclaim(lease.id, 'decommission')
      const deadline = (await market.lease(lease.id))!.reclamation!.deadline!

      const ls = await chain.edge('ls', '--json')
      const row = ls.json.result.find((r: {dseq: string}) => r.dseq === String(dseq))
      expect(row).toMatchObject({
        state: 'active',
        lease: 'reclaiming',
        provider: provider.address,
        reclamation: {windowSeconds: 30, started: true, deadline: deadline.toISOString(), reason: 'decommission'},
      })
      expect(row.reclamation.deadlineLeftMs).toBeLessThanOrEqual(30_000)
      expect(row.flags).toContain('reclaiming')
      // A reclaiming lease still runs and bills: its price and escrow are shown.
      expect(row.usdPerHour).toBe('$0.30')

      const text = await chain.edge('ls')
      expect(text.stdout).toMatch(new RegExp(`${dseq}\\s+reclaiming`))
      const when = deadline.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
      expect(text.stdout).toContain(`! ${dseq}: the provider is reclaiming its resources (decommission) and may close the lease`)
      expect(text.stdout).toContain(when)

      const status = await chain.edge('status', String(dseq), '--json')
      expect(status.json.result.leases[0]).toMatchObject({
        state: 'reclaiming',
        reclamation: {windowSeconds: 30, started: true, deadline: deadline.toISOString(), reason: 'decommission'},
      })
      // The provider is still asked for the lease's status while it runs.
      expect(status.json.result.services).toEqual([{name: 'web', ready: 1, total: 1, uris: [expect.any(String)]}])
      const statusText = await chain.edge('status', String(dseq))
      expect(statusText.stdout).toMatch(/Lease 1\/1 with akash1\w+ \(us-west\): reclaiming/)
      expect(statusText.stdout).toContain('! the provider is reclaiming its resources (decommission)')
      expect(statusText.stdout).toMatch(new RegExp(`reclamation:\\s+30s notice, decommission, deadline ${when}`))

      // `edge events` says it first: a typed JSONL event, or a warning line over the events.
      const jsonl = await chain.edge('events', String(dseq), '--output', 'jsonl')
      const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l))
      expect(lines[0]).toMatchObject({type: 'lease_reclaiming', dseq: String(dseq), provider: provider.address, reason: 'decommission', deadline: deadline.toISOString()})
      const eventsText = await chain.edge('events', String(dseq))
      expect(eventsText.stderr).toContain('the provider is reclaiming its resources (decommission)')
    } finally {
      await market.close()
    }
    // The tenant may still close it before the deadline.
    const closed = await chain.edge('close', String(dseq), '--json')
    expect(closed.json.result.closed[0]).toMatchObject({outcome: 'closed'})
  })
})
