import http from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import type {Duplex} from 'node:stream'

import type {ManifestHttpOptions} from '../runtime/manifest-types.js'
import {RouteTable, type IngressRoute, type IngressTarget, type SetRoutesResult} from './route-table.js'

export interface IngressProxyOptions {
  /** Listen address, default 0.0.0.0. */
  host?: string
  /** Listen port, 0 (default) = any free port. */
  port?: number
  /** Connecting to a replica, default 5 s (nginx's proxy_connect_timeout is 5 s on Akash too). */
  connectTimeoutMs?: number
  /** Bodies up to this size are buffered so a failed try can be replayed to the next replica. */
  replayableBodyBytes?: number
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

type Outcome =
  | {kind: 'response'; res: http.IncomingMessage}
  | {kind: 'error'; error: Error}
  | {kind: 'timeout'}

class BodyTooLarge extends Error {}

/**
 * The lease HTTP ingress: one port, routed by Host header to the published port of a replica.
 * Holds only routes, which the lease manager rebuilds from runtime status after a restart.
 */
export class IngressProxy {
  readonly table = new RouteTable()
  private readonly server: http.Server
  private readonly agent = new http.Agent({keepAlive: true, maxFreeSockets: 64})
  private readonly sockets = new Set<Socket | Duplex>()
  private readonly cursor = new Map<string, number>()

  constructor(private readonly options: IngressProxyOptions = {}) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) plain(res, 502, `Bad gateway: ${(error as Error).message}\n`)
        else res.destroy()
      })
    })
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head))
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<{host: string; port: number}> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.options.port ?? 0, this.options.host ?? '0.0.0.0', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    return {host: this.options.host ?? '0.0.0.0', port: this.port}
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    this.agent.destroy()
    if (this.server.listening) await closed
  }

  /** Replaces the routes of one lease (the lease manager calls this after deploy and status changes). */
  setLeaseRoutes(leaseKey: string, routes: IngressRoute[]): SetRoutesResult {
    return this.table.setLease(leaseKey, routes)
  }

  removeLease(leaseKey: string): void {
    this.table.removeLease(leaseKey)
  }

  /** The lease serving `host` now, if any. */
  hostnameHolder(host: string): IngressRoute['lease'] | undefined {
    return this.table.holder(host)?.lease
  }

  /** Moves `host` to `leaseKey` for good (hostname migration). */
  pinHostname(host: string, leaseKey: string): void {
    this.table.pin(host, leaseKey)
  }

  routes(): IngressRoute[] {
    return this.table.all()
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = this.table.lookup(req.headers.host)
    if (!route) {
      plain(res, 404, `No lease serves ${req.headers.host ?? 'this host'} here.\n`)
      req.resume()
      return
    }
    if (route.targets.length === 0) {
      plain(res, 503, `Service ${route.service} has no running replica.\n`)
      req.resume()
      return
    }
    const opts = route.httpOptions
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (Number.isFinite(declared) && declared > opts.maxBodySize) {
      res.setHeader('Connection', 'close')
      plain(res, 413, 'Request body too large.\n')
      req.resume()
      return
    }
    const hasBody = (Number.isFinite(declared) && declared > 0) || req.headers['transfer-encoding'] !== undefined
    let body: Buffer | undefined
    const replayable = !hasBody || opts.maxBodySize <= (this.options.replayableBodyBytes ?? 8 * 1024 * 1024)
    if (hasBody && replayable) {
      try {
        body = await readBody(req, opts.maxBodySize)
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          res.setHeader('Connection', 'close')
          plain(res, 413, 'Request body too large.\n')
          return
        }
        throw error
      }
    }
    const cases = new Set((opts.nextCases ?? []).map((c) => c.toLowerCase()))
    const tries = cases.has('off') || !replayable ? 1 : Math.max(1, opts.nextTries || route.targets.length)
    const deadline = opts.nextTimeout > 0 ? Date.now() + opts.nextTimeout : Number.POSITIVE_INFINITY
    const start = this.nextIndex(route)
    let last: Outcome | undefined
    for (let attempt = 0; attempt < tries; attempt++) {
      const target = route.targets[(start + attempt) % route.targets.length] as IngressTarget
      const outcome = await this.forward(req, route, target, opts, body, replayable ? undefined : req)
      const more = attempt + 1 < tries && Date.now() < deadline
      if (outcome.kind === 'response') {
        if (more && cases.has(String(outcome.res.statusCode))) {
          outcome.res.resume()
          last = outcome
          continue
        }
        this.relay(outcome.res, res, opts)
        return
      }
      last = outcome
      if (!more || !cases.has(outcome.kind)) break
    }
    if (last?.kind === 'response') {
      // Retried on this status and ran out of tries: the client gets the status, not the body.
      plain(res, last.res.statusCode ?? 502, `${last.res.statusMessage ?? 'Upstream error'}\n`)
    } else if (last?.kind === 'error' && last.error instanceof BodyTooLarge) {
      res.setHeader('Connection', 'close')
      plain(res, 413, 'Request body too large.\n')
    } else if (last?.kind === 'timeout') {
      plain(res, 504, 'Gateway timeout: the service did not answer in time.\n')
    } else {
      plain(res, 502, `Bad gateway: ${last?.kind === 'error' ? last.error.message : 'no answer'}\n`)
    }
  }

  private nextIndex(route: IngressRoute): number {
    const key = `${route.leaseKey}|${route.service}|${route.port}`
    const n = this.cursor.get(key) ?? 0
    this.cursor.set(key, n + 1)
    return n % route.targets.length
  }

  private forward(
    req: http.IncomingMessage,
    route: IngressRoute,
    target: IngressTarget,
    opts: ManifestHttpOptions,
    body: Buffer | undefined,
    stream: http.IncomingMessage | undefined,
  ): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false
      const done = (o: Outcome) => {
        if (settled) return
        settled = true
        resolve(o)
      }
      const headers = forwardHeaders(req)
      if (body) {
        headers['content-length'] = String(body.length)
        delete headers['transfer-encoding']
      }
      const upstream = http.request({
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
      })
      const connectTimer = setTimeout(() => {
        upstream.destroy()
        done({kind: 'error', error: new Error(`cannot connect to ${route.service} replica ${target.replica}`)})
      }, this.options.connectTimeoutMs ?? 5000)
      upstream.on('socket', (socket: Socket) => {
        if (!socket.connecting) clearTimeout(connectTimer)
        else socket.once('connect', () => clearTimeout(connectTimer))
      })
      // nginx semantics: send_timeout between writes to the replica, read_timeout between reads.
      upstream.setTimeout(opts.sendTimeout, () => {
        upstream.destroy()
        done({kind: 'timeout'})
      })
      upstream.on('finish', () =>
        upstream.setTimeout(opts.readTimeout, () => {
          upstream.destroy()
          done({kind: 'timeout'})
        }),
      )
      upstream.on('response', (res) => {
        clearTimeout(connectTimer)
        done({kind: 'response', res})
      })
      upstream.on('error', (error) => {
        clearTimeout(connectTimer)
        done({kind: 'error', error})
      })
      if (stream) {
        let seen = 0
        stream.on('data', (chunk: Buffer) => {
          seen += chunk.length
          if (seen > opts.maxBodySize) {
            upstream.destroy(new BodyTooLarge('request body too large'))
            stream.destroy()
          }
        })
        stream.pipe(upstream)
      } else {
        upstream.end(body)
      }
    })
  }

  private relay(from: http.IncomingMessage, to: http.ServerResponse, opts: ManifestHttpOptions): void {
    const headers: http.OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(from.headers)) {
      if (!hopByHop.has(name) && value !== undefined) headers[name] = value
    }
    to.writeHead(from.statusCode ?? 502, from.statusMessage, headers)
    from.setTimeout?.(opts.readTimeout, () => from.destroy())
    from.pipe(to)
    from.on('error', () => to.destroy())
    from.on('aborted', () => to.destroy())
    to.on('close', () => {
      if (!from.complete) from.destroy()
    })
  }

  /** WebSocket (or any Upgrade) requests pass through to the replica as raw bytes once accepted. */
  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const route = this.table.lookup(req.headers.host)
    const target = route && route.targets.length > 0 ? route.targets[this.nextIndex(route)] : undefined
    if (!route || !target) {
      socket.end(`HTTP/1.1 ${route ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    const headers = forwardHeaders(req)
    headers.connection = 'Upgrade'
    if (req.headers.upgrade) headers.upgrade = req.headers.upgrade
    const upstream = http.request({host: target.host, port: target.port, method: req.method, path: req.url, headers})
    upstream.on('upgrade', (res, upstreamSocket, upstreamHead) => {
      this.sockets.add(upstreamSocket)
      upstreamSocket.on('close', () => this.sockets.delete(upstreamSocket))
      let response = `HTTP/1.1 ${res.statusCode ?? 101} ${res.statusMessage ?? 'Switching Protocols'}\r\n`
      for (let i = 0; i < res.rawHeaders.length; i += 2) response += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`
      socket.write(`${response}\r\n`)
      if (upstreamHead.length > 0) socket.write(upstreamHead)
      if (head.length > 0) upstreamSocket.write(head)
      upstreamSocket.pipe(socket)
      socket.pipe(upstreamSocket)
      upstreamSocket.on('error', () => socket.destroy())
      upstreamSocket.on('close', () => socket.destroy())
      socket.on('close', () => upstreamSocket.destroy())
    })
    upstream.on('response', (res) => {
      // The replica refused the upgrade: pass its answer on and close.
      let response = `HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}\r\n`
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i] as string
        if (!hopByHop.has(name.toLowerCase())) response += `${name}: ${res.rawHeaders[i + 1]}\r\n`
      }
      socket.write(`${response}Connection: close\r\n\r\n`)
      res.pipe(socket)
    })
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'))
    upstream.end()
  }
}

function forwardHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {}
  const connectionTokens = String(req.headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim())
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || hopByHop.has(name) || connectionTokens.includes(name)) continue
    headers[name] = value
  }
  const client = req.socket.remoteAddress ?? ''
  const prior = req.headers['x-forwarded-for']
  headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client
  headers['x-real-ip'] = client
  headers['x-forwarded-host'] = req.headers.host ?? ''
  headers['x-forwarded-proto'] = 'http'
  return headers
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLarge('request body too large'))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
}
