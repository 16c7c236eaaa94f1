import type {IncomingMessage, ServerResponse} from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import type {Duplex} from 'node:stream'

import type {WebSocket, WebSocketServer} from 'ws'

import {type Identity, allowedServices, authorizedForDeployment, authorizedForLease, authorizedForProvider, type LeaseRef} from '../auth/authorize.js'
import {AUTH_ERRORS, type Scope} from '../auth/jwt.js'
import type {EventHub} from '../events.js'
import type {LeaseManager, RequestFailure} from '../leases/lease-manager.js'
import type {LeaseRow} from '../state/store.js'
import type {QuoteSource} from '../attestation/quote-source.js'
import {type AttestationRpc, attestationRpc} from '../grpc/attestation-rpc.js'
import {answerAttestationQuote} from './attestation.js'
import {type AuthDeps, authenticate} from './authenticate.js'
import {type BidScreeningHandler, bidScreeningRoute} from './bid-screening-route.js'
import {BodyTooLarge, rawHttpResponse, readBody, sendAuthError, sendJson, sendText} from './http.js'
import {parseShellParams, runShell} from './ws-shell.js'
import {parseStreamParams, streamEvents, streamLogs} from './ws-streams.js'

export type LeaseBackend = Pick<
  LeaseManager,
  'lease' | 'submitManifest' | 'leaseStatus' | 'serviceStatus' | 'manifestGroup' | 'logs' | 'runtimeEvents' | 'exec' | 'migrateHostnames' | 'migrateEndpoints'
>

export interface GatewayOptions extends AuthDeps {
  /** The provider's address (the "provider" of every lease path). */
  address: string
  leases: LeaseBackend
  /** `/status` body without `address`. */
  status(): Promise<unknown> | unknown
  version(): unknown
  tls: {certPem: string; keyPem: string}
  host?: string
  port?: number
  /** Largest manifest body, default 8 MiB. */
  maxBodyBytes?: number
  events?: EventHub
  /** TEE evidence for AEP-83 quote requests (attestation.ts); the host's own TEE, if any, when absent. */
  attestation?: QuoteSource
  /** Bid screening (AEP-67), from the bid engine's decision; absent: 501. */
  bidScreening?: BidScreeningHandler
}

const DEFAULT_MAX_BODY = 8 * 1024 * 1024
const UINT64 = /^\d{1,20}$/
const UINT32 = /^\d{1,10}$/

type Route =
  | {kind: 'version'}
  | {kind: 'address'}
  | {kind: 'status'}
  | {kind: 'manifest.put'; dseq: string}
  | {kind: 'lease'; what: 'manifest' | 'status' | 'logs' | 'kubeevents' | 'shell'; d: string; g: string; o: string}
  | {kind: 'service.status'; d: string; g: string; o: string; service: string}
  | {kind: 'migrate'; what: 'hostname' | 'endpoint'}
  | {kind: 'bid-screening'}

/** Path → route and the method it takes (websocket routes are GETs). */
function matchRoute(path: string): {route: Route; method: string; ws?: boolean} | undefined {
  if (path === '/version') return {route: {kind: 'version'}, method: 'GET'}
  if (path === '/address') return {route: {kind: 'address'}, method: 'GET'}
  if (path === '/status') return {route: {kind: 'status'}, method: 'GET'}
  if (path === '/hostname/migrate') return {route: {kind: 'migrate', what: 'hostname'}, method: 'POST'}
  if (path === '/endpoint/migrate') return {route: {kind: 'migrate', what: 'endpoint'}, method: 'POST'}
  if (path === '/v1/bid-screening') return {route: {kind: 'bid-screening'}, method: 'POST'}
  let m = /^\/deployment\/([^/]+)\/manifest$/.exec(path)
  if (m) return {route: {kind: 'manifest.put', dseq: m[1]}, method: 'PUT'}
  m = /^\/lease\/([^/]+)\/([^/]+)\/([^/]+)\/(manifest|status|logs|kubeevents|shell)$/.exec(path)
  if (m) {
    const what = m[4] as 'manifest' | 'status' | 'logs' | 'kubeevents' | 'shell'
    return {route: {kind: 'lease', what, d: m[1], g: m[2], o: m[3]}, method: 'GET', ws: what === 'logs' || what === 'kubeevents' || what === 'shell'}
  }
  m = /^\/lease\/([^/]+)\/([^/]+)\/([^/]+)\/service\/([^/]+)\/status$/.exec(path)
  if (m) return {route: {kind: 'service.status', d: m[1], g: m[2], o: m[3], service: decodeURIComponent(m[4])}, method: 'GET'}
  return undefined
}

const SCOPE_OF: Record<string, Scope | undefined> = {
  manifest: 'get-manifest',
  status: 'status',
  logs: 'logs',
  kubeevents: 'events',
  shell: 'shell',
}

/**
 * The provider's HTTPS gateway: Akash's REST routes, shapes and status codes (provider
 * gateway/rest, akash-protocol.md §3) over TLS 1.3, with JWT or mTLS auth and lease-owner checks
 * on every lease route. Logs, events and shell are websockets on the same port.
 */
export class Gateway {
  private server?: https.Server
  private wss?: WebSocketServer
  private readonly sockets = new Set<Socket | Duplex>()
  private readonly maxBody: number

  constructor(private readonly o: GatewayOptions) {
    this.maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY
  }

  async listen(): Promise<{host: string; port: number}> {
    const {WebSocketServer} = await import('ws')
    this.wss = new WebSocketServer({noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false})
    this.server = https.createServer(
      {
        cert: this.o.tls.certPem,
        key: this.o.tls.keyPem,
        minVersion: 'TLSv1.3',
        // Ask for a client certificate (legacy mTLS) but accept connections without one.
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          if (!res.headersSent) sendText(res, 500, (error as Error).message ?? 'internal error')
          else res.destroy()
        })
      },
    )
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch(() => socket.destroy())
    })
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    this.server.on('secureConnection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    // A TLS handshake a client aborts (old TLS version, wrong SNI) must not crash the provider.
    this.server.on('tlsClientError', () => {})
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject)
      this.server!.listen(this.o.port ?? 8443, this.o.host ?? '0.0.0.0', () => {
        this.server!.off('error', reject)
        resolve()
      })
    })
    return {host: this.o.host ?? '0.0.0.0', port: this.port}
  }

  /** AEP-83 LeaseRPC AttestationQuote for the gRPC port, with this gateway's auth and leases. */
  attestationRpc(): AttestationRpc {
    return attestationRpc(this.o)
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0
  }

  async close(): Promise<void> {
    if (!this.server) return
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()))
    for (const ws of this.wss?.clients ?? []) ws.terminate()
    for (const s of this.sockets) s.destroy()
    await closed
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const url = new URL(req.url ?? '/', 'https://gateway')
    let owner: string | undefined
    res.on('finish', () =>
      this.o.events?.emit({type: 'gateway.request', method: req.method ?? 'GET', path: url.pathname, status: res.statusCode, ms: Date.now() - started, ...(owner ? {owner} : {})}),
    )
    if (await answerAttestationQuote(req, res, url.pathname, this.o)) return
    const matched = matchRoute(url.pathname)
    if (!matched) {
      req.resume()
      return sendText(res, 404, '404 page not found')
    }
    if (req.method !== matched.method && !(matched.method === 'GET' && req.method === 'HEAD')) {
      req.resume()
      return sendText(res, 405, 'Method Not Allowed')
    }
    const auth = await authenticate(req, this.o)
    if (!auth.ok) {
      req.resume()
      this.authFailed(url.pathname, auth.status, auth.message, auth.detail)
      return sendAuthError(res, auth.status, auth.message)
    }
    const {route} = matched
    if (route.kind === 'version') return sendJson(res, 200, this.o.version())
    if (route.kind === 'address') return sendJson(res, 200, {address: this.o.address})
    if (route.kind === 'status') return sendJson(res, 200, {...((await this.o.status()) as object), address: this.o.address})
    if (route.kind === 'bid-screening') return bidScreeningRoute(req, res, this.o.bidScreening)

    const identity = this.requireOwner(auth.identity, url.pathname)
    if (!identity) {
      req.resume()
      return sendAuthError(res, 401, AUTH_ERRORS.unauthorized.message)
    }
    owner = identity.owner

    if (route.kind === 'migrate') return this.migrate(req, res, route.what, identity.owner)

    if (route.kind === 'manifest.put') {
      if (!UINT64.test(route.dseq) || BigInt(route.dseq) > 2n ** 64n - 1n) {
        req.resume()
        return sendText(res, 400, `invalid dseq "${route.dseq}"`)
      }
      const dseq = BigInt(route.dseq)
      if (!authorizedForDeployment(identity.claims, identity.owner, dseq, this.o.address, 'send-manifest')) {
        req.resume()
        this.authFailed(url.pathname, 401, AUTH_ERRORS.unauthorized.message, 'token does not grant send-manifest for this deployment')
        return sendAuthError(res, 401, AUTH_ERRORS.unauthorized.message)
      }
      let body: Buffer
      try {
        body = await readBody(req, this.maxBody)
      } catch (error) {
        if (error instanceof BodyTooLarge) return sendText(res, 413, error.message)
        throw error
      }
      const result = await this.o.leases.submitManifest(identity.owner, dseq, body.toString('utf8'))
      if (!result.ok) return sendText(res, result.status, result.message)
      res.writeHead(200)
      res.end()
      return
    }

    const lease = this.leaseRef(route, identity.owner)
    if (typeof lease === 'string') {
      req.resume()
      return sendText(res, 400, lease)
    }
    if (!authorizedForLease(identity.claims, lease)) {
      req.resume()
      return sendAuthError(res, 401, AUTH_ERRORS.unauthorized.message)
    }
    if (route.kind === 'lease') {
      const scope = SCOPE_OF[route.what]
      if (scope && !authorizedForLease(identity.claims, lease, scope)) {
        req.resume()
        this.authFailed(url.pathname, 401, AUTH_ERRORS.unauthorized.message, `token lacks the ${scope} scope`)
        return sendAuthError(res, 401, AUTH_ERRORS.unauthorized.message)
      }
      if (route.what === 'logs' || route.what === 'kubeevents' || route.what === 'shell') {
        req.resume()
        if (route.what === 'shell') {
          const p = parseShellParams(url.searchParams)
          if (typeof p === 'string') return sendText(res, 400, p)
        } else {
          const p = parseStreamParams(url.searchParams)
          if (typeof p === 'string') return sendText(res, 400, p)
        }
        return sendText(res, 400, 'websocket: the client is not using the websocket protocol: \'upgrade\' token not found in \'Connection\' header')
      }
    }
    req.resume()
    const row = this.o.leases.lease(lease.owner, lease.dseq, lease.gseq, lease.oseq)
    if (!row) return sendText(res, 404, 'lease not found')
    if (route.kind === 'service.status') return this.answer(res, await this.o.leases.serviceStatus(row, route.service))
    if (route.what === 'status') return this.answer(res, await this.o.leases.leaseStatus(row))
    const group = this.o.leases.manifestGroup(row)
    if (!group) return sendText(res, 404, 'lease not found')
    return sendJson(res, 200, [group])
  }

  /** POST /hostname/migrate and /endpoint/migrate: status codes and texts as Akash's provider answers. */
  private async migrate(req: IncomingMessage, res: ServerResponse, what: 'hostname' | 'endpoint', owner: string): Promise<void> {
    let body: Buffer
    try {
      body = await readBody(req, 64 * 1024)
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendText(res, 413, error.message)
      throw error
    }
    const field = what === 'hostname' ? 'hostnames_to_migrate' : 'endpoints_to_migrate'
    // Akash answers these with a bare status; the text says what a good body looks like.
    const shape = `expected JSON {"${field}": ["…"], "destination_dseq": <uint64>, "destination_gseq": <uint32>}`
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return sendText(res, 422, `the body is not JSON: ${shape}`)
    }
    // As Go decodes into the request struct: null is an empty request, any other non-object an error.
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) return sendText(res, 422, `the body is not a JSON object: ${shape}`)
    const fields = (parsed ?? {}) as Record<string, unknown>
    const names = fields[field]
    const dseq = fields.destination_dseq ?? 0
    const gseq = fields.destination_gseq ?? 0
    // JSON numbers: DSEQs are block heights, well inside the safe-integer range.
    const uint = (v: unknown, max: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max
    if (names !== undefined && names !== null && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) {
      return sendText(res, 422, `${field} must be a list of strings: ${shape}`)
    }
    if (!uint(dseq, Number.MAX_SAFE_INTEGER)) return sendText(res, 422, `destination_dseq must be a non-negative integer: ${shape}`)
    if (!uint(gseq, 2 ** 32 - 1)) return sendText(res, 422, `destination_gseq must be an integer from 0 to 4294967295: ${shape}`)
    const list = (names ?? []) as string[]
    if (list.length === 0) return sendText(res, 400, `no ${what}s indicated for migration: list them in ${field}`)
    const result =
      what === 'hostname'
        ? this.o.leases.migrateHostnames(owner, list, BigInt(dseq as number), Number(gseq))
        : this.o.leases.migrateEndpoints(owner, list, BigInt(dseq as number), Number(gseq))
    if (!result.ok) return sendText(res, result.status, result.message)
    sendJson(res, 200, {transferred: result.transferred})
  }

  private answer(res: ServerResponse, result: object | RequestFailure): void {
    if (isFailure(result)) return sendText(res, result.status, result.message)
    sendJson(res, 200, result)
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://gateway')
    const refuse = (status: number, body: string, json = false) => {
      socket.end(rawHttpResponse(status, json ? JSON.stringify({message: body}) : `${body}\n`, json ? 'application/json' : 'text/plain; charset=utf-8'))
      this.o.events?.emit({type: 'gateway.request', method: 'GET', path: url.pathname, status, ms: 0})
    }
    const matched = matchRoute(url.pathname)
    if (!matched?.ws || matched.route.kind !== 'lease') return refuse(404, '404 page not found')
    const route = matched.route
    const auth = await authenticate(req, this.o)
    if (!auth.ok) {
      this.authFailed(url.pathname, auth.status, auth.message, auth.detail)
      return refuse(auth.status, auth.message, true)
    }
    const identity = this.requireOwner(auth.identity, url.pathname)
    if (!identity) return refuse(401, AUTH_ERRORS.unauthorized.message, true)
    const lease = this.leaseRef(route, identity.owner)
    if (typeof lease === 'string') return refuse(400, lease)
    const scope = SCOPE_OF[route.what]
    if (!authorizedForLease(identity.claims, lease) || (scope && !authorizedForLease(identity.claims, lease, scope))) {
      this.authFailed(url.pathname, 401, AUTH_ERRORS.unauthorized.message, `token lacks the ${scope} scope`)
      return refuse(401, AUTH_ERRORS.unauthorized.message, true)
    }
    const allowed = allowedServices(identity.claims, lease)

    if (route.what === 'shell') {
      const params = parseShellParams(url.searchParams)
      if (typeof params === 'string') return refuse(400, params)
      if (allowed && !allowed.includes(params.service)) return refuse(401, AUTH_ERRORS.unauthorized.message, true)
      const ws = await this.accept(req, socket, head)
      this.o.events?.emit({type: 'gateway.request', method: 'GET', path: url.pathname, status: 101, ms: 0, owner: identity.owner})
      const row = this.o.leases.lease(lease.owner, lease.dseq, lease.gseq, lease.oseq)
      await runShell(
        ws,
        params,
        async () => {
          if (!row) return {ok: false, message: 'lease not found'}
          const status = await this.o.leases.serviceStatus(row, params.service)
          if (isFailure(status)) return {ok: false, message: status.message}
          if (status.ready_replicas === 0) return {ok: false, message: 'no active replicas for service'}
          return {ok: true}
        },
        (options) => this.o.leases.exec(row as LeaseRow, options),
      )
      return
    }

    const params = parseStreamParams(url.searchParams)
    if (typeof params === 'string') return refuse(400, params)
    const services = allowed ? (params.services.length > 0 ? params.services.filter((s) => allowed.includes(s)) : allowed) : params.services
    const row = this.o.leases.lease(lease.owner, lease.dseq, lease.gseq, lease.oseq)
    const ws = await this.accept(req, socket, head)
    this.o.events?.emit({type: 'gateway.request', method: 'GET', path: url.pathname, status: 101, ms: 0, owner: identity.owner})
    if (!row || !this.o.leases.manifestGroup(row)) {
      ws.close(4001, 'lease not found')
      return
    }
    const abort = new AbortController()
    if (route.what === 'logs') {
      await streamLogs(ws, () => this.o.leases.logs(row, {services, follow: params.follow, tail: params.tail, signal: abort.signal}), abort)
    } else {
      const namespace = `${lease.owner}-${lease.dseq}-${lease.gseq}-${lease.oseq}`
      await streamEvents(ws, () => this.o.leases.runtimeEvents(row, {services, follow: params.follow, signal: abort.signal}), namespace, abort)
    }
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve) => this.wss!.handleUpgrade(req, socket, head, (ws) => resolve(ws)))
  }

  /** Akash's authorizeProviderMiddleware + requireOwner. */
  private requireOwner(identity: Identity | undefined, path: string): Identity | undefined {
    if (!identity || !authorizedForProvider(identity.claims, this.o.address)) {
      this.authFailed(path, 401, AUTH_ERRORS.unauthorized.message, identity ? 'token does not name this provider' : 'no credentials')
      return undefined
    }
    return identity
  }

  private leaseRef(route: {d: string; g: string; o: string}, owner: string): LeaseRef | string {
    if (!UINT64.test(route.d) || BigInt(route.d) > 2n ** 64n - 1n) return `invalid dseq "${route.d}"`
    if (!UINT32.test(route.g) || Number(route.g) > 2 ** 32 - 1) return `invalid gseq "${route.g}"`
    if (!UINT32.test(route.o) || Number(route.o) > 2 ** 32 - 1) return `invalid oseq "${route.o}"`
    return {owner, dseq: BigInt(route.d), gseq: Number(route.g), oseq: Number(route.o), provider: this.o.address}
  }

  private authFailed(path: string, status: number, message: string, detail: string): void {
    this.o.events?.emit({type: 'gateway.auth_failed', path, status, message, detail})
  }
}

function isFailure(x: object | RequestFailure): x is RequestFailure {
  return typeof (x as RequestFailure).status === 'number' && typeof (x as RequestFailure).message === 'string' && !('services' in x) && !('name' in x)
}
