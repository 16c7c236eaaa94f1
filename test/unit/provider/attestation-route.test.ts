/**
 * The provider's AEP-83 quote route (src/provider/gateway/attestation.ts) behind a plain HTTP server:
 * authorization with the attestation scope, the sidecar's nonce checks, a MOCK that edge's own
 * verifier reads as mock with this request's nonce, and a clear refusal from a host that is no TEE.
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {secp256k1} from '@noble/curves/secp256k1'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {type QuoteSource, hostQuoteSource, mockQuoteSource} from '../../../src/provider/attestation/quote-source.js'
import {answerAttestationQuote} from '../../../src/provider/gateway/attestation.js'
import type {GatewayOptions} from '../../../src/provider/gateway/gateway.js'
import {leaseToken} from '../../../src/provider-client/jwt.js'
import {verifyAkashQuote} from '../../../src/verify/attestation/index.js'

let PROVIDER: string
let tenant: Awaited<ReturnType<typeof deriveKey>>
let source: QuoteSource = mockQuoteSource()
let server: http.Server
let base: string

beforeAll(async () => {
  tenant = await deriveKey(generateMnemonic(), 'akash')
  PROVIDER = (await deriveKey(generateMnemonic(), 'akash')).address
  const pubkey = secp256k1.getPublicKey(tenant.privkey, true)
  const options = {
    address: PROVIDER,
    publicKey: async (a: string) => (a === tenant.address ? pubkey : undefined),
    certificate: async () => undefined,
    leases: {
      lease: (owner: string, dseq: bigint) => (owner === tenant.address && dseq === 7n ? ({orderKey: 'x'} as never) : undefined),
      manifestGroup: () => ({name: 'g', services: [{name: 'web', count: 1, resources: {cpu: {units: {val: '100'}}, memory: {size: {val: '1'}}, gpu: {units: {val: '2'}}}}]}),
    },
  } as unknown as GatewayOptions
  server = http.createServer((req, res) => {
    const o = {...options, attestation: source}
    void answerAttestationQuote(req, res, new URL(req.url ?? '/', 'http://x').pathname, o).then((handled) => {
      if (!handled) res.writeHead(404).end('not this route')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

const token = (scope: Array<'attestation' | 'status'> = ['attestation']) => leaseToken({key: {address: tenant.address, privkey: tenant.privkey}, provider: PROVIDER, dseq: 7n, scope})

async function post(path: string, body: unknown, auth = token()): Promise<{status: number; text: string}> {
  const r = await fetch(base + path, {method: 'POST', headers: {authorization: `Bearer ${auth}`, 'content-type': 'application/json'}, body: typeof body === 'string' ? body : JSON.stringify(body)})
  return {status: r.status, text: await r.text()}
}

const nonce = new Uint8Array(64).map((_, i) => i * 3)
const QUOTE = '/lease/7/1/1/attestation/quote'

describe('POST /lease/{dseq}/{gseq}/{oseq}/attestation/quote', () => {
  it('answers an owner on edge dev with a MOCK that echoes the nonce, one mock report per GPU', async () => {
    source = mockQuoteSource()
    const r = await post(QUOTE, {nonce: Buffer.from(nonce).toString('base64')})
    expect(r.status).toBe(200)
    const json = JSON.parse(r.text)
    expect(json.tee_platform).toBe('snp-gpu')
    expect(json.gpu_reports).toHaveLength(2)
    const verdict = await verifyAkashQuote(json, {nonce})
    expect(verdict.mock).toBe(true)
    expect(verdict.status).toBe('mock')
    // akt's check: a MOCK report carries the nonce at bytes 80..144.
    expect(Buffer.from(json.report, 'base64').subarray(80, 144)).toEqual(Buffer.from(nonce))
    const other = await verifyAkashQuote(json, {nonce: new Uint8Array(64)})
    expect(other.status).toBe('fail')
  })

  it('refuses a token without the attestation scope, or for another provider', async () => {
    expect((await post(QUOTE, {nonce: Buffer.from(nonce).toString('base64')}, token(['status']))).status).toBe(401)
    const elsewhere = leaseToken({key: {address: tenant.address, privkey: tenant.privkey}, provider: tenant.address, dseq: 7n, scope: ['attestation']})
    expect((await post(QUOTE, {nonce: Buffer.from(nonce).toString('base64')}, elsewhere)).status).toBe(401)
  })

  it('says lease not found for an unknown lease of the owner', async () => {
    const t = leaseToken({key: {address: tenant.address, privkey: tenant.privkey}, provider: PROVIDER, dseq: 9n, scope: ['attestation']})
    const r = await post('/lease/9/1/1/attestation/quote', {nonce: Buffer.from(nonce).toString('base64')}, t)
    expect(r.status).toBe(404)
  })

  it('refuses nonces as the sidecar does', async () => {
    expect(await post(QUOTE, {nonce: Buffer.alloc(32).toString('base64')})).toEqual({status: 400, text: 'nonce must be exactly 64 bytes, got 32\n'})
    expect((await post(QUOTE, {nonce: '!!!'})).text).toBe('nonce must be valid base64\n')
    expect((await post(QUOTE, 'not json')).status).toBe(400)
  })

  it('a host that is no TEE refuses with the reason (501), never with made-up evidence', async () => {
    source = hostQuoteSource({root: '/nonexistent-root'})
    const r = await post(QUOTE, {nonce: Buffer.from(nonce).toString('base64')})
    expect(r.status).toBe(501)
    expect(r.text).toMatch(/this provider is not a TEE/)
    source = mockQuoteSource()
  })

  it('leaves other paths to the gateway', async () => {
    const r = await fetch(`${base}/lease/7/1/1/status`)
    expect(r.status).toBe(404)
    expect(await r.text()).toBe('not this route')
  })
})
