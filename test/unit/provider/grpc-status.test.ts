/**
 * The provider's gRPC status service, driven by Akash's own client: chain-sdk's
 * `createProviderSDK` (akash.provider.v1 getStatus / streamStatus), unchanged, against the real
 * gateway and gRPC server that `startProvider` serves.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createProviderSDK} from '@akashnetwork/chain-sdk'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/errors.js'
import {StatusServer} from '../../../src/provider/grpc/status-server.js'
import {ProviderStore} from '../../../src/provider/state/store.js'
import {generateServerCertificate} from '../../../src/provider/tls/server-certificate.js'
import {OWNER} from './fakes.js'
import {getJson, startTestProvider} from './start-helpers.js'

const GiB = 1024n ** 3n
const BID_KEY = `${OWNER}/77/1/1`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-grpc-status-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** An open bid already in the state DB, as after a restart: it holds capacity and counts as an order. */
async function seedOpenBid(): Promise<void> {
  const store = await ProviderStore.open(join(dir, 'state.db'))
  store.putBid({
    orderKey: BID_KEY,
    state: 'open',
    denom: 'uact',
    amount: 10n ** 18n,
    reservation: {cpuMillis: 1500n, memoryBytes: GiB / 2n, ephemeralBytes: GiB, persistentBytes: {beta2: 2n * GiB}, gpus: {1: [0]}},
    gpus: {1: [{index: 0, vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}]},
    // Placed "after" the chain's current height, so the bid engine leaves it open for this test.
    createdHeight: 1_000_000_000,
    createdAt: Date.now(),
    updatedAt: Date.now(),
  })
  store.close()
}

function start(gateway: {listen?: string; grpcListen?: string} = {}) {
  return startTestProvider(dir, (address) => ({
    name: 'unit',
    network: 'local',
    hostUri: 'https://127.0.0.1:0',
    address,
    capacity: {
      cpuMillis: 4000,
      memoryBytes: String(8n * GiB),
      storageBytes: String(20n * GiB),
      gpus: [{index: 0, vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}],
      storageClasses: [{class: 'beta2', persistent: true, bytes: String(10n * GiB)}],
    },
    runtime: {kind: 'process'},
    gateway,
    ingress: {domain: 'localhost', listen: '127.0.0.1:0'},
  }))
}

/** A Kubernetes quantity as a number of its base unit; CPU in millicores. */
function quantity(q: {string?: string} | undefined, cpu = false): number {
  const s = q?.string ?? '0'
  const m = /^(\d+)(m?)$/.exec(s)
  if (!m) throw new Error(`unexpected quantity ${s}`)
  const n = Number(m[1])
  return m[2] === 'm' ? n : cpu ? n * 1000 : n
}

function portOf(url: string): number {
  return Number(new URL(url).port)
}

/** A port p on 127.0.0.1 with p + 1 free too (a moment ago). */
async function freePair(): Promise<number> {
  for (;;) {
    const a = net.createServer()
    await new Promise<void>((resolve) => a.listen(0, '127.0.0.1', () => resolve()))
    const p = (a.address() as net.AddressInfo).port
    const b = net.createServer()
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false))
      b.listen(p + 1, '127.0.0.1', () => resolve(true))
    })
    await new Promise<void>((resolve) => a.close(() => resolve()))
    if (ok) {
      await new Promise<void>((resolve) => b.close(() => resolve()))
      return p
    }
  }
}

describe('gRPC status (akash.provider.v1.ProviderRPC) through chain-sdk', () => {
  it('getStatus answers the facts GET /status reports', async () => {
    await seedOpenBid()
    const {provider, events, stop} = await start()
    try {
      expect(events.find((e) => e.type === 'provider.started')).toMatchObject({grpcUrl: provider.grpcUrl})
      const sdk = createProviderSDK({baseUrl: provider.grpcUrl})
      const [status, rest] = await Promise.all([sdk.akash.provider.v1.getStatus(), getJson(`${provider.gatewayUrl}/status`).then((r) => r.json)])

      expect(rest.bidengine.orders).toBe(1)
      expect(status.bidEngine?.orders).toBe(rest.bidengine.orders)
      expect(status.cluster?.leases?.active).toBe(rest.cluster.leases)
      expect(status.manifest?.deployments).toBe(rest.manifest.deployments)
      expect(status.publicHostnames).toEqual([rest.cluster_public_hostname])
      expect(status.timestamp).toBeInstanceOf(Date)
      expect(status.errors).toEqual([])

      const [restNode] = rest.cluster.inventory.available.nodes
      const nodes = status.cluster?.inventory?.cluster?.nodes ?? []
      expect(nodes).toHaveLength(1)
      const node = nodes[0]
      expect(node.name).toBe(restNode.name)
      const r = node.resources!
      expect(quantity(r.cpu?.quantity?.allocatable, true)).toBe(restNode.allocatable.cpu)
      expect(quantity(r.cpu?.quantity?.allocatable, true) - quantity(r.cpu?.quantity?.allocated, true)).toBe(restNode.available.cpu)
      expect(r.cpu?.quantity?.allocatable?.string).toBe('4')
      expect(r.cpu?.quantity?.allocated?.string).toBe('1500m')
      expect(quantity(r.memory?.quantity?.allocatable)).toBe(restNode.allocatable.memory)
      expect(quantity(r.memory?.quantity?.allocatable) - quantity(r.memory?.quantity?.allocated)).toBe(restNode.available.memory)
      expect(quantity(r.ephemeralStorage?.allocatable)).toBe(restNode.allocatable.storage_ephemeral)
      expect(quantity(r.ephemeralStorage?.allocatable) - quantity(r.ephemeralStorage?.allocated)).toBe(restNode.available.storage_ephemeral)
      expect(quantity(r.gpu?.quantity?.allocatable)).toBe(restNode.allocatable.gpu)
      expect(quantity(r.gpu?.quantity?.allocatable) - quantity(r.gpu?.quantity?.allocated)).toBe(restNode.available.gpu)
      expect(r.gpu?.info).toEqual([expect.objectContaining({vendor: 'nvidia', name: 'h100', memorySize: '80Gi', interface: 'sxm'})])
      expect(node.capabilities?.storageClasses).toEqual(['beta2'])

      const storage = status.cluster?.inventory?.cluster?.storage ?? []
      expect(storage.map((s) => s.info?.class)).toEqual(rest.cluster.inventory.available.storage.map((s: {class: string}) => s.class))
      expect(quantity(storage[0].quantity?.allocatable) - quantity(storage[0].quantity?.allocated)).toBe(rest.cluster.inventory.available.storage[0].size)

      const pending = status.cluster?.inventory?.reservations?.pending
      expect(pending?.count).toBe(rest.cluster.inventory.pending.length)
      const [restPending] = rest.cluster.inventory.pending
      expect(quantity(pending?.resources?.cpu, true)).toBe(restPending.cpu)
      expect(quantity(pending?.resources?.memory)).toBe(restPending.memory)
      expect(quantity(pending?.resources?.gpu)).toBe(restPending.gpu)
      expect(quantity(pending?.resources?.ephemeralStorage)).toBe(restPending.storage_ephemeral)
      expect(quantity(pending?.resources?.storage.beta2)).toBe(restPending.storage.beta2)
      expect(status.cluster?.inventory?.reservations?.active?.count).toBe(0)
    } finally {
      await stop()
    }
    // Stopping the provider stops the gRPC service too.
    const after = createProviderSDK({baseUrl: provider.grpcUrl, transportOptions: {defaultTimeoutMs: 3000}})
    await expect(after.akash.provider.v1.getStatus()).rejects.toThrow()
  })

  it('streamStatus sends the status at once, then a new one when it changes', async () => {
    await seedOpenBid()
    const {provider, stop} = await start()
    const abort = new AbortController()
    try {
      const sdk = createProviderSDK({baseUrl: provider.grpcUrl})
      const stream = await sdk.akash.provider.v1.streamStatus({}, {signal: abort.signal})
      const messages = stream[Symbol.asyncIterator]()
      const first = await messages.next()
      expect(first.done).toBe(false)
      expect(first.value.bidEngine?.orders).toBe(1)
      expect(first.value.cluster?.inventory?.reservations?.pending?.count).toBe(1)

      // The bid is lost (as the bid engine records it): the next message says so.
      const store = await ProviderStore.open(join(dir, 'state.db'))
      store.setBidState(BID_KEY, 'lost', Date.now(), 'test')
      store.close()
      const second = await messages.next()
      expect(second.done).toBe(false)
      expect(second.value.bidEngine?.orders).toBe(0)
      expect(second.value.cluster?.inventory?.reservations?.pending?.count).toBe(0)
      abort.abort()
    } finally {
      abort.abort()
      await stop()
    }
  })

  it('listens on the gateway port + 1 (Akash: 8443 → 8444), or where gateway.grpcListen says', async () => {
    const p = await freePair()
    const a = await start({listen: `127.0.0.1:${p}`})
    try {
      expect(portOf(a.provider.gatewayUrl)).toBe(p)
      expect(portOf(a.provider.grpcUrl)).toBe(p + 1)
    } finally {
      await a.stop()
    }
    const q = await freePair()
    const b = await start({grpcListen: `127.0.0.1:${q}`})
    try {
      expect(portOf(b.provider.grpcUrl)).toBe(q)
      const status = await createProviderSDK({baseUrl: `https://127.0.0.1:${q}`}).akash.provider.v1.getStatus()
      expect(status.cluster?.inventory?.cluster?.nodes).toHaveLength(1)
    } finally {
      await b.stop()
    }
  })

  it('a taken gateway port + 1 moves the service with a warning; a taken chosen port is a usage error', async () => {
    const p = await freePair()
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(p + 1, '127.0.0.1', () => resolve()))
    try {
      const a = await start({listen: `127.0.0.1:${p}`})
      try {
        expect(portOf(a.provider.grpcUrl)).not.toBe(p + 1)
        expect(a.events.find((e) => e.type === 'warning' && e.message.includes('gateway.grpcListen'))).toBeDefined()
        const status = await createProviderSDK({baseUrl: a.provider.grpcUrl}).akash.provider.v1.getStatus()
        expect(status.publicHostnames).toEqual(['127.0.0.1'])
      } finally {
        await a.stop()
      }

      const error = await start({grpcListen: `127.0.0.1:${p + 1}`}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect(error).toMatchObject({code: 'port_in_use', message: expect.stringContaining(`127.0.0.1:${p + 1}`), hint: expect.stringContaining('gateway.grpcListen')})
    } finally {
      holder.close()
    }
  })

  it('streamStatus: however many clients watch, the status is read once per poll and the same message goes to all', async () => {
    let calls = 0
    let inFlight = 0
    let maxInFlight = 0
    const server = new StatusServer({
      tls: await generateServerCertificate('akash1status', ['127.0.0.1']),
      host: '127.0.0.1',
      port: 0,
      pollMs: 10,
      // Slower than the poll, and different every time: independent pollers would overlap.
      status: async () => {
        calls++
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise((r) => setTimeout(r, 30))
        inFlight--
        return {errors: [], bidEngine: {orders: calls}, publicHostnames: [], timestamp: new Date()} as never
      },
    })
    const bound = await server.listen()
    const abort = new AbortController()
    try {
      const sdk = createProviderSDK({baseUrl: `https://127.0.0.1:${bound.port}`})
      const streams = await Promise.all([1, 2, 3].map(() => sdk.akash.provider.v1.streamStatus({}, {signal: abort.signal})))
      const firsts = await Promise.all(streams.map(async (st) => {
        const it = st[Symbol.asyncIterator]()
        const seen: number[] = []
        while (seen.length < 4) seen.push((await it.next()).value.bidEngine?.orders as number)
        return seen
      }))
      expect(maxInFlight).toBe(1)
      // After its first message, every stream gets every poll's answer: consecutive reads.
      for (const seen of firsts) expect(seen.slice(1)).toEqual([seen[1], seen[1] + 1, seen[1] + 2])
    } finally {
      abort.abort()
      await server.close()
    }
  })
})
