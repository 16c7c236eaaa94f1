import http from 'node:http'
import net from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {WebSocket, WebSocketServer} from 'ws'

import {IngressProxy} from '../../../../src/provider/ingress/proxy.js'
import type {IngressRoute} from '../../../../src/provider/ingress/route-table.js'
import {defaultHttpOptions} from '../../../../src/provider/runtime/manifest-read.js'
import type {ManifestHttpOptions} from '../../../../src/provider/runtime/manifest-types.js'

const lease = {owner: 'akash1owner', dseq: '5', gseq: 1, oseq: 1, provider: 'akash1prov'}
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
})

async function upstream(handler: http.RequestListener): Promise<{server: http.Server; port: number}> {
  const server = http.createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  closers.push(async () => {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  })
  return {server, port: (server.address() as net.AddressInfo).port}
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

async function proxyWith(ports: number[], httpOptions: Partial<ManifestHttpOptions> = {}, hostnames = ['app.localhost']): Promise<IngressProxy> {
  const proxy = new IngressProxy({host: '127.0.0.1', port: 0})
  await proxy.listen()
  closers.push(() => proxy.close())
  const route: IngressRoute = {
    hostnames,
    leaseKey: 'lease-a',
    lease,
    service: 'web',
    port: 80,
    targets: ports.map((port, replica) => ({host: '127.0.0.1', port, replica})),
    httpOptions: {...defaultHttpOptions, ...httpOptions},
  }
  proxy.setLeaseRoutes('lease-a', [route])
  return proxy
}

function request(port: number, host: string, options: {method?: string; path?: string; body?: Buffer; chunked?: boolean} = {}): Promise<{status: number; body: string; headers: http.IncomingHttpHeaders}> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {host}
    if (options.body && !options.chunked) headers['content-length'] = options.body.length
    const req = http.request({host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body, headers: res.headers}))
    })
    req.on('error', reject)
    if (options.body && options.chunked) {
      // Written in pieces so no content-length is sent.
      const half = Math.floor(options.body.length / 2)
      req.write(options.body.subarray(0, half))
      req.end(options.body.subarray(half))
    } else req.end(options.body)
  })
}

describe('IngressProxy', () => {
  it('routes by Host header and passes path, method, body and forwarding headers', async () => {
    const {port} = await upstream((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => res.end(JSON.stringify({method: req.method, url: req.url, host: req.headers.host, xff: req.headers['x-forwarded-for'], body})))
    })
    const proxy = await proxyWith([port])
    const res = await request(proxy.port, 'App.Localhost:1234', {method: 'POST', path: '/p?q=1', body: Buffer.from('hello')})
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toEqual({method: 'POST', url: '/p?q=1', host: 'App.Localhost:1234', xff: '127.0.0.1', body: 'hello'})
    const unknown = await request(proxy.port, 'nobody.localhost')
    expect(unknown.status).toBe(404)
  })

  it('refuses bodies over max_body_size, declared or streamed', async () => {
    let reached = 0
    const {port} = await upstream((req, res) => {
      reached++
      req.resume()
      req.on('end', () => res.end('ok'))
    })
    const proxy = await proxyWith([port], {maxBodySize: 10})
    expect((await request(proxy.port, 'app.localhost', {method: 'POST', body: Buffer.alloc(11)})).status).toBe(413)
    expect((await request(proxy.port, 'app.localhost', {method: 'POST', body: Buffer.alloc(64), chunked: true})).status).toBe(413)
    expect((await request(proxy.port, 'app.localhost', {method: 'POST', body: Buffer.alloc(10)})).status).toBe(200)
    expect(reached).toBe(1)
  })

  it('tries the next replica when one cannot be reached, unless next cases are off', async () => {
    const {port} = await upstream((_req, res) => res.end('from live replica'))
    const dead = await deadPort()
    const proxy = await proxyWith([dead, port])
    for (let i = 0; i < 3; i++) {
      const res = await request(proxy.port, 'app.localhost')
      expect(res.body).toBe('from live replica')
    }
    const strict = await proxyWith([dead], {nextCases: ['off']}, ['strict.localhost'])
    expect((await request(strict.port, 'strict.localhost')).status).toBe(502)
  })

  it('retries on the status codes named in next cases, replaying the body', async () => {
    const bodies: string[] = []
    const {port: failing} = await upstream((req, res) => {
      req.resume()
      res.writeHead(503).end('busy')
    })
    const {port: good} = await upstream((req, res) => {
      let b = ''
      req.on('data', (c) => (b += c))
      req.on('end', () => {
        bodies.push(b)
        res.end('done')
      })
    })
    const proxy = await proxyWith([failing, good], {nextCases: ['error', '503'], nextTries: 2})
    const first = await request(proxy.port, 'app.localhost', {method: 'PUT', body: Buffer.from('payload')})
    const second = await request(proxy.port, 'app.localhost', {method: 'PUT', body: Buffer.from('payload')})
    expect([first.body, second.body]).toEqual(['done', 'done'])
    expect(bodies).toEqual(['payload', 'payload'])
  })

  it('answers 504 when the replica is slower than read_timeout', async () => {
    const {port} = await upstream(() => {
      // never answers
    })
    const proxy = await proxyWith([port], {readTimeout: 100, nextCases: ['off']})
    expect((await request(proxy.port, 'app.localhost')).status).toBe(504)
  })

  it('passes websocket upgrades through in both directions', async () => {
    const {server, port} = await upstream((_req, res) => res.end())
    const wss = new WebSocketServer({server})
    wss.on('connection', (socket, req) => {
      socket.send(`hello ${req.headers.host}`)
      socket.on('message', (m) => socket.send(`echo ${m.toString()}`))
    })
    closers.push(async () => {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
    })
    const proxy = await proxyWith([port])
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/ws`, {headers: {host: 'app.localhost'}})
    const messages: string[] = []
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (m) => {
        messages.push(m.toString())
        if (messages.length === 1) ws.send('ping')
        if (messages.length === 2) resolve()
      })
      ws.on('error', reject)
    })
    ws.close()
    expect(messages).toEqual(['hello app.localhost', 'echo ping'])
  })

  it('forgets a lease\'s hostnames when its routes are removed', async () => {
    const {port} = await upstream((_req, res) => res.end('x'))
    const proxy = await proxyWith([port])
    expect((await request(proxy.port, 'app.localhost')).status).toBe(200)
    proxy.removeLease('lease-a')
    expect((await request(proxy.port, 'app.localhost')).status).toBe(404)
  })
})
