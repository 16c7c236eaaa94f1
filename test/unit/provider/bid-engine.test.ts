import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {Bid} from '../../../src/market/market.js'
import {providerAttributes} from '../../../src/provider/attributes.js'
import {BidEngine} from '../../../src/provider/bidding/bid-engine.js'
import {Capacity} from '../../../src/provider/capacity/capacity.js'
import type {ProviderMsg} from '../../../src/provider/chain/messages.js'
import {demandOf} from '../../../src/provider/capacity/demand.js'
import {type CapacityConfig, DEFAULT_PRICING, type ReclaimRule} from '../../../src/provider/config/provider-config.js'
import {EventHub, type ProviderEvent} from '../../../src/provider/events.js'
import {type IngressBinding, LeaseManager} from '../../../src/provider/leases/lease-manager.js'
import type {IngressRoute} from '../../../src/provider/ingress/route-table.js'
import type {ManifestGroup} from '../../../src/provider/runtime/manifest-types.js'
import {makePricer} from '../../../src/provider/pricing/pricer.js'
import {ProviderStore} from '../../../src/provider/state/store.js'
import {FakeMarket, FakeRuntime, FakeTx, OWNER, PROVIDER, order, spec, unit} from './fakes.js'

const GIB = 1024 ** 3
const capacity: CapacityConfig = {cpuMillis: 200_000, memoryBytes: String(512 * GIB), storageBytes: String(2048 * GIB), gpus: [], storageClasses: []}

interface Rig {
  market: FakeMarket
  tx: FakeTx
  store: ProviderStore
  runtime: FakeRuntime
  leases: LeaseManager
  engine: BidEngine
  events: ProviderEvent[]
  clock: {now: number}
  capacity: Capacity
}

let dir: string
const rigs: Rig[] = []

async function rig(options: {capacity?: CapacityConfig; bidTimeoutMs?: number; dbName?: string; ingress?: IngressBinding['proxy']; reclaimRules?: ReclaimRule[]} = {}): Promise<Rig> {
  const market = new FakeMarket()
  const tx = new FakeTx()
  // The fake chain records each bid, as MsgCreateBid would.
  const submit = tx.submit.bind(tx)
  tx.submit = async (msg: ProviderMsg) => {
    const r = await submit(msg)
    if (msg.type === 'createBid') {
      market.bidList.push({id: {...msg.order, provider: PROVIDER, bseq: 0}, state: 'open', price: msg.price, createdAt: r.height, resourcesOffer: []} as Bid)
    }
    return r
  }
  const store = await ProviderStore.open(join(dir, options.dbName ?? 'state.db'))
  const runtime = new FakeRuntime()
  const clock = {now: 1_000_000}
  const hub = new EventHub(() => new Date(clock.now))
  const events: ProviderEvent[] = []
  const sub = hub.subscribe()
  void (async () => {
    for await (const e of sub) events.push(e)
  })()
  const cap = new Capacity(options.capacity ?? capacity)
  const leases = new LeaseManager({
    address: PROVIDER,
    store,
    runtime,
    market,
    tx,
    capacity: cap,
    events: hub,
    ...(options.ingress ? {ingress: {proxy: options.ingress, plan: {domain: 'localhost', publicHost: '127.0.0.1', ingressPort: 8080, salt: 's'}}} : {}),
    manifestTimeoutMs: 300_000,
    withdrawIntervalMs: 600_000,
    ...(options.reclaimRules ? {reclaimRules: options.reclaimRules} : {}),
    now: () => clock.now,
  })
  const {pricer} = makePricer(DEFAULT_PRICING, 1000)
  const engine = new BidEngine({
    address: PROVIDER,
    market,
    tx,
    store,
    capacity: cap,
    events: hub,
    pricer,
    leases,
    deposit: {denom: 'uakt', amount: 500000n},
    attributes: providerAttributes({attributes: {region: 'us-west'}, capacity: options.capacity ?? capacity}),
    bidTimeoutMs: options.bidTimeoutMs ?? 300_000,
    maxOpenBids: 0,
    now: () => clock.now,
  })
  const r = {market, tx, store, runtime, leases, engine, events, clock, capacity: cap}
  rigs.push(r)
  return r
}

const flush = () => new Promise((r) => setTimeout(r, 10))
const block = (height: number, ms = height * 1000) => ({height, time: new Date(ms)})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-engine-'))
})
afterEach(() => {
  for (const r of rigs.splice(0)) r.store.close()
  rmSync(dir, {recursive: true, force: true})
})

describe('bid engine', () => {
  it('bids on 200 new orders of one block at once: every bid lands in the next block', async () => {
    const r = await rig()
    r.market.orderList = Array.from({length: 200}, (_, i) => order(i + 1, {createdAt: 10}))
    r.tx.height = 11
    await r.engine.onBlock(block(10))
    await flush()
    const bids = r.tx.sent.filter((m) => m.type === 'createBid')
    expect(bids).toHaveLength(200)
    const placed = r.events.filter((e) => e.type === 'bid.placed')
    expect(placed).toHaveLength(200)
    expect(placed.every((e) => e.type === 'bid.placed' && e.blocks === 1)).toBe(true)
    expect(r.store.countBids().open).toBe(200)
    // A bid carries the chain's deposit and a resources offer for each unit.
    const first = bids[0] as Extract<ProviderMsg, {type: 'createBid'}>
    expect(first.deposit).toEqual({denom: 'uakt', amount: 500000n})
    expect(first.resourcesOffer).toHaveLength(1)
  })

  it('does not bid twice, and reports a skip once with its reason', async () => {
    const r = await rig()
    r.market.orderList = [order(1), order(2, {spec: spec({requirements: {signedBy: {allOf: [], anyOf: []}, attributes: [{key: 'region', value: 'eu-west'}]}})})]
    await r.engine.onBlock(block(10))
    await flush()
    await r.engine.onBlock(block(11))
    await flush()
    expect(r.tx.sent.filter((m) => m.type === 'createBid')).toHaveLength(1)
    const skips = r.events.filter((e) => e.type === 'bid.skipped')
    expect(skips).toHaveLength(1)
    expect(skips[0]).toMatchObject({reason: 'attributes', order: `${OWNER}/2/1/1`})
  })

  it('a lost bid frees its capacity and an order skipped for capacity then gets a bid', async () => {
    const small: CapacityConfig = {...capacity, cpuMillis: 1000}
    const r = await rig({capacity: small})
    const big = (d: number) => order(d, {spec: spec({resources: [unit({cpuMillis: 800n})]})})
    r.market.orderList = [big(1), big(2)]
    await r.engine.onBlock(block(10))
    await flush()
    expect(r.events.find((e) => e.type === 'bid.skipped')).toMatchObject({reason: 'capacity'})
    // Another provider wins order 1: its order leaves the open list and our bid is marked lost.
    r.market.orderList = [big(2)]
    r.market.bidList = []
    await r.engine.onBlock(block(12))
    await flush()
    expect(r.events.some((e) => e.type === 'bid.lost')).toBe(true)
    await r.engine.onBlock(block(13))
    await flush()
    const bids = r.tx.sent.filter((m) => m.type === 'createBid') as Array<Extract<ProviderMsg, {type: 'createBid'}>>
    expect(bids.map((b) => Number(b.order.dseq))).toEqual([1, 2])
  })

  it('closes a bid nobody leased within the bid timeout', async () => {
    const r = await rig({bidTimeoutMs: 60_000})
    r.market.orderList = [order(1)]
    await r.engine.onBlock(block(10))
    await flush()
    r.clock.now += 61_000
    await r.engine.onBlock(block(12))
    await flush()
    const close = r.tx.sent.find((m) => m.type === 'closeBid')
    expect(close).toMatchObject({type: 'closeBid', bid: {owner: OWNER, dseq: 1n, provider: PROVIDER}})
    expect(r.store.bid(`${OWNER}/1/1/1`)?.state).toBe('closed')
  })

  it('a won lease waits for its manifest; after the manifest timeout the bid is closed as manifest_timeout', async () => {
    const r = await rig()
    const o = order(1)
    r.market.orderList = [o]
    await r.engine.onBlock(block(10))
    await flush()
    r.market.orderList = []
    r.market.bidList = []
    r.market.addLease(o)
    await r.engine.onBlock(block(12))
    await flush()
    expect(r.events.find((e) => e.type === 'lease.won')).toMatchObject({lease: `${OWNER}/1/1/1`})
    expect(r.store.lease(`${OWNER}/1/1/1`)?.state).toBe('awaiting_manifest')
    expect(r.store.bid(`${OWNER}/1/1/1`)?.state).toBe('won')
    expect(r.capacity.has(`${OWNER}/1/1/1`)).toBe(true)
    const stats = () => r.events.filter((e) => e.type === 'stats').at(-1)
    expect(stats()).toMatchObject({height: 12, leasesWon: 1, leasesActive: 1, bidsOpen: 0, bidsPlaced: 1})

    r.clock.now += 301_000
    await r.engine.onBlock(block(13))
    await flush()
    expect(r.tx.sent.find((m) => m.type === 'closeBid')).toMatchObject({reason: 'manifest_timeout'})
    expect(r.events.some((e) => e.type === 'lease.manifest_timeout')).toBe(true)
    expect(r.store.lease(`${OWNER}/1/1/1`)?.state).toBe('closed')
    expect(r.capacity.has(`${OWNER}/1/1/1`)).toBe(false)
    await r.engine.onBlock(block(14))
    await flush()
    expect(stats()).toMatchObject({leasesWon: 1, leasesActive: 0})
  })

  it('emits stats when a figure moves, not every block (D37: a provider log grows per change)', async () => {
    const r = await rig()
    for (const h of [10, 11, 12, 13]) await r.engine.onBlock(block(h))
    await flush()
    const stats = () => r.events.filter((e) => e.type === 'stats')
    expect(stats()).toHaveLength(1)
    expect(r.events.filter((e) => e.type === 'block')).toHaveLength(4)
    r.market.orderList = [order(1)]
    await r.engine.onBlock(block(14))
    await flush()
    await r.engine.onBlock(block(15))
    await flush()
    expect(stats().length).toBeGreaterThan(1)
    expect(stats().at(-1)).toMatchObject({ordersSeen: 1, bidsPlaced: 1})
    const settled = stats().length
    for (const h of [16, 17, 18]) await r.engine.onBlock(block(h))
    await flush()
    expect(stats()).toHaveLength(settled)
  })

  it('after a restart, orders seen never reads lower than bids placed (D38)', async () => {
    const first = await rig({dbName: 'restart.db'})
    first.market.orderList = [order(1), order(2)]
    await first.engine.onBlock(block(10))
    await flush()
    expect(first.store.countBids().open).toBe(2)
    const again = await rig({dbName: 'restart.db'})
    again.market.orderList = [order(1), order(2)]
    again.market.bidList = first.market.bidList
    await again.engine.onBlock(block(11))
    await flush()
    const stats = again.events.filter((e) => e.type === 'stats').at(-1) as Extract<ProviderEvent, {type: 'stats'}>
    expect(stats.bidsPlaced).toBe(2)
    expect(stats.ordersSeen).toBeGreaterThanOrEqual(stats.bidsPlaced)
  })

  it('withdraws earnings of running leases on its interval', async () => {
    const r = await rig()
    r.market.addLease(order(1))
    r.market.addLease(order(2))
    await r.engine.onBlock(block(10))
    await flush()
    r.clock.now += 601_000
    await r.engine.onBlock(block(11))
    await flush()
    const withdrawals = r.tx.sent.filter((m) => m.type === 'withdrawLease')
    expect(withdrawals).toHaveLength(2)
    expect(r.events.some((e) => e.type === 'earnings.withdrawn')).toBe(true)
  })
})

describe('lease manager: teardown only on a definite answer', () => {
  async function running(r: Rig) {
    const o = order(1)
    const lease = r.market.addLease(o)
    await r.leases.reconcile([lease], 10)
    await r.runtime.deploy({owner: OWNER, dseq: '1', gseq: 1, oseq: 1, provider: PROVIDER}, {name: 'dc', services: []})
    r.store.updateLease(`${OWNER}/1/1/1`, {state: 'running'})
    return lease
  }

  it('tears down a lease the chain reports closed', async () => {
    const r = await rig()
    const lease = await running(r)
    lease.state = 'closed'
    lease.reason = 'owner'
    await r.leases.reconcile([], 11)
    expect(r.runtime.tornDown).toEqual([`${OWNER}/1/1/1`])
    expect(r.store.lease(`${OWNER}/1/1/1`)).toMatchObject({state: 'closed', closeReason: 'owner'})
    expect(r.events.find((e) => e.type === 'lease.closed')).toMatchObject({reason: 'owner'})
  })

  it('keeps the lease when the chain does not answer, and needs two "not found" in a row', async () => {
    const r = await rig()
    await running(r)
    r.market.leaseList = []
    const original = r.market.lease.bind(r.market)
    r.market.lease = async () => {
      throw new Error('ECONNREFUSED')
    }
    await r.leases.reconcile([], 11)
    await r.leases.reconcile([], 12)
    expect(r.runtime.tornDown).toEqual([])
    r.market.lease = original
    await r.leases.reconcile([], 13)
    expect(r.runtime.tornDown).toEqual([])
    await r.leases.reconcile([], 14)
    expect(r.runtime.tornDown).toEqual([`${OWNER}/1/1/1`])
  })

  it('a lease closed while it deploys ends closed, with no ingress route left behind', async () => {
    const routes = new Map<string, IngressRoute[]>()
    const r = await rig({
      ingress: {
        setLeaseRoutes: (key, list) => {
          routes.set(key, list)
          return {conflicts: []}
        },
        removeLease: (key) => void routes.delete(key),
        hostnameHolder: () => undefined,
        pinHostname: () => {},
      },
    })
    const lease = await running(r)
    const httpOptions = {maxBodySize: 1048576, readTimeout: 60000, sendTimeout: 60000, nextTries: 3, nextTimeout: 0, nextCases: ['error', 'timeout']}
    const group: ManifestGroup = {
      name: 'dc',
      services: [
        {
          name: 'web',
          image: 'busybox:1.36',
          command: null,
          args: null,
          env: null,
          count: 1,
          resources: {},
          expose: [{port: 8080, externalPort: 80, proto: 'TCP', service: '', global: true, hosts: null, httpOptions, ip: '', endpointSequenceNumber: 0}],
        },
      ],
    } as unknown as ManifestGroup
    r.store.putManifest({owner: OWNER, dseq: '1', version: 'ab', body: JSON.stringify([group]), receivedAt: 1})
    r.store.updateLease(`${OWNER}/1/1/1`, {groupName: 'dc'})
    r.store.putDeployment(`${OWNER}/1/1/1`, 'dc', 'ab', 'running', 1)
    // An image pull holds the deploy; the tenant closes the lease meanwhile.
    let pulled!: () => void
    r.runtime.deployGate = new Promise((resolve) => (pulled = resolve))
    await r.leases.resume()
    lease.state = 'closed'
    lease.reason = 'owner'
    const closing = r.leases.reconcile([], 11)
    await flush()
    pulled()
    await closing
    await flush()
    expect(r.runtime.deployed).toContain(`${OWNER}/1/1/1`) // the deploy did finish, before the teardown
    expect(r.runtime.tornDown).toEqual([`${OWNER}/1/1/1`])
    expect(r.store.lease(`${OWNER}/1/1/1`)?.state).toBe('closed')
    expect([...routes.keys()]).toEqual([])
  })

  it('a deploy that fails after its lease was closed does not make the lease active again', async () => {
    const r = await rig()
    const lease = await running(r)
    r.store.putManifest({owner: OWNER, dseq: '1', version: 'ab', body: JSON.stringify([{name: 'dc', services: []}]), receivedAt: 1})
    r.store.updateLease(`${OWNER}/1/1/1`, {groupName: 'dc'})
    r.store.putDeployment(`${OWNER}/1/1/1`, 'dc', 'ab', 'running', 1)
    let pulled!: () => void
    r.runtime.deployGate = new Promise((resolve) => (pulled = resolve))
    r.runtime.failDeploy = 'image pull failed'
    await r.leases.resume()
    // Not serialised behind the deploy this time: the lease is closed before the deploy fails.
    r.runtime.teardown = async () => {}
    lease.state = 'closed'
    await r.leases.reconcile([], 11)
    expect(r.store.lease(`${OWNER}/1/1/1`)?.state).toBe('closed')
    pulled()
    await flush()
    expect(r.store.lease(`${OWNER}/1/1/1`)?.state).toBe('closed')
    expect(r.leases.activeLeases()).toEqual([])
  })

  it('after a restart, re-attaches to leases with a manifest and holds their capacity again', async () => {
    const r = await rig({dbName: 'restart.db'})
    const lease = await running(r)
    r.store.putManifest({owner: OWNER, dseq: '1', version: 'ab', body: JSON.stringify([{name: 'dc', services: []}]), receivedAt: 1})
    r.store.updateLease(`${OWNER}/1/1/1`, {groupName: 'dc'})
    r.store.putDeployment(`${OWNER}/1/1/1`, 'dc', 'ab', 'running', 1)
    r.store.close()
    rigs.splice(rigs.indexOf(r), 1)

    const again = await rig({dbName: 'restart.db'})
    again.market.leaseList = [lease]
    again.runtime.leases = r.runtime.leases
    const resumed = await again.leases.resume()
    await flush()
    expect(resumed).toBe(1)
    expect(again.capacity.has(`${OWNER}/1/1/1`)).toBe(true)
    expect(again.runtime.deployed).toEqual([`${OWNER}/1/1/1`])
    expect(again.runtime.tornDown).toEqual([])
    expect(again.store.lease(`${OWNER}/1/1/1`)?.state).toBe('running')
  })

  describe('reclamation (AEP-82)', () => {
    const KEY = `${OWNER}/1/1/1`
    /** The chain starts reclaiming the lease: state reclaiming, deadline `deadlineMs`. */
    function startReclaim(lease: Awaited<ReturnType<typeof running>>, deadlineMs: number) {
      lease.state = 'reclaiming'
      lease.reclamation = {windowSeconds: 30, startedAt: 12, deadline: new Date(deadlineMs), reason: 'decommission'}
    }

    it('records the deadline, keeps serving until the block time reaches it, then closes the bid and tears down', async () => {
      const r = await rig()
      const lease = await running(r)
      startReclaim(lease, 40_000)
      await r.engine.onBlock(block(39, 39_000))
      expect(r.store.reclamation(KEY)).toMatchObject({deadline: 40_000, reason: 'decommission', startedHeight: 12})
      expect(r.events.find((e) => e.type === 'lease.reclaiming')).toMatchObject({lease: KEY, deadline: new Date(40_000).toISOString(), reason: 'decommission'})
      expect(r.tx.sent.filter((m) => m.type === 'closeBid')).toEqual([])
      expect(r.runtime.tornDown).toEqual([])

      await r.engine.onBlock(block(40, 40_000))
      expect(r.tx.sent.filter((m) => m.type === 'closeBid')).toMatchObject([{bid: {owner: OWNER, dseq: 1n, provider: PROVIDER}, reason: 'decommission'}])
      expect(r.runtime.tornDown).toEqual([KEY])
      expect(r.store.lease(KEY)).toMatchObject({state: 'closed', closeReason: 'reclaimed'})
      expect(r.store.reclamation(KEY)?.closedAt).toBeDefined()
      expect(r.events.find((e) => e.type === 'lease.reclaimed')).toMatchObject({lease: KEY})
    })

    it('a deadline that passed while the provider was down is closed at start-up, from the store alone', async () => {
      const r = await rig({dbName: 'reclaim.db'})
      const lease = await running(r)
      startReclaim(lease, 40_000)
      await r.engine.onBlock(block(30, 30_000))
      r.store.close()
      rigs.splice(rigs.indexOf(r), 1)

      const again = await rig({dbName: 'reclaim.db'})
      again.clock.now = 45_000
      // The chain does not answer at start-up: the persisted deadline is enough.
      again.market.leases = async () => {
        throw new Error('connection refused')
      }
      again.runtime.leases = r.runtime.leases
      await again.leases.resume()
      expect(again.tx.sent.filter((m) => m.type === 'closeBid')).toHaveLength(1)
      expect(again.store.lease(KEY)).toMatchObject({state: 'closed', closeReason: 'reclaimed'})
    })

    it('a close the chain refuses as early is tried again at the next block', async () => {
      const r = await rig()
      const lease = await running(r)
      startReclaim(lease, 40_000)
      r.tx.reject = (m) => (m.type === 'closeBid' ? 'reclamation window has not elapsed' : undefined)
      await r.engine.onBlock(block(40, 40_000))
      expect(r.store.lease(KEY)?.state).toBe('running')
      expect(r.events.some((e) => e.type === 'warning' && e.message.includes('reclaimed'))).toBe(false)
      r.tx.reject = undefined
      await r.engine.onBlock(block(41, 41_000))
      expect(r.store.lease(KEY)?.state).toBe('closed')
    })

    it('a lease with reclamation whose manifest never came is reclaimed with reason manifest_timeout (the chain refuses a plain close, market/37)', async () => {
      const r = await rig()
      const lease = r.market.addLease(order(1))
      lease.reclamation = {windowSeconds: 30}
      await r.leases.reconcile([lease], 10)
      r.tx.reject = (m) => (m.type === 'closeBid' ? 'reclamation not started; call MsgLeaseStartReclaim first' : undefined)
      r.clock.now += 301_000
      await r.leases.tick(block(20, 20_000))
      await flush()
      expect(r.tx.sent.filter((m) => m.type === 'leaseStartReclaim')).toMatchObject([{reason: 'manifest_timeout', lease: {owner: OWNER, dseq: 1n}}])
      expect(r.events.some((e) => e.type === 'warning')).toBe(false)
    })

    it('tells the tenant in the lease events (kubeevents): a warning with the reason and deadline, first, and as it happens when following', async () => {
      const r = await rig()
      const lease = await running(r)
      const started = {type: 'container.started', ts: 1, lease: r.leases.rt({orderKey: KEY}), severity: 'normal', reason: 'Started', message: 'started web'} as const
      const stop = new AbortController()
      r.runtime.events = async function* (_lease: unknown, o?: {signal?: AbortSignal}) {
        yield started
        await new Promise((res) => o?.signal?.addEventListener('abort', res))
      } as unknown as typeof r.runtime.events
      const row = r.store.lease(KEY)!
      const seen: Array<{reason: string; message: string; severity: string}> = []
      const following = (async () => {
        for await (const e of r.leases.runtimeEvents(row, {follow: true, signal: stop.signal})) seen.push(e)
      })()
      await flush()
      expect(seen.map((e) => e.reason)).toEqual(['Started'])

      startReclaim(lease, 40_000)
      await r.engine.onBlock(block(30, 30_000))
      await flush()
      expect(seen.at(-1)).toMatchObject({severity: 'warning', reason: 'Reclaiming', message: `The provider is reclaiming this lease's resources (decommission): it closes the lease at ${new Date(40_000).toISOString()}.`})
      stop.abort()
      await following

      // A client that connects later reads it first.
      r.runtime.events = async function* () {
        yield started
      } as unknown as typeof r.runtime.events
      const later: string[] = []
      for await (const e of r.leases.runtimeEvents(row, {})) later.push(e.reason)
      expect(later).toEqual(['Reclaiming', 'Started'])
    })

    it('reclamation.rules: a lease holding a GPU wanted back is reclaimed with the rule’s words; that GPU goes to no new order', async () => {
      const a100 = (index: number) => ({index, vendor: 'nvidia', model: 'a100'})
      const r = await rig({capacity: {...capacity, gpus: [a100(0), a100(1)]}, reclaimRules: [{gpus: [0], reason: 'GPU wanted back for training'}]})
      const oneGpu = (dseq: number) => order(dseq, {spec: spec({resources: [unit({gpu: {units: 1n, attributes: [{key: 'vendor/nvidia/model/*', value: 'true'}]}})]})})
      // Both leases were won before the operator wrote the rule: lease 1 holds GPU 0, lease 2 GPU 1.
      const gpuOf = (dseq: number) => {
        const fit = r.capacity.reserve(`${OWNER}/${dseq}/1/1`, demandOf(oneGpu(dseq).spec))
        if (!fit.ok) throw new Error(fit.message)
        return fit.reservation.gpus[1]
      }
      expect([gpuOf(1), gpuOf(2)]).toEqual([[0], [1]])
      r.capacity.withhold([0])
      const held = r.market.addLease(oneGpu(1))
      held.reclamation = {windowSeconds: 30}
      const other = r.market.addLease(oneGpu(2))
      other.reclamation = {windowSeconds: 30}
      await r.leases.reconcile([held, other], 10)
      await flush()
      expect(r.tx.sent.filter((m) => m.type === 'leaseStartReclaim')).toMatchObject([{lease: {owner: OWNER, dseq: 1n, provider: PROVIDER}, reason: 'unspecified'}])

      // The chain lists it reclaiming: the deadline is recorded with the rule's words, and the rule does not start it twice.
      startReclaim(held, 40_000)
      await r.engine.onBlock(block(11, 11_000))
      await flush()
      expect(r.store.reclamation(KEY)).toMatchObject({deadline: 40_000, note: 'GPU wanted back for training'})
      expect(r.tx.sent.filter((m) => m.type === 'leaseStartReclaim')).toHaveLength(1)

      // GPU 0 is not offered again: with GPU 1 leased too, a one-GPU order does not fit even once lease 1 is gone.
      r.capacity.release(KEY)
      expect(r.capacity.fit(demandOf(oneGpu(3).spec))).toMatchObject({ok: false, shortfall: 'gpu'})
      expect(r.capacity.available().gpus).toBe(0)
    })

    it('reclamation.rules: a lease made without a reclamation window is not reclaimed; the operator is told once', async () => {
      const r = await rig({capacity: {...capacity, gpus: [{index: 0, vendor: 'nvidia', model: 'a100'}]}, reclaimRules: [{gpus: [0], reason: 'decommission'}]})
      const gpuOrder = order(1, {spec: spec({resources: [unit({gpu: {units: 1n, attributes: []}})]})})
      expect(r.capacity.reserve(KEY, demandOf(gpuOrder.spec)).ok).toBe(true)
      const lease = r.market.addLease(gpuOrder)
      await r.leases.reconcile([lease], 10)
      await r.leases.reconcile([lease], 11)
      await flush()
      expect(r.tx.sent.filter((m) => m.type === 'leaseStartReclaim')).toEqual([])
      expect(r.events.filter((e) => e.type === 'warning' && e.message.includes('without a reclamation window'))).toHaveLength(1)
    })

    it('bids with a window on orders that allow reclamation: the order minimum, raised to the configured window', async () => {
      const r = await rig()
      r.market.orderList = [{...order(1, {createdAt: 10}), reclamation: {minWindowSeconds: 600}}, order(2, {createdAt: 10})]
      await r.engine.onBlock(block(10))
      await flush()
      const bids = r.tx.sent.filter((m) => m.type === 'createBid') as Array<Extract<ProviderMsg, {type: 'createBid'}>>
      expect(bids.find((b) => b.order.dseq === 1n)?.reclamationWindowSeconds).toBe(600)
      expect(bids.find((b) => b.order.dseq === 2n)?.reclamationWindowSeconds).toBeUndefined()
    })
  })
})
