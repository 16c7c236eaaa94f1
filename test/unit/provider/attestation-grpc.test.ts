/**
 * LeaseRPC AttestationQuote on the provider's gRPC port, called as `akt provider lease-attestation`
 * calls it (provider cmd/provider-services/cmd/leaseAttestation.go): HTTP/2 over TLS, a JWT with full
 * access in the `authorization` metadata, the request framed with chain-sdk's codec; then akt's own
 * nonce check on the answer (a MOCK carries the nonce at bytes 80..144).
 */
import http2 from 'node:http2'

import {AttestationQuoteRequest, AttestationQuoteResponse} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'
import {secp256k1} from '@noble/curves/secp256k1'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {mockQuoteSource} from '../../../src/provider/attestation/quote-source.js'
import {attestationRpc} from '../../../src/provider/grpc/attestation-rpc.js'
import {StatusServer} from '../../../src/provider/grpc/status-server.js'
import {generateServerCertificate} from '../../../src/provider/tls/server-certificate.js'
import {signJwt} from '../../../src/provider-client/jwt.js'

let tenant: Awaited<ReturnType<typeof deriveKey>>
let provider: string
let server: StatusServer
let url: string

beforeAll(async () => {
  tenant = await deriveKey(generateMnemonic(), 'akash')
  provider = (await deriveKey(generateMnemonic(), 'akash')).address
  const pubkey = secp256k1.getPublicKey(tenant.privkey, true)
  const rpc = attestationRpc({
    address: provider,
    attestation: mockQuoteSource('tdx'),
    publicKey: async (a) => (a === tenant.address ? pubkey : undefined),
    certificate: async () => undefined,
    leases: {
      lease: (owner: string, dseq: bigint) => (owner === tenant.address && dseq === 42n ? ({orderKey: 'x'} as never) : undefined),
      manifestGroup: () => ({name: 'g', services: [{name: 'web', count: 1, resources: {cpu: {units: {val: '100'}}, memory: {size: {val: '1'}}}}]}),
    } as never,
  })
  server = new StatusServer({tls: await generateServerCertificate(provider, ['127.0.0.1']), host: '127.0.0.1', port: 0, status: () => ({}) as never, attestationQuote: rpc})
  const bound = await server.listen()
  url = `https://127.0.0.1:${bound.port}`
})

afterAll(() => server.close())

/** akt's generateJWT: ES256K, full access, 15 minutes. */
function aktToken(): string {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({iss: tenant.address, iat: now, nbf: now, exp: now + 900, version: 'v1', leases: {access: 'full'}}, {address: tenant.address, privkey: tenant.privkey}, 'ES256K')
}

function call(request: AttestationQuoteRequest, token = aktToken()): Promise<{status?: string; message?: string; body: Buffer}> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, {rejectUnauthorized: false})
    session.on('error', reject)
    const message = AttestationQuoteRequest.encode(request).finish()
    const frame = Buffer.alloc(5 + message.length)
    frame.writeUInt32BE(message.length, 1)
    frame.set(message, 5)
    const stream = session.request({':method': 'POST', ':path': '/akash.provider.lease.v1.LeaseRPC/AttestationQuote', 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${token}`})
    const chunks: Buffer[] = []
    let headers: http2.IncomingHttpHeaders = {}
    stream.on('response', (h) => (headers = h))
    stream.on('trailers', (t) => (headers = {...headers, ...t}))
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      session.close()
      resolve({status: headers['grpc-status'] as string, message: decodeURIComponent(String(headers['grpc-message'] ?? '')), body: Buffer.concat(chunks)})
    })
    stream.end(frame)
  })
}

const leaseId = (dseq: bigint) => ({owner: tenant.address, dseq, gseq: 1, oseq: 1, provider, bseq: 0}) as never

describe('LeaseRPC AttestationQuote (what akt provider lease-attestation calls)', () => {
  it('answers with a MOCK that passes akt’s nonce check', async () => {
    const nonce = Buffer.alloc(64, 7)
    const r = await call({leaseId: leaseId(42n), nonce: nonce.toString('base64'), bindTls: false})
    expect(r.status).toBe('0')
    const response = AttestationQuoteResponse.decode(r.body.subarray(5))
    expect(response.teePlatform).toBe('tdx')
    const report = Buffer.from(response.report, 'base64')
    expect(report.subarray(0, 4).toString()).toBe('MOCK')
    expect(report.subarray(80, 144)).toEqual(nonce)
  })

  it('answers NotFound for an unknown lease, InvalidArgument for a short nonce, Unauthenticated without a token', async () => {
    expect((await call({leaseId: leaseId(43n), nonce: Buffer.alloc(64).toString('base64'), bindTls: false})).status).toBe('5')
    const short = await call({leaseId: leaseId(42n), nonce: Buffer.alloc(8).toString('base64'), bindTls: false})
    expect(short).toMatchObject({status: '3', message: 'attestation quote: nonce must be exactly 64 bytes, got 8'})
    expect((await call({leaseId: leaseId(42n), nonce: '', bindTls: false}, 'x.y.z')).status).toBe('16')
  })
})
