/**
 * The 2026 market features end to end, through the real binary on `edge dev` with two local
 * `edge provide` nodes (us-west and eu-central):
 *  - bid screening (AEP-67) read by a tenant that uses only chain-sdk and HTTPS, and by
 *    `edge deploy --dry-run` / `--screen`: a provider that would bid, one per refusal reason, one
 *    that is down; `--screen` with nobody willing exits 3 and creates nothing;
 *  - reclamation (AEP-82): `edge provide reclaim`; the tenant (`edge status`, `edge deploy --follow`)
 *    and `edge provide status` see the deadline; the provider closes the lease and tears it down within two blocks of the deadline,
 *    also when it was restarted (kill -9) before it, and a deadline that passes while the provider
 *    is killed is closed as soon as it is back.
 * Figures (screening time, blocks from deadline to close) are printed for bench/, not asserted on time.
 */
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'

import {type SDLInput, createProviderSDK, generateManifest, yaml as parseYaml} from '@akashnetwork/chain-sdk'
import {BidScreeningRequest, BidScreeningResponse} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYamlFile} from 'yaml'

import {spawnEdge} from '../../helpers/run-edge.js'
import {type DevMarket, startDevMarket} from './dev-market.js'

let market: DevMarket
let dir: string
let rpc: string
const local: Record<string, {name: string; address: string; hostUri: string; dir: string}> = {}

const SDL = (o: {region?: string; cpu?: string; amount?: number; gpu?: boolean; storageClass?: string; signedBy?: string; window?: string} = {}) => `
version: "2.0"
services:
  web:
    image: busybox:1.36
    command: ["sh", "-c", "echo started; sleep 100000"]
    expose:
      - port: 8080
        as: 80
        to:
          - global: true${o.storageClass ? `\n    params:\n      storage:\n        data:\n          mount: /data` : ''}
profiles:
  compute:
    web:
      resources:
        cpu:
          units: ${o.cpu ?? '0.1'}
        memory:
          size: 64Mi
        storage:${o.storageClass ? `\n          - size: 128Mi\n          - name: data\n            size: 1Gi\n            attributes:\n              persistent: true\n              class: ${o.storageClass}` : '\n          size: 128Mi'}${o.gpu ? `\n        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: a100` : ''}
  placement:
    dc:
      attributes:
        region: ${o.region ?? 'us-west'}${o.signedBy ? `\n      signedBy:\n        anyOf:\n          - ${o.signedBy}` : ''}
      pricing:
        web:
          denom: uact
          amount: ${o.amount ?? 1000}
deployment:
  web:
    dc:
      profile: web
      count: 1
${o.window ? `reclamation:\n  min_window: ${o.window}\n` : ''}`

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function post(url: string, body: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {method: 'POST', rejectUnauthorized: false, headers: {'content-type': 'application/json'}}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: text}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A block's time (ms); a height not reached yet is waited for. */
async function blockTime(height: number): Promise<number> {
  return waitFor(`block ${height}`, async () => {
    const r = await fetch(`${rpc}/block?height=${height}`)
    const time = ((await r.json()) as {result?: {block?: {header?: {time?: string}}}}).result?.block?.header?.time
    return time ? Date.parse(time) : undefined
  })
}

/** The first height whose block time is at or after `at` (ms). */
async function firstBlockAtOrAfter(at: number, from: number, to: number): Promise<number> {
  for (let h = from; h <= to; h++) if ((await blockTime(h)) >= at) return h
  return to + 1
}

/** JSONL events of a provider's log file (local providers log there). */
function logEvents(p: {dir: string}): Array<Record<string, any>> {
  return readFileSync(join(p.dir, 'provider.log'), 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l)]
      } catch {
        return []
      }
    })
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  market = await startDevMarket(2, '1s')
  dir = join(market.home.root, 'sdl')
  const {mkdirSync} = await import('node:fs')
  mkdirSync(dir, {recursive: true})
  const providersDir = join(market.home.env.EDGE_DATA_DIR, 'provider')
  for (const name of readdirSync(providersDir)) {
    const config = parseYamlFile(readFileSync(join(providersDir, name, 'provider.yaml'), 'utf8'))
    local[config.attributes.region] = {name, address: config.address, hostUri: config.hostUri, dir: join(providersDir, name)}
  }
  const status = await market.edge(['dev', 'status', '--json'])
  rpc = status.json.result.endpoints.rpc
}, 300_000)

afterAll(async () => {
  await market?.stop()
}, 120_000)

describe('bid screening (AEP-67)', () => {
  it('a tenant with only chain-sdk and HTTPS gets an answer for a group the provider can serve and one it cannot, with the reason', async () => {
    const west = local['us-west']
    const groups = (text: string) => {
      const g = generateManifest(parseYaml.raw<SDLInput>(text))
      if (!g.ok) throw new Error(JSON.stringify(g.value))
      return g.value.groupSpecs
    }
    const grpcUrl = logEvents(west).findLast((e) => e.type === 'provider.started')!.grpcUrl as string
    const sdk = createProviderSDK({baseUrl: grpcUrl})
    const yes = await sdk.akash.provider.v1.bidScreening({groupSpec: groups(SDL())[0], hostnames: []})
    expect(yes).toMatchObject({passed: true, reasons: [], price: {denom: 'uact'}})
    expect(yes.resourceOffers).toHaveLength(1)
    const no = await sdk.akash.provider.v1.bidScreening({groupSpec: groups(SDL({cpu: '64'}))[0], hostnames: []})
    expect(no.passed).toBe(false)
    expect(no.reasons).toEqual([expect.stringMatching(/^capacity: .*needs 64 CPU/)])

    // Plain HTTPS, the REST form of the same RPC.
    const rest = await post(`${west.hostUri}/v1/bid-screening`, JSON.stringify(BidScreeningRequest.toJSON({groupSpec: groups(SDL({region: 'eu-central'}))[0] as never, hostnames: []})))
    expect(rest.status).toBe(200)
    const answer = BidScreeningResponse.fromJSON(JSON.parse(rest.body))
    expect(answer.passed).toBe(false)
    expect(answer.reasons).toEqual([expect.stringMatching(/^placement: provider does not have region=eu-central/)])
  })

  it('edge deploy --dry-run screens every provider: who would bid at what USD/h, and each refusal reason', async () => {
    const dry = async (name: string, text: string) => {
      const r = await market.edge(['deploy', write(name, text), '--dry-run', '--json'])
      expect(r.exitCode, r.stdout + r.stderr).toBe(0)
      return r.json.result.screening as {providers: Array<{owner: string; verdict: string; reasons: string[]; price?: {usdPerHour?: string}; latencyMs: number}>; willing: number}
    }
    const byOwner = (s: Awaited<ReturnType<typeof dry>>, region: string) => s.providers.find((p) => p.owner === local[region].address)!
    const ok = await dry('ok.yaml', SDL())
    expect(ok.willing).toBe(1)
    expect(byOwner(ok, 'us-west')).toMatchObject({verdict: 'bid', price: {usdPerHour: expect.stringMatching(/^\$/)}})
    expect(byOwner(ok, 'eu-central')).toMatchObject({verdict: 'no-bid', reasons: [expect.stringMatching(/^placement: /)]})

    const reasons: Record<string, RegExp> = {}
    const cases: Array<[string, string, RegExp]> = [
      ['cpu.yaml', SDL({cpu: '64'}), /^capacity: /],
      ['gpu.yaml', SDL({gpu: true}), /^(GPU|placement): /],
      ['price.yaml', SDL({amount: 0.01}), /^price: .*raise the SDL's pricing/],
      ['audit.yaml', SDL({signedBy: 'akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63'}), /^audit: /],
      ['storage.yaml', SDL({storageClass: 'beta3'}), /^(storage|capacity): /],
    ]
    for (const [name, text, want] of cases) {
      const s = await dry(name, text)
      const west = byOwner(s, 'us-west')
      expect(west.verdict, name).toBe('no-bid')
      expect(west.reasons[0], name).toMatch(want)
      reasons[name] = want
    }
  })

  it('a provider that is down is reported unreachable; --screen with nobody willing exits 3 and creates nothing', async () => {
    const eu = local['eu-central']
    const pid = Number(readFileSync(join(eu.dir, 'provider.pid'), 'utf8').trim())
    process.kill(pid, 'SIGKILL')
    await sleep(500)
    const before = (await market.edge(['ls', '--json'])).json.result.length
    const started = Date.now()
    const r = await market.edge(['deploy', write('nobody.yaml', SDL({region: 'mars'})), '--screen', '--select', 'cheapest', '--json'])
    const ms = Date.now() - started
    expect(r.exitCode, r.stdout + r.stderr).toBe(3)
    expect(r.json.error.code).toBe('no_willing_provider')
    const screening = r.json.error.details.screening
    expect(screening.providers.find((p: {owner: string}) => p.owner === eu.address)).toMatchObject({verdict: 'unreachable'})
    expect(screening.providers.find((p: {owner: string}) => p.owner === local['us-west'].address)).toMatchObject({verdict: 'no-bid'})
    expect((await market.edge(['ls', '--json'])).json.result.length).toBe(before)
    console.log(`[bench] edge deploy --screen, nobody willing (one provider down): exit 3 after ${ms} ms (process start included); screening ${screening.elapsedMs} ms`)
  })
})

describe('reclamation (AEP-82) with edge provide', () => {
  /** `edge provide start` for a local provider, its JSONL events read from stdout. */
  function startProvider(name: string) {
    const child = spawnEdge(['provide', 'start', '--name', name, '--network', 'local', '--output', 'jsonl'], {home: market.home, env: {EDGE_DOCKER_SOCKET: market.podman.socketPath}, buffer: false, detached: true})
    let out = ''
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
    child.catch(() => {})
    const events = () =>
      out.split('\n').flatMap((l): Array<Record<string, any>> => {
        try {
          return [JSON.parse(l)]
        } catch {
          return []
        }
      })
    return {child, events}
  }

  it('closes within two blocks of the deadline: running, restarted (kill -9) before it, and killed across it', async () => {
    const west = local['us-west']
    const deploy = async (name: string, window: string) => {
      const r = await market.edge(['deploy', write(name, SDL({window})), '--select', west.address, '--json'], {timeout: 240_000})
      expect(r.exitCode, r.stdout + r.stderr).toBe(0)
      return r.json.result.dseq as string
    }
    // A closes while the provider runs; C after a kill -9 and restart before its deadline; B's
    // deadline passes while the provider is down.
    const a = await deploy('reclaim-a.yaml', '10s')
    // C is deployed with --follow: the tenant's stream says when the provider starts reclaiming it.
    const follow = spawnEdge(['deploy', write('reclaim-c.yaml', SDL({window: '45s'})), '--select', west.address, '--follow', '--output', 'jsonl'], {home: market.home, buffer: false})
    let followed = ''
    follow.stdout!.on('data', (chunk: Buffer) => (followed += chunk.toString('utf8')))
    const followEvents = () =>
      followed.split('\n').flatMap((l): Array<Record<string, any>> => {
        try {
          return [JSON.parse(l)]
        } catch {
          return []
        }
      })
    await waitFor('C deployed and following its logs', () => followEvents().find((e) => e.type === 'log'), 240_000)
    const c = String(followEvents().find((e) => e.type === 'deployment_created')!.dseq)
    const b = await deploy('reclaim-b.yaml', '90s')
    const owner = (await market.edge(['wallet', 'show', '--json'])).json.result.address as string
    const reclaim = async (dseq: string, reason: string) => {
      const r = await market.edge(['provide', 'reclaim', `${owner}/${dseq}/1/1`, '--name', west.name, '--reason', reason, '--json'])
      expect(r.exitCode, r.stdout + r.stderr).toBe(0)
      return r.json.result as {deadline: string; height: number; reason: string; note?: string}
    }
    const ra = await reclaim(a, 'decommission')
    const rc = await reclaim(c, 'unstable')
    const rb = await reclaim(b, 'GPU wanted back for maintenance')
    expect(rb).toMatchObject({reason: 'unspecified', note: 'GPU wanted back for maintenance'})
    // `edge deploy --follow --output jsonl` emits the typed event as it happens.
    try {
      const seen = await waitFor('lease_reclaiming in the deploy --follow stream', () => followEvents().find((e) => e.type === 'lease_reclaiming'))
      expect(seen).toMatchObject({dseq: c, provider: west.address, reason: 'unstable', deadline: rc.deadline})
    } finally {
      follow.kill('SIGINT')
      await follow.catch(() => {})
    }

    // The tenant sees the deadline before it passes.
    const status = await market.edge(['status', a, '--json'])
    expect(status.json.result.leases[0]).toMatchObject({state: 'reclaiming', reclamation: {started: true, deadline: ra.deadline, reason: 'decommission'}})
    expect(status.json.result.leases[0].reclamation.deadlineLeftMs).toBeGreaterThan(0)
    // So does the operator: `edge provide status` lists the leases being reclaimed, with deadline and words.
    const provided = (await market.edge(['provide', 'status', '--name', west.name, '--json'])).json.result.leases as Array<{lease: string; reclamation?: Record<string, string>}>
    expect(provided.find((l) => l.lease.endsWith(`/${a}/1/1`))?.reclamation).toEqual({deadline: ra.deadline, reason: 'decommission'})
    expect(provided.find((l) => l.lease.endsWith(`/${b}/1/1`))?.reclamation).toEqual({deadline: rb.deadline, reason: 'unspecified', note: 'GPU wanted back for maintenance'})
    // And the provider's own lease events (kubeevents, what any client of the provider reads) lead with it.
    const kube = (await market.edge(['events', b, '--json'])).json.result.events as Array<{type: string; reason: string; note: string}>
    expect(kube[0]).toMatchObject({type: 'Warning', reason: 'Reclaiming', note: `The provider is reclaiming this lease's resources (GPU wanted back for maintenance): it closes the lease at ${rb.deadline}.`})

    // A: closed by the running provider within two blocks of the first block at its deadline, and torn down.
    const closedA = await waitFor('lease A reclaimed', () => logEvents(west).find((e) => e.type === 'lease.reclaimed' && e.lease.endsWith(`/${a}/1/1`)))
    const dueA = await firstBlockAtOrAfter(Date.parse(ra.deadline), ra.height, closedA.height)
    expect(closedA.height - dueA).toBeLessThanOrEqual(2)
    console.log(`[bench] reclamation closed ${closedA.height - dueA} block(s) after the first block at the deadline (running provider)`)
    await waitFor('lease A torn down', () => logEvents(west).find((e) => e.type === 'lease.closed' && e.lease.endsWith(`/${a}/1/1`) && e.reason === 'reclaimed'))
    const leaseA = await market.edge(['status', a, '--json'])
    expect(leaseA.json.result.leases[0]?.state ?? 'closed').toBe('closed')
    // Earnings stop at the close: what A paid the provider no longer moves, block after block.
    const paidA = async () => {
      const rows = (await market.edge(['provide', 'status', '--name', west.name, '--json'])).json.result.leases as Array<{lease: string; chainState?: string; withdrawn?: string; pending?: string}>
      return rows.find((l) => l.lease.endsWith(`/${a}/1/1`))
    }
    const paid = await paidA()
    expect(paid?.chainState).toBe('closed')
    await sleep(3000)
    expect(await paidA()).toEqual(paid)

    // C: kill -9, back before C's deadline: the deadline read back from its state closes C on time.
    const killWest = (pid: number) => process.kill(pid, 'SIGKILL')
    killWest(Number(readFileSync(join(west.dir, 'provider.pid'), 'utf8').trim()))
    let running = startProvider(west.name)
    try {
      const started = await waitFor('west back after kill -9', () => running.events().find((e) => e.type === 'provider.started'))
      expect(Date.parse(started.ts), 'the restarted provider must be up before C\'s deadline for this case').toBeLessThan(Date.parse(rc.deadline))
      const closedC = await waitFor('lease C reclaimed after the restart', () => running.events().find((e) => e.type === 'lease.reclaimed' && e.lease.endsWith(`/${c}/1/1`)))
      const dueC = await firstBlockAtOrAfter(Date.parse(rc.deadline), rc.height, closedC.height)
      expect(closedC.height - dueC).toBeLessThanOrEqual(2)
      console.log(`[bench] reclamation closed ${closedC.height - dueC} block(s) after the first block at the deadline (provider restarted by kill -9 before it)`)

      // B: killed before its deadline, back only after it. The chain never closes a reclaiming lease by itself: it still bills.
      expect(running.events().some((e) => e.type === 'lease.reclaiming' && e.lease.endsWith(`/${b}/1/1`))).toBe(true)
      killWest(running.child.pid!)
      await running.child.catch(() => {})
      const deadlineB = Date.parse(rb.deadline)
      await sleep(Math.max(0, deadlineB - Date.now()) + 3000)
      expect((await market.edge(['status', b, '--json'])).json.result.leases[0]).toMatchObject({state: 'reclaiming'})

      running = startProvider(west.name)
      const closedB = await waitFor('lease B reclaimed after the restart', () => running.events().find((e) => e.type === 'lease.reclaimed' && e.lease.endsWith(`/${b}/1/1`)))
      const back = await waitFor('west back after the deadline', () => running.events().find((e) => e.type === 'provider.started'))
      // Closed at start-up, before the provider took up bidding: at the latest two blocks after it was back.
      const backHeight = await firstBlockAtOrAfter(Date.parse(back.ts), rb.height, closedB.height + 10)
      expect(closedB.height).toBeGreaterThanOrEqual(await firstBlockAtOrAfter(deadlineB, rb.height, closedB.height))
      expect(closedB.height - backHeight).toBeLessThanOrEqual(2)
      await waitFor('lease B torn down', () => running.events().find((e) => e.type === 'lease.closed' && e.lease.endsWith(`/${b}/1/1`) && e.reason === 'reclaimed'))
      const leaseB = await market.edge(['status', b, '--json'])
      expect(leaseB.json.result.leases[0]?.state ?? 'closed').toBe('closed')
      console.log(`[bench] reclamation across kill -9: closed in block ${closedB.height} (provider back at block ${backHeight}), ${Math.round((Date.parse(closedB.ts) - deadlineB) / 1000)} s after the deadline (provider down until 3 s after it)`)
    } finally {
      running.child.kill('SIGTERM')
      await running.child.catch(() => {})
    }
  })
})
