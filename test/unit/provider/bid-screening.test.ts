/**
 * Bid screening (AEP-67) as Akash's own client reads it: chain-sdk's `createProviderSDK`
 * (akash.provider.v1 bidScreening over gRPC), unchanged, and a plain HTTPS POST to
 * /v1/bid-screening, against the gateway and gRPC server `startProvider` serves. The answer is
 * the bid engine's decision: a group it can serve gets a price and resource offers, the others a
 * reason a tenant can act on.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createProviderSDK} from '@akashnetwork/chain-sdk'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {groupSpecs, groupSpecsJson, loadSdlOrThrow} from '../../../src/sdl/index.js'
import {startTestProvider} from './start-helpers.js'

const GiB = 1024n ** 3n
let dir: string
let running: Awaited<ReturnType<typeof startTestProvider>>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-screening-'))
  running = await startTestProvider(dir, (address) => ({
    name: 'unit',
    network: 'local',
    hostUri: 'https://127.0.0.1:0',
    address,
    attributes: {region: 'us-west'},
    capacity: {
      cpuMillis: 4000,
      memoryBytes: String(8n * GiB),
      storageBytes: String(20n * GiB),
      gpus: [{index: 0, vendor: 'nvidia', model: 'h100', ram: '80Gi', interface: 'sxm'}],
      storageClasses: [],
    },
    runtime: {kind: 'process'},
    ingress: {domain: 'localhost', listen: '127.0.0.1:0'},
  }))
})
afterAll(async () => {
  await running?.stop()
  rmSync(dir, {recursive: true, force: true})
})

function sdl(o: {cpu?: string; region?: string; gpu?: string; amount?: number} = {}): string {
  return `
version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu:
          units: ${o.cpu ?? '0.5'}
        memory:
          size: 512Mi
        storage:
          size: 1Gi${o.gpu ? `\n        gpu:\n          units: 1\n          attributes:\n            vendor:\n              nvidia:\n                - model: ${o.gpu}` : ''}
  placement:
    dc:
      attributes:
        region: ${o.region ?? 'us-west'}
      pricing:
        web:
          denom: uact
          amount: ${o.amount ?? 1000}
deployment:
  web:
    dc:
      profile: web
      count: 1
`
}

function post(url: string, body: unknown): Promise<{status: number; json: any}> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {method: 'POST', rejectUnauthorized: false, headers: {'content-type': 'application/json'}}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined}))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

describe('bid screening through chain-sdk and plain HTTPS', () => {
  it('a group the provider can serve: passed, with the price it would bid and a resource offer per unit', async () => {
    const sdk = createProviderSDK({baseUrl: running.provider.grpcUrl})
    const answer = await sdk.akash.provider.v1.bidScreening({groupSpec: groupSpecs(loadSdlOrThrow(sdl()))[0], hostnames: []})
    expect(answer.passed).toBe(true)
    expect(answer.reasons).toEqual([])
    expect(answer.price?.denom).toBe('uact')
    expect(Number(answer.price?.amount)).toBeGreaterThan(0)
    expect(answer.resourceOffers).toHaveLength(1)
    expect(answer.resourceOffers[0].resources?.cpu?.units?.val).toBe(500n)

    // The same over REST, in the proto's JSON (what grpc-gateway and chain-sdk's REST transport use).
    const rest = await post(`${running.provider.gatewayUrl}/v1/bid-screening`, {group_spec: groupSpecsJson(loadSdlOrThrow(sdl()))[0], hostnames: []})
    expect(rest.status).toBe(200)
    expect(rest.json).toMatchObject({passed: true, price: {denom: 'uact'}})
    expect(rest.json.resource_offers).toHaveLength(1)
  })

  it('groups it cannot serve: not passed, each with the reason a tenant can act on', async () => {
    const sdk = createProviderSDK({baseUrl: running.provider.grpcUrl})
    const screen = (text: string) => sdk.akash.provider.v1.bidScreening({groupSpec: groupSpecs(loadSdlOrThrow(text))[0], hostnames: []})
    const placement = await screen(sdl({region: 'eu-central'}))
    expect(placement).toMatchObject({passed: false, reasons: [expect.stringMatching(/^placement: provider does not have region=eu-central/)]})
    expect(placement.price).toBeUndefined()
    expect((await screen(sdl({cpu: '64'}))).reasons).toEqual([expect.stringMatching(/^capacity: not enough free now: needs 64 CPU.*try again later/)])
    expect((await screen(sdl({gpu: 'a100'}))).reasons).toEqual([expect.stringMatching(/^GPU: .*a100.*ask for a model this provider offers/)])
    expect((await screen(sdl({amount: 1}))).reasons).toEqual([expect.stringMatching(/^price: the provider's price .* above the order's maximum .*raise the SDL's pricing/)])
  })

  it('REST answers 400 for a body that is not JSON', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${running.provider.gatewayUrl}/v1/bid-screening`, {method: 'POST', rejectUnauthorized: false}, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end('not json')
    })
    expect(r).toBe(400)
  })
})
