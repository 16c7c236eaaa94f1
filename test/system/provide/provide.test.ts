import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {generateMnemonic} from '../../../src/config/mnemonic.js'
import {runEdge} from '../../helpers/run-edge.js'
import {type Harness, ingressGet, leaseContainers, startHarness, WEB_SDL} from './harness.js'
import {Tenant, httpsRequest, websocket} from './tenant.js'

let h: Harness
let tenant: Tenant

beforeAll(async () => {
  h = await startHarness({prefix: 'edge-provide-sys-'})
  await h.startProvider()
  tenant = await Tenant.open({mnemonic: h.devMnemonic, rpc: h.endpoints.rpc, grpc: h.endpoints.grpc})
})

afterAll(async () => {
  await tenant?.close()
  await h?.stop()
})

/** Deployment → our bid → lease; returns what the later steps need. */
async function leaseFromOurProvider(marker: string): Promise<{dseq: bigint; manifest: string; orderHeight: number; bidHeight: number}> {
  const d = await tenant.createDeployment(WEB_SDL(marker))
  const bid = await tenant.waitForBid(d.dseq, h.providerAddress)
  await tenant.createLease(bid.bid.id)
  return {dseq: d.dseq, manifest: d.manifest, orderHeight: d.height, bidHeight: Number(bid.bid.createdAt.toString())}
}

async function waitForRunning(dseq: bigint, token: string): Promise<Record<string, any>> {
  for (let i = 0; i < 120; i++) {
    const s = await httpsRequest(`${h.hostUri}/lease/${dseq}/1/1/status`, {token})
    if (s.status === 200 && s.json.services.web.available >= 1 && s.json.services.web.uris?.length) return s.json
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`lease ${dseq} did not become ready`)
}

describe('edge provide with a tenant that uses only chain-sdk, HTTPS and websockets', () => {
  it('bids on the order, takes the manifest, serves the lease, and tears it down on close', async () => {
    const {dseq, manifest, orderHeight, bidHeight} = await leaseFromOurProvider('hello-from-edge')
    // Latency is a benchmark figure (bench/provide: the next block); here only the order of events.
    expect(bidHeight).toBeGreaterThan(orderHeight)
    const placed = await h.provider!.waitFor('bid.placed', (e) => e.order.endsWith(`/${dseq}/1/1`))
    expect(placed.orderHeight).toBe(orderHeight)

    // The gateway's certificate is the provider's: CN = its address, serial published on chain.
    const address = await httpsRequest(`${h.hostUri}/address`)
    expect(address.json).toEqual({address: h.providerAddress})
    expect(address.peerCertificate?.subject).toContain(`CN=${h.providerAddress}`)
    const serial = BigInt('0x' + address.peerCertificate!.serialNumber).toString()
    expect(await tenant.certificateSerials(h.providerAddress)).toContain(serial)

    const token = await tenant.token()
    const put = await httpsRequest(`${h.hostUri}/deployment/${dseq}/manifest`, {method: 'PUT', token, body: manifest})
    expect(put.status, put.body).toBe(200)

    const status = await waitForRunning(dseq, token)
    const uri: string = status.services.web.uris[0]
    expect(uri).toMatch(new RegExp(`^[a-z2-7]{26}\\.localhost:${h.ingressPort}$`))

    // The container runs before httpd inside it listens: retry a few times, as a browser user would.
    let page = await ingressGet(h.ingressPort, uri.split(':')[0])
    for (let i = 0; i < 40 && page.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250))
      page = await ingressGet(h.ingressPort, uri.split(':')[0])
    }
    expect(page).toEqual({status: 200, body: 'hello-from-edge\n'})

    const logs = await websocket(`${h.hostUri}/lease/${dseq}/1/1/logs?follow=true&tail=-1`, token, {
      until: (r) => r.text.some((t) => JSON.parse(t).message.includes('started hello-from-edge')),
    })
    const first = logs.text.map((t) => JSON.parse(t)).find((l) => l.message.includes('started hello-from-edge'))
    expect(first).toEqual({name: 'web-0', message: 'started hello-from-edge'})

    const cmd = encodeURIComponent('cat /www/index.html; exit 7')
    const shell = await websocket(`${h.hostUri}/lease/${dseq}/1/1/shell?cmd0=sh&cmd1=-c&cmd2=${cmd}&tty=0&stdin=0&podIndex=0&service=web`, token)
    const stdout = shell.binary.filter((f) => f[0] === 100).map((f) => f.subarray(1).toString()).join('')
    expect(stdout).toBe('hello-from-edge\n')
    const result = shell.binary.find((f) => f[0] === 102)
    expect(JSON.parse(result!.subarray(1).toString())).toEqual({exit_code: 7})

    expect((await leaseContainers(h.podman.socketPath, tenant.address, dseq)).length).toBe(1)
    await tenant.closeDeployment(dseq)
    await h.provider!.waitFor('lease.closed', (e) => e.lease.endsWith(`/${dseq}/1/1`))
    expect(await leaseContainers(h.podman.socketPath, tenant.address, dseq)).toEqual([])
    expect((await ingressGet(h.ingressPort, uri.split(':')[0])).status).toBe(404)
  })

  it('refuses what it must refuse, with the documented status, and deploys nothing', async () => {
    const {dseq, manifest} = await leaseFromOurProvider('not-deployed')
    const url = `${h.hostUri}/deployment/${dseq}/manifest`

    // Another account with a public key on chain (it has sent a transaction).
    const strangerMnemonic = generateMnemonic(24)
    const strangerKey = await Tenant.open({mnemonic: strangerMnemonic, rpc: h.endpoints.rpc, grpc: h.endpoints.grpc})
    const fund = await runEdge(['dev', 'fund', strangerKey.address, '10akt', '--json'], {home: h.home})
    expect(fund.exitCode, fund.stderr).toBe(0)
    for (let i = 0; i < 40 && (await strangerKey.sdk.cosmos.bank.v1beta1.getAllBalances({address: strangerKey.address})).balances.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250))
    }
    await strangerKey.send(tenant.address, '1')
    const strangerToken = await strangerKey.token()
    await strangerKey.close()

    const other = await httpsRequest(url, {method: 'PUT', token: strangerToken, body: manifest})
    expect(other.status).toBe(404) // the stranger has no lease for this dseq: the tenant's lease is invisible to it
    expect((await httpsRequest(`${h.hostUri}/lease/${dseq}/1/1/status`, {token: strangerToken})).status).toBe(404)

    // A token issued in the tenant's name but signed by the stranger's key.
    const {signJwt} = await import('../../../src/provider/auth/jwt.js')
    const {deriveKey} = await import('../../../src/config/mnemonic.js')
    const k = await deriveKey(strangerMnemonic)
    const t = Math.floor(Date.now() / 1000)
    const forged = signJwt('ES256KADR36', {iss: tenant.address, iat: t, nbf: t, exp: t + 60, version: 'v1', leases: {access: 'full'}}, k.privkey, tenant.address)
    expect(await httpsRequest(url, {method: 'PUT', token: forged, body: manifest})).toMatchObject({status: 401, json: {message: 'JWT is invalid'}})

    const tenantKey = await deriveKey(h.devMnemonic)
    const expired = signJwt('ES256KADR36', {iss: tenant.address, iat: t - 7200, nbf: t - 7200, exp: t - 3600, version: 'v1', leases: {access: 'full'}}, tenantKey.privkey, tenant.address)
    expect(await httpsRequest(url, {method: 'PUT', token: expired, body: manifest})).toMatchObject({status: 401, json: {message: 'JWT is expired'}})

    const [, payload, sig] = (await tenant.token()).split('.')
    const hs256 = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${payload}.${sig}`
    expect(await httpsRequest(url, {method: 'PUT', token: hs256, body: manifest})).toMatchObject({status: 401, json: {message: 'JWT is invalid'}})

    const token = await tenant.token()
    const wrongHash = manifest.replace('not-deployed', 'evil-payload')
    const bad = await httpsRequest(url, {method: 'PUT', token, body: wrongHash})
    expect(bad.status).toBe(422)
    expect(bad.body).toMatch(/manifest version validation failed/)

    expect((await httpsRequest(`${h.hostUri}/deployment/${dseq + 1000n}/manifest`, {method: 'PUT', token, body: manifest})).status).toBe(404)
    expect((await httpsRequest(`${h.hostUri}/lease/${dseq + 1000n}/1/1/status`, {token})).status).toBe(404)
    expect((await httpsRequest(`${h.hostUri}/lease/${dseq}/1/1/status`, {token})).status).toBe(404) // no manifest accepted

    await new Promise((r) => setTimeout(r, 500))
    expect(await leaseContainers(h.podman.socketPath, tenant.address, dseq)).toEqual([])
    expect(h.provider!.events.filter((e) => e.type === 'manifest.rejected' && e.dseq === String(dseq)).map((e) => e.status)).toEqual(
      expect.arrayContaining([404, 422]),
    )
    await tenant.closeDeployment(dseq)
  })

  it('keeps serving a lease after kill -9 and a restart', async () => {
    const {dseq, manifest} = await leaseFromOurProvider('survives-restart')
    const token = await tenant.token()
    expect((await httpsRequest(`${h.hostUri}/deployment/${dseq}/manifest`, {method: 'PUT', token, body: manifest})).status).toBe(200)
    const status = await waitForRunning(dseq, token)
    const host = status.services.web.uris[0].split(':')[0]
    let page = await ingressGet(h.ingressPort, host)
    for (let i = 0; i < 40 && page.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250))
      page = await ingressGet(h.ingressPort, host)
    }
    expect(page.body).toBe('survives-restart\n')
    const [before] = await leaseContainers(h.podman.socketPath, tenant.address, dseq)

    h.provider!.child.kill('SIGKILL')
    await h.provider!.child.catch(() => {})
    await expect(ingressGet(h.ingressPort, host)).rejects.toThrow()

    const again = await h.startProvider()
    expect(again.events.find((e) => e.type === 'provider.started')?.resumedLeases).toBeGreaterThanOrEqual(1)
    await again.waitFor('lease.deployed', (e) => e.lease.endsWith(`/${dseq}/1/1`))
    expect(await ingressGet(h.ingressPort, host)).toEqual({status: 200, body: 'survives-restart\n'})
    const after = await waitForRunning(dseq, token)
    expect(after.services.web.uris[0].split(':')[0]).toBe(host)
    const [container] = await leaseContainers(h.podman.socketPath, tenant.address, dseq)
    expect(container.Id).toBe(before.Id) // re-attached, not recreated
    expect(again.events.some((e) => e.type === 'lease.closed')).toBe(false)

    await tenant.closeDeployment(dseq)
    await again.waitFor('lease.closed', (e) => e.lease.endsWith(`/${dseq}/1/1`))
    expect(await leaseContainers(h.podman.socketPath, tenant.address, dseq)).toEqual([])
  })
})
