import http2 from 'node:http2'
import type {AddressInfo} from 'node:net'

import type {BidScreeningRequest, BidScreeningResponse, Status} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'

import {ATTESTATION_QUOTE_METHOD, type AttestationRpc} from './attestation-rpc.js'

export interface StatusServerOptions {
  tls: {certPem: string; keyPem: string}
  host?: string
  port?: number
  /** The provider's status now. */
  status(): Promise<Status> | Status
  /** How often a StreamStatus call looks for a change, ms. */
  pollMs?: number
  /** Longest a StreamStatus call goes without a message, ms: a steady beat tells clients the provider is alive. */
  heartbeatMs?: number
  /** LeaseRPC AttestationQuote (AEP-83, what `akt provider lease-attestation` calls); UNIMPLEMENTED without it. */
  attestationQuote?: AttestationRpc
  /** BidScreening (AEP-67), from the bid engine's decision; absent: UNIMPLEMENTED. */
  bidScreening?: (request: BidScreeningRequest) => Promise<BidScreeningResponse>
}

const SERVICE = '/akash.provider.v1.ProviderRPC/'
/** Requests are google.protobuf.Empty or a group spec; anything bigger is not a client of this service. */
const MAX_REQUEST_BYTES = 1024 * 1024

// gRPC status codes (grpc/doc/statuscodes.md).
const OK = 0
const INTERNAL = 13
const UNIMPLEMENTED = 12
const RESOURCE_EXHAUSTED = 8
const INVALID_ARGUMENT = 3

/**
 * The provider's gRPC status service, `akash.provider.v1.ProviderRPC` GetStatus (unary) and
 * StreamStatus (server streaming), as Akash providers serve it on :8444 next to the REST gateway.
 * gRPC over HTTP/2 and TLS 1.3 with the gateway's certificate; a client certificate is asked for
 * but not required, since status is public (as `GET /status` is). Written on node:http2 rather
 * than @grpc/grpc-js because grpc-js cannot be told the TLS version floor or an optional client
 * certificate, and two methods without request fields need little of it.
 */
export class StatusServer {
  private server?: http2.Http2SecureServer
  private readonly sessions = new Set<http2.ServerHttp2Session>()
  private readonly streams = new Set<http2.ServerHttp2Stream>()
  private encode?: (s: Status) => Uint8Array
  /** StreamStatus calls open now, with what each was last sent. */
  private readonly watchers = new Map<http2.ServerHttp2Stream, {facts?: Buffer; sentAt: number}>()
  private timer?: NodeJS.Timeout
  private polling = false
  private pollAgain = false

  constructor(private readonly o: StatusServerOptions) {}

  async listen(): Promise<{host: string; port: number}> {
    const {Status} = await import('@akashnetwork/chain-sdk/private-types/provider.akash.v1')
    this.encode = (s) => Status.encode(s).finish()
    const server = http2.createSecureServer({
      cert: this.o.tls.certPem,
      key: this.o.tls.keyPem,
      minVersion: 'TLSv1.3',
      requestCert: true,
      rejectUnauthorized: false,
      allowHTTP1: false,
    })
    server.on('session', (s) => {
      this.sessions.add(s)
      s.on('close', () => this.sessions.delete(s))
      s.on('error', () => {})
    })
    server.on('stream', (stream, headers) => this.handle(stream, headers))
    // A client that aborts the TLS handshake must not take the provider down.
    server.on('tlsClientError', () => {})
    server.on('sessionError', () => {})
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.o.port ?? 8444, this.o.host ?? '0.0.0.0', () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    return {host: this.o.host ?? '0.0.0.0', port: (server.address() as AddressInfo).port}
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    this.stopPolling()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const st of this.streams) st.close(http2.constants.NGHTTP2_CANCEL)
    for (const s of this.sessions) s.destroy()
    await closed
  }

  private handle(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => {})
    this.streams.add(stream)
    stream.on('close', () => this.streams.delete(stream))
    const path = headers[':path'] ?? ''
    if (headers[':method'] !== 'POST' || !String(headers['content-type'] ?? '').startsWith('application/grpc')) {
      stream.respond({':status': 415, 'content-type': 'text/plain'}, {endStream: false})
      stream.end('gRPC only: POST with content-type application/grpc\n')
      return
    }
    if (path === ATTESTATION_QUOTE_METHOD && this.o.attestationQuote) return this.attestation(stream, headers, this.o.attestationQuote)
    const method = path.startsWith(SERVICE) ? path.slice(SERVICE.length) : ''
    if (method === 'BidScreening' && !this.o.bidScreening) return fail(stream, UNIMPLEMENTED, 'BidScreening not implemented')
    if (method !== 'GetStatus' && method !== 'StreamStatus' && method !== 'BidScreening') return fail(stream, UNIMPLEMENTED, `unknown method ${path}`)

    // The answer starts once the client has sent its request (an Empty, read and dropped, but
    // for BidScreening).
    let size = 0
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_REQUEST_BYTES) return fail(stream, RESOURCE_EXHAUSTED, 'request too large')
      if (method === 'BidScreening') chunks.push(chunk)
    })
    stream.once('end', () => {
      if (stream.destroyed || stream.headersSent) return
      if (method === 'GetStatus') void this.unary(stream)
      else if (method === 'BidScreening') void this.bidScreening(stream, Buffer.concat(chunks))
      else this.serverStream(stream)
    })
  }

  /** One request message in, one answer out (unary), authorized by the `authorization` metadata. */
  private attestation(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, rpc: AttestationRpc): void {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_REQUEST_BYTES) return fail(stream, RESOURCE_EXHAUSTED, 'request too large')
      chunks.push(chunk)
    })
    stream.once('end', () => {
      if (stream.destroyed || stream.headersSent) return
      const body = Buffer.concat(chunks)
      const length = body.length >= 5 ? body.readUInt32BE(1) : -1
      if (length < 0 || body.length < 5 + length || body.readUInt8(0) !== 0) return fail(stream, INTERNAL, 'expected one uncompressed request message')
      const auth = headers.authorization
      void rpc(body.subarray(5, 5 + length), Array.isArray(auth) ? auth[0] : auth).then(
        (answer) => {
          if (stream.destroyed) return
          if (!answer.ok) return fail(stream, answer.code, answer.message)
          respond(stream)
          stream.write(frame(answer.message))
          stream.end()
        },
        (error: unknown) => fail(stream, INTERNAL, (error as Error).message),
      )
    })
  }

  private async bidScreening(stream: http2.ServerHttp2Stream, body: Buffer): Promise<void> {
    const {BidScreeningRequest, BidScreeningResponse} = await import('@akashnetwork/chain-sdk/private-types/provider.akash.v1')
    let answer: Uint8Array
    try {
      // One uncompressed length-prefixed message (the request frame).
      if (body.length < 5 || body.readUInt8(0) !== 0) return fail(stream, INVALID_ARGUMENT, 'expected one uncompressed message')
      const request = BidScreeningRequest.decode(body.subarray(5, 5 + body.readUInt32BE(1)))
      answer = BidScreeningResponse.encode(await this.o.bidScreening!(request)).finish()
    } catch (error) {
      return fail(stream, INTERNAL, (error as Error).message)
    }
    if (stream.destroyed) return
    respond(stream)
    stream.write(frame(answer))
    stream.end()
  }

  private async unary(stream: http2.ServerHttp2Stream): Promise<void> {
    let message: Uint8Array
    try {
      message = this.encode!(await this.o.status())
    } catch (error) {
      return fail(stream, INTERNAL, (error as Error).message)
    }
    if (stream.destroyed) return
    respond(stream)
    stream.write(frame(message))
    stream.end()
  }

  /**
   * StreamStatus: the status at once, then whenever it changes (and at least every heartbeat).
   * However many clients watch, one timer reads the status once per poll and shares the answer.
   */
  private serverStream(stream: http2.ServerHttp2Stream): void {
    respond(stream)
    this.watchers.set(stream, {sentAt: 0})
    stream.once('close', () => {
      this.watchers.delete(stream)
      if (this.watchers.size === 0) this.stopPolling()
    })
    void this.poll()
    this.timer ??= setInterval(() => void this.poll(), this.o.pollMs ?? 1000)
  }

  private stopPolling(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** One poll at a time; a stream that arrives during one gets another right after it. */
  private async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true
      return
    }
    this.polling = true
    try {
      do {
        this.pollAgain = false
        await this.pollOnce()
      } while (this.pollAgain)
    } finally {
      this.polling = false
    }
  }

  private async pollOnce(): Promise<void> {
    const waiting = (s: http2.ServerHttp2Stream) => !s.destroyed && !s.writableEnded && !s.writableNeedDrain
    if (![...this.watchers.keys()].some(waiting)) return
    let status: Status
    let facts: Buffer
    try {
      status = await this.o.status()
      // Compared without the timestamp, which differs every time.
      facts = Buffer.from(this.encode!({...status, timestamp: undefined}))
    } catch (error) {
      for (const s of [...this.watchers.keys()]) {
        this.watchers.delete(s)
        if (!s.destroyed) end(s, INTERNAL, (error as Error).message)
      }
      this.stopPolling()
      return
    }
    const heartbeatMs = this.o.heartbeatMs ?? 10_000
    const now = Date.now()
    let message: Buffer | undefined
    for (const [s, w] of this.watchers) {
      if (!waiting(s)) continue
      if (w.facts?.equals(facts) && now - w.sentAt < heartbeatMs) continue
      message ??= frame(this.encode!(status))
      w.facts = facts
      w.sentAt = now
      s.write(message)
    }
  }
}

/** One length-prefixed gRPC message: uncompressed flag, big-endian length, bytes. */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length)
  out.writeUInt8(0, 0)
  out.writeUInt32BE(message.length, 1)
  out.set(message, 5)
  return out
}

function respond(stream: http2.ServerHttp2Stream): void {
  stream.respond({':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': 'identity'}, {waitForTrailers: true})
  stream.once('wantTrailers', () => {
    const t = trailerOf.get(stream) ?? {code: OK, message: ''}
    stream.sendTrailers({'grpc-status': String(t.code), ...(t.message ? {'grpc-message': encodeURIComponent(t.message)} : {})})
  })
}

const trailerOf = new WeakMap<http2.ServerHttp2Stream, {code: number; message: string}>()

/** Ends a call whose headers are out with a status in the trailers. */
function end(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  trailerOf.set(stream, {code, message})
  stream.end()
}

/** Fails a call: trailers-only when nothing was sent yet, else in the trailers. */
function fail(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.destroyed) return
  if (stream.headersSent) return end(stream, code, message)
  stream.respond(
    {':status': 200, 'content-type': 'application/grpc+proto', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message)},
    {endStream: true},
  )
}
