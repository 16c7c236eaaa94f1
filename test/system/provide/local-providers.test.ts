import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {Keystore} from '../../../src/config/keystore.js'
import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {type EdgeHome, makeEdgeHome, runEdge} from '../../helpers/run-edge.js'
import {freePort} from './harness.js'
import {Tenant, httpsRequest} from './tenant.js'

let home: EdgeHome
let result: any
/** A tenant's mnemonic in the environment, as in CI: local providers must not sign with it. */
const tenantMnemonic = generateMnemonic(24)

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  home = makeEdgeHome('edge-local-providers-')
  const ports = ['--rpc-port', String(await freePort()), '--grpc-port', String(await freePort()), '--rest-port', String(await freePort())]
  // No container engine here on purpose: local providers fall back to the process runtime.
  const start = await runEdge(['dev', 'start', '--json', '--block-time', '500ms', '--providers', '2', ...ports], {home, env: {EDGE_DOCKER_SOCKET: '/nonexistent.sock', DOCKER_HOST: '', EDGE_MNEMONIC: tenantMnemonic}})
  expect(start.exitCode, start.stderr + start.stdout).toBe(0)
  result = start.json.result
})

afterAll(async () => {
  await runEdge(['dev', 'stop'], {home})
  for (const p of result?.localProviders ?? []) if (p.pid && alive(p.pid)) process.kill(p.pid, 'SIGKILL')
  home.cleanup()
})

describe('edge dev start --providers N (startLocalProviders)', () => {
  it('starts N registered providers with distinct regions, and only the matching one bids', async () => {
    const providers = result.localProviders as Array<{name: string; address: string; hostUri: string; region: string; pid: number}>
    expect(providers.map((p) => p.region)).toEqual(['us-west', 'eu-central'])
    expect(new Set(providers.map((p) => p.address)).size).toBe(2)
    expect(providers.map((p) => p.address)).not.toContain((await deriveKey(tenantMnemonic)).address)
    for (const p of providers) {
      expect((await httpsRequest(`${p.hostUri}/address`)).json).toEqual({address: p.address})
    }

    const mnemonic = await new Keystore(join(home.env.EDGE_DATA_DIR, 'keys')).unlock('dev', '')
    const tenant = await Tenant.open({mnemonic, rpc: result.endpoints.rpc, grpc: result.endpoints.grpc})
    try {
      for (const p of providers) {
        const record = await tenant.sdk.akash.provider.v1beta4.getProvider({owner: p.address})
        const attrs = Object.fromEntries(record.provider.attributes.map((a: {key: string; value: string}) => [a.key, a.value]))
        expect(attrs).toMatchObject({host: 'akash', tier: 'community', region: p.region})
      }
      const sdl = `
version: "2.0"
services:
  web:
    image: busybox:1.36
    command: ["sh", "-c", "sleep 1000"]
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources: {cpu: {units: 0.1}, memory: {size: 64Mi}, storage: {size: 128Mi}}
  placement:
    eu:
      attributes:
        region: eu-central
      pricing:
        web: {denom: uact, amount: 1000}
deployment:
  web:
    eu: {profile: web, count: 1}
`
      const d = await tenant.createDeployment(sdl)
      const bid = await tenant.waitForBid(d.dseq, providers[1].address)
      expect(Number(bid.bid.createdAt.toString())).toBeGreaterThan(d.height)
      await new Promise((r) => setTimeout(r, 1500))
      const bidders = (await tenant.bids(d.dseq)).map((b) => b.bid.id.provider)
      expect(bidders).toEqual([providers[1].address])
      await tenant.closeDeployment(d.dseq)
    } finally {
      await tenant.close()
    }
  })

  it('their gateway, gRPC and ingress listen on the dev host only, 127.0.0.1 (D36)', () => {
    for (const p of result.localProviders as Array<{name: string}>) {
      const config = parse(readFileSync(join(home.env.EDGE_DATA_DIR, 'provider', p.name, 'provider.yaml'), 'utf8'))
      const listens = [config.gateway.listen, config.gateway.grpcListen, config.ingress.listen] as string[]
      for (const listen of listens) {
        expect(listen).toMatch(/^127\.0\.0\.1:\d+$/)
        // What the kernel says is listening on that port: loopback only, never 0.0.0.0.
        expect(listeningAddresses(Number(listen.split(':')[1]))).toEqual(['127.0.0.1'])
      }
    }
  })

  it('the providers stop with edge dev', async () => {
    const pids = (result.localProviders as Array<{pid: number}>).map((p) => p.pid)
    expect(pids.every(alive)).toBe(true)
    const stop = await runEdge(['dev', 'stop'], {home})
    expect(stop.exitCode).toBe(0)
    for (let i = 0; i < 60 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 250))
    expect(pids.some(alive)).toBe(false)
  })
})

/** The IPv4 addresses with a socket listening on `port` (/proc/net/tcp: little-endian hex address, state 0A). */
function listeningAddresses(port: number): string[] {
  const rows = readFileSync('/proc/net/tcp', 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/))
  return rows
    .filter((r) => r[3] === '0A' && Number.parseInt(r[1].split(':')[1], 16) === port)
    .map((r) => (r[1].split(':')[0].match(/../g) ?? []).map((h) => Number.parseInt(h, 16)).reverse().join('.'))
}
