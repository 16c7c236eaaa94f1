import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {JwtTokenManager} from '@akashnetwork/chain-sdk'
import {GroupSpec as GroupSpecCodec} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {Secp256k1HdWallet} from '@cosmjs/amino'
import {afterAll, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest'
import WebSocket from 'ws'

import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {groupSpecFromDecoded as toMarketSpec} from '../../../src/sdl/groupspec.js'
import type {Deployment} from '../../../src/market/market.js'
import {b64urlEncode, signJwt} from '../../../src/provider/auth/jwt.js'
import {Capacity} from '../../../src/provider/capacity/capacity.js'
import {EventHub} from '../../../src/provider/events.js'
import {Gateway} from '../../../src/provider/gateway/gateway.js'
import {SHELL} from '../../../src/provider/gateway/ws-shell.js'
import {RouteTable} from '../../../src/provider/ingress/route-table.js'
import {LeaseManager} from '../../../src/provider/leases/lease-manager.js'
import {ProviderStore} from '../../../src/provider/state/store.js'
import {generateServerCertificate} from '../../../src/provider/tls/server-certificate.js'
import {groupSpecs, loadSdlOrThrow, manifestSortedJson, manifestVersion} from '../../../src/sdl/index.js'
import {FakeMarket, FakeRuntime, FakeTx, PROVIDER, order} from './fakes.js'
import {CORPUS} from '../../helpers/corpus.js'

const SDL = `
version: "2.0"
services:
  web:
    image: busybox:1.36
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.5}
        memory: {size: 256Mi}
        storage: {size: 512Mi}
  placement:
    dc:
      pricing:
        web: {denom: uact, amount: 1000}
deployment:
  web:
    dc:
      profile: web
      count: 1
`

// The same service answering under a custom name: what a tenant moves to a new deployment.
const SDL_SHOP = SDL.replace('        to:\n          - global: true', '        accept: [shop.example.com]\n        to:\n          - global: true')
let shopBody: string
const routes = new RouteTable()

const mnemonic = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()
let tenant: Awaited<ReturnType<typeof deriveKey>>
let stranger: Awaited<ReturnType<typeof deriveKey>>
let strangerMnemonic: string
let dir: string
let store: ProviderStore
let market: FakeMarket
let runtime: FakeRuntime
let gateway: Gateway
let base: string
let ca: string
let body: string
let clientCert: Awaited<ReturnType<typeof generateServerCertificate>>
let revokedCert: Awaited<ReturnType<typeof generateServerCertificate>>
const now = () => Math.floor(Date.now() / 1000)

async function chainSdkToken(m = mnemonic, leases: object = {access: 'full'}): Promise<string> {
  const wallet = await Secp256k1HdWallet.fromMnemonic(m, {prefix: 'akash'})
  const [acc] = await wallet.getAccounts()
  const t = now()
  return new JwtTokenManager(wallet).generateToken({version: 'v1', iss: acc.address, iat: t, nbf: t, exp: t + 600, leases: leases as never})
}

interface Reply {
  status: number
  body: string
  json?: any
  headers: Record<string, unknown>
}

function request(method: string, path: string, options: {token?: string; body?: string; headers?: Record<string, string>; cert?: {certPem: string; keyPem: string}; maxVersion?: 'TLSv1.2'} = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${base}${path}`,
      {
        method,
        ca,
        servername: 'localhost',
        headers: {...(options.token ? {Authorization: `Bearer ${options.token}`} : {}), ...options.headers},
        ...(options.cert ? {cert: options.cert.certPem, key: options.cert.keyPem} : {}),
        ...(options.maxVersion ? {maxVersion: options.maxVersion} : {}),
        agent: false,
      },
      (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => {
          let json
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({status: res.statusCode ?? 0, body: text, json, headers: res.headers})
        })
      },
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

function openWs(path: string, token?: string): Promise<{ws: WebSocket; frames: Buffer[]; text: string[]; closed: Promise<{code: number; reason: string}>}> {
  return new Promise((resolve, reject) => {
    // `servername` goes on to tls.connect (the certificate names localhost, the URL an IP); ws's types omit it.
    const options: WebSocket.ClientOptions & {servername: string} = {ca, servername: 'localhost', headers: token ? {Authorization: `Bearer ${token}`} : {}}
    const ws = new WebSocket(`${base.replace('https', 'wss')}${path}`, options)
    const frames: Buffer[] = []
    const text: string[] = []
    const closed = new Promise<{code: number; reason: string}>((r) => ws.on('close', (code, reason) => r({code, reason: reason.toString()})))
    ws.on('message', (data: Buffer, isBinary) => (isBinary ? frames.push(Buffer.from(data)) : text.push(data.toString())))
    ws.on('open', () => resolve({ws, frames, text, closed}))
    ws.on('unexpected-response', (_req, res) => {
      let t = ''
      res.on('data', (c) => (t += c))
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), {status: res.statusCode, body: t})))
    })
    ws.on('error', (e) => reject(e))
  })
}

let leases: LeaseManager
const hub = new EventHub()

beforeAll(async () => {
  tenant = await deriveKey(mnemonic)
  strangerMnemonic = generateMnemonic(24)
  stranger = await deriveKey(strangerMnemonic)
  dir = mkdtempSync(join(tmpdir(), 'edge-gw-'))
  const sdl = loadSdlOrThrow(SDL)
  body = manifestSortedJson(sdl)
  const spec = toMarketSpec(GroupSpecCodec.fromPartial(groupSpecs(sdl)[0] as never))
  market = new FakeMarket()
  market.accounts.set(tenant.address, {address: tenant.address, accountNumber: 1n, sequence: 1n, pubkey: tenant.pubkey})
  market.accounts.set(stranger.address, {address: stranger.address, accountNumber: 2n, sequence: 1n, pubkey: stranger.pubkey})
  const dep: Deployment = {
    id: {owner: tenant.address, dseq: 5n},
    state: 'active',
    hash: manifestVersion(sdl).bytes,
    createdAt: 10,
    groups: [{id: {owner: tenant.address, dseq: 5n, gseq: 1}, state: 'open', spec, createdAt: 10}],
  }
  market.deploymentList.push(dep, {...dep, id: {owner: tenant.address, dseq: 6n}, groups: [{...dep.groups[0], id: {owner: tenant.address, dseq: 6n, gseq: 1}}]})
  market.addLease(order(5, {spec}, tenant.address))
  market.addLease(order(6, {spec}, tenant.address))
  const shop = loadSdlOrThrow(SDL_SHOP)
  shopBody = manifestSortedJson(shop)
  for (const dseq of [7n, 8n]) {
    market.deploymentList.push({...dep, id: {owner: tenant.address, dseq}, hash: manifestVersion(shop).bytes, groups: [{...dep.groups[0], id: {owner: tenant.address, dseq, gseq: 1}}]})
    market.addLease(order(Number(dseq), {spec}, tenant.address))
  }
  // Another tenant whose deployment asks for the same custom name.
  market.deploymentList.push({...dep, id: {owner: stranger.address, dseq: 9n}, hash: manifestVersion(shop).bytes, groups: [{...dep.groups[0], id: {owner: stranger.address, dseq: 9n, gseq: 1}}]})
  market.addLease(order(9, {spec}, stranger.address))
  clientCert = await generateServerCertificate(tenant.address, [])
  revokedCert = await generateServerCertificate(tenant.address, [])
  market.certs.push(
    {owner: tenant.address, serial: clientCert.serial, state: 'valid', cert: clientCert.certPem, pubkey: clientCert.pubkeyPem},
    {owner: tenant.address, serial: revokedCert.serial, state: 'revoked', cert: revokedCert.certPem, pubkey: revokedCert.pubkeyPem},
  )

  store = await ProviderStore.open(join(dir, 'state.db'))
  runtime = new FakeRuntime()
  runtime.logLines = [
    {service: 'web', replica: 0, line: 'hello', stream: 'stdout'},
    {service: 'web', replica: 0, line: 'world', stream: 'stderr'},
  ]
  runtime.eventList = [{type: 'container.started', ts: Date.now(), lease: {owner: tenant.address, dseq: '5', gseq: 1, oseq: 1, provider: PROVIDER}, service: 'web', replica: 0, severity: 'normal', reason: 'Started', message: 'Started container web-0'}]
  leases = new LeaseManager({
    address: PROVIDER,
    store,
    runtime,
    market,
    tx: new FakeTx(),
    capacity: new Capacity({cpuMillis: 4000, memoryBytes: String(8 * 1024 ** 3), storageBytes: String(100 * 1024 ** 3), gpus: [], storageClasses: []}),
    events: hub,
    ingress: {
      proxy: {
        setLeaseRoutes: (key, r) => routes.setLease(key, r),
        removeLease: (key) => routes.removeLease(key),
        hostnameHolder: (host) => routes.holder(host)?.lease,
        pinHostname: (host, key) => routes.pin(host, key),
      },
      plan: {domain: 'localhost', publicHost: '127.0.0.1', ingressPort: 8080, salt: 's'},
    },
    manifestTimeoutMs: 300_000,
    withdrawIntervalMs: 0,
  })
  await leases.reconcile(market.leaseList, 11)
  const cert = await generateServerCertificate(PROVIDER, ['localhost', '127.0.0.1'])
  ca = cert.certPem
  gateway = new Gateway({
    address: PROVIDER,
    leases,
    tls: cert,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 64 * 1024,
    events: hub,
    publicKey: async (a) => market.accounts.get(a)?.pubkey,
    certificate: async (owner, serial) => {
      const c = market.certs.find((x) => x.owner === owner && x.serial === serial)
      return c ? {state: c.state, certPem: c.cert} : undefined
    },
    status: () => ({cluster: {leases: 2}}),
    version: () => ({akash: {name: 'edge-provider'}}),
  })
  const bound = await gateway.listen()
  base = `https://127.0.0.1:${bound.port}`
})

afterAll(async () => {
  await gateway?.close()
  store?.close()
  rmSync(dir, {recursive: true, force: true})
})

describe('gateway: public routes', () => {
  it('serves /version, /address and /status without auth', async () => {
    expect((await request('GET', '/version')).json).toEqual({akash: {name: 'edge-provider'}})
    expect((await request('GET', '/address')).json).toEqual({address: PROVIDER})
    expect((await request('GET', '/status')).json).toEqual({cluster: {leases: 2}, address: PROVIDER})
  })

  it('speaks TLS 1.3 only', async () => {
    await expect(request('GET', '/version', {maxVersion: 'TLSv1.2'})).rejects.toThrow()
  })

  it('answers unknown paths 404 and wrong methods 405', async () => {
    expect((await request('GET', '/nope')).status).toBe(404)
    expect((await request('POST', '/status')).status).toBe(405)
  })
})

describe('gateway: manifest PUT', () => {
  beforeEach(() => {
    runtime.deployed = []
  })

  it('refuses without credentials: 401 {"message":"unauthorized access"}', async () => {
    const r = await request('PUT', '/deployment/5/manifest', {body})
    expect(r.status).toBe(401)
    expect(r.json).toEqual({message: 'unauthorized access'})
    expect(runtime.deployed).toEqual([])
  })

  it('refuses a manifest whose hash is not the on-chain version: 422, nothing deployed', async () => {
    const changed = body.replace('busybox:1.36', 'busybox:9.99')
    const r = await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(), body: changed})
    expect(r.status).toBe(422)
    expect(r.body).toMatch(/manifest version validation failed/)
    expect(runtime.deployed).toEqual([])
  })

  it('refuses a deployment with no lease here: 404', async () => {
    const r = await request('PUT', '/deployment/77/manifest', {token: await chainSdkToken(), body})
    expect(r.status).toBe(404)
    expect(r.body).toBe('no lease for deployment\n')
  })

  it("another account's valid token cannot reach this tenant's lease (its own has none: 404)", async () => {
    const r = await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(strangerMnemonic), body})
    expect(r.status).toBe(404)
    expect(runtime.deployed).toEqual([])
  })

  it("a token signed by another account for this tenant's address: 401 JWT is invalid", async () => {
    const t = now()
    const forged = signJwt('ES256KADR36', {iss: tenant.address, iat: t, nbf: t, exp: t + 60, version: 'v1', leases: {access: 'full'}}, stranger.privkey, tenant.address)
    const r = await request('PUT', '/deployment/5/manifest', {token: forged, body})
    expect(r.status).toBe(401)
    expect(r.json).toEqual({message: 'JWT is invalid'})
    expect(runtime.deployed).toEqual([])
  })

  it('an expired token: 401 JWT is expired', async () => {
    const t = now()
    const expired = signJwt('ES256K', {iss: tenant.address, iat: t - 7200, nbf: t - 7200, exp: t - 3600, version: 'v1', leases: {access: 'full'}}, tenant.privkey, tenant.address)
    const r = await request('PUT', '/deployment/5/manifest', {token: expired, body})
    expect(r).toMatchObject({status: 401, json: {message: 'JWT is expired'}})
    expect(runtime.deployed).toEqual([])
  })

  it('a wrong algorithm: 401 JWT is invalid', async () => {
    const good = await chainSdkToken()
    const [, payload, sig] = good.split('.')
    const hs = `${b64urlEncode(Buffer.from('{"alg":"HS256","typ":"JWT"}'))}.${payload}.${sig}`
    const r = await request('PUT', '/deployment/5/manifest', {token: hs, body})
    expect(r).toMatchObject({status: 401, json: {message: 'JWT is invalid'}})
  })

  it('a scoped token without send-manifest: 401', async () => {
    const r = await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(mnemonic, {access: 'scoped', scope: ['logs']}), body})
    expect(r.status).toBe(401)
  })

  it('a malformed Authorization header: 400', async () => {
    const r = await request('PUT', '/deployment/5/manifest', {headers: {Authorization: 'Token abc'}, body})
    expect(r).toMatchObject({status: 400, json: {message: 'invalid authorization header'}})
  })

  it('bodies over the limit: 413', async () => {
    const r = await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(), body: 'x'.repeat(70 * 1024)})
    expect(r.status).toBe(413)
  })

  it('accepts the manifest from chain-sdk JwtTokenManager: 200 with an empty body, then deploys', async () => {
    const r = await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(), body})
    expect(r.status).toBe(200)
    expect(r.body).toBe('')
    await new Promise((res) => setTimeout(res, 50))
    expect(runtime.deployed).toContain(`${tenant.address}/5/1/1`)
    expect(store.manifest(tenant.address, '5')?.body).toBe(body)
  })
})

describe('gateway: lease routes', () => {
  beforeAll(async () => {
    await request('PUT', '/deployment/5/manifest', {token: await chainSdkToken(), body})
    await new Promise((res) => setTimeout(res, 50))
  })

  it('lease status has services, URIs and forwarded ports', async () => {
    const r = await request('GET', '/lease/5/1/1/status', {token: await chainSdkToken()})
    expect(r.status).toBe(200)
    expect(r.json.services.web).toMatchObject({name: 'web', available: 1, total: 1, ready_replicas: 1})
    expect(r.json.services.web.uris[0]).toMatch(/^[a-z2-7]{26}\.localhost:8080$/)
    expect(r.json.forwarded_ports).toEqual({})
  })

  it('lease status before any manifest: 404', async () => {
    const r = await request('GET', '/lease/6/1/1/status', {token: await chainSdkToken()})
    expect(r.status).toBe(404)
  })

  it('a lease that does not exist: 404; bad ids: 400', async () => {
    expect((await request('GET', '/lease/99/1/1/status', {token: await chainSdkToken()})).status).toBe(404)
    expect((await request('GET', '/lease/x/1/1/status', {token: await chainSdkToken()})).status).toBe(400)
  })

  it("another account sees none of this tenant's leases", async () => {
    expect((await request('GET', '/lease/5/1/1/status', {token: await chainSdkToken(strangerMnemonic)})).status).toBe(404)
    expect((await request('GET', '/lease/5/1/1/manifest', {token: await chainSdkToken(strangerMnemonic)})).status).toBe(404)
  })

  it('service status and the lease manifest', async () => {
    const s = await request('GET', '/lease/5/1/1/service/web/status', {token: await chainSdkToken()})
    expect(s.json).toMatchObject({name: 'web', available: 1, total: 1})
    expect((await request('GET', '/lease/5/1/1/service/db/status', {token: await chainSdkToken()})).status).toBe(404)
    const m = await request('GET', '/lease/5/1/1/manifest', {token: await chainSdkToken()})
    expect(m.json[0].name).toBe('dc')
    expect(m.json[0].services[0].image).toBe('busybox:1.36')
  })

  it('scopes: a logs-only token may not read status', async () => {
    const token = await chainSdkToken(mnemonic, {access: 'scoped', scope: ['logs']})
    expect((await request('GET', '/lease/5/1/1/status', {token})).status).toBe(401)
  })

  it('granular permissions for another provider are refused', async () => {
    const token = await chainSdkToken(mnemonic, {access: 'granular', permissions: [{provider: stranger.address, access: 'full'}]})
    expect((await request('GET', '/lease/5/1/1/status', {token})).status).toBe(401)
  })

  it('mTLS with the tenant certificate on chain works; revoked is refused; with a JWT too is ambiguous', async () => {
    const ok = await request('GET', '/lease/5/1/1/status', {cert: clientCert})
    expect(ok.status).toBe(200)
    const revoked = await request('GET', '/lease/5/1/1/status', {cert: revokedCert})
    expect(revoked.status).toBe(401)
    expect(revoked.json.message).toMatch(/revoked/)
    const both = await request('GET', '/lease/5/1/1/status', {cert: clientCert, token: await chainSdkToken()})
    expect(both).toMatchObject({status: 400, json: {message: 'auth: ambiguous authentication. may not use mTLS and JWT at the same time'}})
  })
})

describe('gateway: websockets', () => {
  it('streams logs as {name, message} frames and closes normally', async () => {
    const {text, closed} = await openWs('/lease/5/1/1/logs?follow=false&tail=-1', await chainSdkToken())
    expect(await closed).toMatchObject({code: 1000})
    expect(text.map((t) => JSON.parse(t))).toEqual([
      {name: 'web-0', message: 'hello'},
      {name: 'web-0', message: 'world'},
    ])
  })

  it('refuses logs without auth (401 before upgrade) and a trailing comma in service (400)', async () => {
    await expect(openWs('/lease/5/1/1/logs')).rejects.toMatchObject({status: 401})
    await expect(openWs('/lease/5/1/1/logs?service=web,', await chainSdkToken())).rejects.toMatchObject({status: 400})
  })

  it('closes with 4001 for a lease without a manifest', async () => {
    const {closed} = await openWs('/lease/6/1/1/logs', await chainSdkToken())
    expect((await closed).code).toBe(4001)
  })

  it('serves kubeevents frames', async () => {
    const {text, closed} = await openWs('/lease/5/1/1/kubeevents', await chainSdkToken())
    await closed
    const frame = JSON.parse(text[0])
    expect(frame).toMatchObject({type: 'Normal', reason: 'Started', note: 'Started container web-0', object: {kind: 'Pod', name: 'web-0'}})
    // When it happened (ux-test D25), a field Akash's frame lacks.
    expect(new Date(frame.eventTime).toISOString()).toBe(frame.eventTime)
  })

  it('runs a shell command: stdout (100), stderr (101), then the exit code (102)', async () => {
    const {frames, closed} = await openWs('/lease/5/1/1/shell?cmd0=sh&cmd1=-c&cmd2=fail&tty=0&stdin=0&podIndex=0&service=web', await chainSdkToken())
    await closed
    const out = frames.filter((f) => f[0] === SHELL.stdout).map((f) => f.subarray(1).toString()).join('')
    expect(out).toBe('ran sh -c fail\n')
    expect(frames.some((f) => f[0] === SHELL.stderr)).toBe(true)
    const result = frames.find((f) => f[0] === SHELL.result)!
    expect(JSON.parse(result.subarray(1).toString())).toEqual({exit_code: 3})
  })

  it('passes stdin (104) through, an empty 104 frame ends it', async () => {
    const {ws, frames, closed} = await openWs('/lease/5/1/1/shell?cmd0=cat&tty=0&stdin=1&podIndex=0&service=web', await chainSdkToken())
    ws.send(Buffer.concat([Buffer.from([SHELL.stdin]), Buffer.from('abc')]))
    ws.send(Buffer.from([SHELL.stdin]))
    await closed
    expect(frames.filter((f) => f[0] === SHELL.stdout).map((f) => f.subarray(1).toString()).join('')).toBe('ran cat with abc\n')
  })

  it('reports an unknown service in the result frame; missing parameters are a 400', async () => {
    const {frames, closed} = await openWs('/lease/5/1/1/shell?cmd0=ls&tty=0&stdin=0&podIndex=0&service=db', await chainSdkToken())
    await closed
    expect(JSON.parse(frames.find((f) => f[0] === SHELL.result)!.subarray(1).toString()).message).toMatch(/no service/)
    await expect(openWs('/lease/5/1/1/shell?cmd0=ls&tty=0', await chainSdkToken())).rejects.toMatchObject({status: 400})
  })
})

describe('gateway: hostname and endpoint migration', () => {
  const migrate = async (path: string, body: unknown, token?: string) =>
    request('POST', path, {token: token ?? (await chainSdkToken()), body: typeof body === 'string' ? body : JSON.stringify(body)})

  it('moves a custom hostname to the owner\'s new deployment, for good', async () => {
    const sub = hub.subscribe()
    const seen: string[] = []
    const collecting = (async () => {
      for await (const e of sub) if (e.type === 'warning') seen.push(e.message)
    })()
    for (const dseq of [7, 8]) expect((await request('PUT', `/deployment/${dseq}/manifest`, {token: await chainSdkToken(), body: shopBody})).status).toBe(200)
    await leases.refreshRoutes()
    // The first deployment to ask holds the name; the second is refused it.
    expect(routes.holder('shop.example.com')?.lease.dseq).toBe('7')
    const r = await migrate('/hostname/migrate', {hostnames_to_migrate: ['shop.example.com'], destination_dseq: 8, destination_gseq: 1})
    expect(r.status).toBe(200)
    expect(r.json).toEqual({transferred: ['shop.example.com']})
    expect(routes.holder('shop.example.com')?.lease.dseq).toBe('8')
    // Routing the old lease again (a refresh, a restart) does not take it back.
    await leases.refreshRoutes()
    expect(routes.holder('shop.example.com')?.lease.dseq).toBe('8')
    expect(store.hostnamePins()).toEqual([{hostname: 'shop.example.com', orderKey: `${tenant.address}/8/1/1`}])
    await leases.refreshRoutes()
    sub.close()
    await collecting
    // Each lease that did not get the name is told once, not at every refresh of the routes.
    const about = (dseq: number) => seen.filter((m) => m === `lease ${tenant.address}/${dseq}/1/1: hostname shop.example.com is served by another lease`)
    expect(about(8)).toHaveLength(1)
    expect(about(7)).toHaveLength(1)
  })

  it('refuses a hostname another tenant holds: "hostname not allowed", nothing moves', async () => {
    const token = await chainSdkToken(strangerMnemonic)
    expect((await request('PUT', '/deployment/9/manifest', {token, body: shopBody})).status).toBe(200)
    await leases.refreshRoutes()
    expect(routes.holder('shop.example.com')?.lease).toMatchObject({owner: tenant.address, dseq: '8'})
    const r = await migrate('/hostname/migrate', {hostnames_to_migrate: ['shop.example.com'], destination_dseq: 9, destination_gseq: 1}, token)
    expect([r.status, r.body]).toEqual([400, 'hostname not allowed: "shop.example.com" is in use by another tenant\n'])
    expect(routes.holder('shop.example.com')?.lease.dseq).toBe('8')
    expect(store.hostnamePins()).toEqual([{hostname: 'shop.example.com', orderKey: `${tenant.address}/8/1/1`}])
  })

  it('after a restart the pin holds: restored before routing, and not up for grabs meanwhile', async () => {
    const table = new RouteTable()
    const restarted = new LeaseManager({
      address: PROVIDER,
      store,
      runtime,
      market,
      tx: new FakeTx(),
      capacity: new Capacity({cpuMillis: 4000, memoryBytes: String(8 * 1024 ** 3), storageBytes: String(100 * 1024 ** 3), gpus: [], storageClasses: []}),
      events: new EventHub(),
      ingress: {
        proxy: {
          setLeaseRoutes: (key, r) => table.setLease(key, r),
          removeLease: (key) => table.removeLease(key),
          hostnameHolder: (host) => table.holder(host)?.lease,
          pinHostname: (host, key) => table.pin(host, key),
        },
        plan: {domain: 'localhost', publicHost: '127.0.0.1', ingressPort: 8080, salt: 's'},
      },
      manifestTimeoutMs: 300_000,
      withdrawIntervalMs: 0,
    })
    // Nothing routed yet: the stored pin alone keeps another tenant off the name.
    expect(table.holder('shop.example.com')).toBeUndefined()
    expect(restarted.migrateHostnames(stranger.address, ['shop.example.com'], 9n, 1)).toMatchObject({ok: false, status: 400, message: expect.stringMatching(/^hostname not allowed/)})
    await restarted.resume()
    // Deployments 7 and 9 still declare the name and are routed again, in whatever order; 8 holds it.
    const routed = (owner: string, dseq: number) => table.leaseRoutes(`${owner}/${dseq}/1/1/${PROVIDER}`)
    await vi.waitFor(() => {
      for (const [owner, dseq] of [[tenant.address, 7], [tenant.address, 8], [stranger.address, 9]] as const) expect(routed(owner, dseq)).not.toHaveLength(0)
    })
    expect(table.holder('shop.example.com')?.lease.dseq).toBe('8')
    expect(routed(tenant.address, 7)[0].declared).toContain('shop.example.com')
  })

  it('answers as Akash does: 401 without a token, 422 for bad JSON, 400 for what cannot be moved', async () => {
    expect((await request('POST', '/hostname/migrate', {body: '{}'})).status).toBe(401)
    // Akash sends these bare; the text here says what was wrong and what a good body is.
    const bad = async (body: unknown) => {
      const r = await migrate('/hostname/migrate', body)
      return [r.status, r.body.split(':')[0]]
    }
    expect(await bad('{not json')).toEqual([422, 'the body is not JSON'])
    expect(await bad('[1]')).toEqual([422, 'the body is not a JSON object'])
    expect(await bad({hostnames_to_migrate: 'x', destination_dseq: 8})).toEqual([422, 'hostnames_to_migrate must be a list of strings'])
    expect(await bad({hostnames_to_migrate: ['a'], destination_dseq: -1})).toEqual([422, 'destination_dseq must be a non-negative integer'])
    expect(await bad({hostnames_to_migrate: ['a'], destination_dseq: 8, destination_gseq: '1'})).toEqual([422, 'destination_gseq must be an integer from 0 to 4294967295'])
    expect((await migrate('/hostname/migrate', '{not json')).body).toContain('"hostnames_to_migrate": ["…"], "destination_dseq": <uint64>, "destination_gseq": <uint32>')
    expect(await bad({hostnames_to_migrate: [], destination_dseq: 8, destination_gseq: 1})).toEqual([400, 'no hostnames indicated for migration'])
    expect(await bad('null')).toEqual([400, 'no hostnames indicated for migration'])
    const missing = await migrate('/hostname/migrate', {hostnames_to_migrate: ['shop.example.com'], destination_dseq: 99, destination_gseq: 1})
    expect([missing.status, missing.body]).toEqual([400, 'destination deployment does not exist\n'])
    const undeclared = await migrate('/hostname/migrate', {hostnames_to_migrate: ['other.example.com'], destination_dseq: 7, destination_gseq: 1})
    expect([undeclared.status, undeclared.body]).toEqual([400, 'the hostname "other.example.com" is not used by this deployment\n'])
    // Another tenant has no deployment 8 here.
    const stranger = await migrate('/hostname/migrate', {hostnames_to_migrate: ['shop.example.com'], destination_dseq: 8, destination_gseq: 1}, await chainSdkToken(strangerMnemonic))
    expect(stranger.status).toBe(400)
    expect(routes.holder('shop.example.com')?.lease.dseq).toBe('8')
  })

  it('refuses endpoint migration: this provider leases no IP endpoints', async () => {
    const r = await migrate('/endpoint/migrate', {endpoints_to_migrate: ['ep-1'], destination_dseq: 8, destination_gseq: 1})
    expect([r.status, r.body]).toEqual([400, 'the endpoint "ep-1" does not exist in the destination deployment\n'])
    expect((await migrate('/endpoint/migrate', {endpoints_to_migrate: [], destination_dseq: 8, destination_gseq: 1})).status).toBe(400)
  })
})
