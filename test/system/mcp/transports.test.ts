/**
 * The built binary: `edge mcp` over stdio (both protocol eras) and over Streamable HTTP (loopback
 * without a token; a bearer token checked when given; refused off loopback without one), against a
 * real `edge dev` with a real `edge provide` node. Timings are printed for bench/, never asserted.
 */
import {cpSync, mkdtempSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'

import {Client, StreamableHTTPClientTransport} from '@modelcontextprotocol/client'
import {StdioClientTransport} from '@modelcontextprotocol/client/stdio'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type NoEnginePath, noEnginePath} from '../../helpers/no-engine-path.js'
import {EDGE_BIN, cleanEnv, spawnEdge} from '../../helpers/run-edge.js'
import {freePort} from '../../helpers/ports.js'
import {type HostDevMarket, startHostDevMarket, waitForHttp} from '../deploy/dev-market.js'
import {call} from './harness.js'

let path: NoEnginePath
let market: HostDevMarket
let sdlDir: string

beforeAll(async () => {
  path = noEnginePath()
  ;({market} = await startHostDevMarket(1, path.PATH))
  sdlDir = mkdtempSync(join(market.home.root, 'sdl-'))
  cpSync('templates/hello', join(sdlDir, 'hello'), {recursive: true})
}, 300_000)

afterAll(async () => {
  await market?.stop()
  path?.cleanup()
}, 120_000)

const edgeEnv = () => ({...cleanEnv(), ...market.home.env, ...market.env})

function stdioClient(args: string[], mode: 'legacy' | {pin: string}) {
  const transport = new StdioClientTransport({command: process.execPath, args: [EDGE_BIN, 'mcp', ...args], env: edgeEnv(), cwd: sdlDir, stderr: 'pipe'})
  const client = new Client({name: 'edge-test', version: '1.0.0'}, {versionNegotiation: {mode}})
  return {transport, client}
}

describe('edge mcp, the built binary', () => {
  it('over stdio: tools, plan → apply → status → logs → close of hello (2025 handshake)', async () => {
    const {transport, client} = stdioClient(['--allow-spend', '--ttl', '30m', '--max-usd-per-hour', '0.5', '--budget-per-day', '2', '--image', 'busybox'], 'legacy')
    let stderr = ''
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    await client.connect(transport)
    try {
      let t = performance.now()
      const {tools} = await client.listTools()
      const listMs = performance.now() - t
      expect(tools.length).toBe(16)
      t = performance.now()
      const plan = await call(client, 'plan', {path: 'hello'})
      const planMs = performance.now() - t
      expect(plan.isError, plan.text).toBe(false)
      t = performance.now()
      const applied = await call(client, 'apply', {planId: plan.data.planId})
      const applyMs = performance.now() - t
      expect(applied.isError, applied.text + stderr).toBe(false)
      expect((await waitForHttp(applied.data.uris[0])).body).toContain('Hello from edge!')
      const status = await call(client, 'deployment_status', {dseq: applied.data.dseq})
      expect(status.data.services).toEqual([expect.objectContaining({name: 'web', ready: 1, total: 1})])
      const logs = await call(client, 'logs', {dseq: applied.data.dseq, tail: 5})
      expect(logs.data.lines.length).toBeGreaterThan(0)
      const closed = await call(client, 'close', {dseq: applied.data.dseq})
      expect(closed.data.outcome).toBe('closed')
      // Figures for bench/mcp.md (edge dev, 1 s blocks, host-process provider).
      console.log(`[figures] stdio tools/list ${listMs.toFixed(0)} ms, plan ${planMs.toFixed(0)} ms, apply ${applyMs.toFixed(0)} ms (timings ${JSON.stringify(applied.data.timings)})`)
    } finally {
      await client.close()
    }
    expect(stderr).toMatch(/edge mcp on local as akash1\S+: spending allowed, TTL 30m/)
  })

  it('over stdio to a 2026-07-28 client: read-only by default, apply refused', async () => {
    const {transport, client} = stdioClient([], {pin: '2026-07-28'})
    await client.connect(transport)
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28')
      const t = performance.now()
      await client.listTools()
      console.log(`[figures] stdio 2026-07-28 tools/list ${(performance.now() - t).toFixed(0)} ms`)
      const plan = await call(client, 'plan', {path: 'hello'})
      expect(plan.isError, plan.text).toBe(false)
      const apply = await call(client, 'apply', {planId: plan.data.planId})
      expect(apply.data).toMatchObject({limit: 'read-only'})
    } finally {
      await client.close()
    }
  })

  it('over Streamable HTTP: a bearer token when given, and none accepted off loopback without one', async () => {
    const refused = await market.edge(['mcp', '--http', '0.0.0.0:0'], {env: market.env})
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toMatch(/needs a bearer token/)

    const port = await freePort()
    const server = spawnEdge(['mcp', '--http', `127.0.0.1:${port}`], {home: market.home, env: {...market.env, EDGE_MCP_TOKEN: 'test-token-123'}, cwd: sdlDir})
    try {
      const url = `http://127.0.0.1:${port}/mcp`
      await waitForListening(url)
      const anonymous = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream'}, body: '{}'})
      expect(anonymous.status).toBe(401)
      // A browser page reaching the loopback port by DNS rebinding names its own host.
      expect(await statusWithHost(url, 'attacker.example')).toBe(403)
      for (const mode of ['legacy', {pin: '2026-07-28'}] as const) {
        const client = new Client({name: 'edge-test', version: '1.0.0'}, {versionNegotiation: {mode}})
        await client.connect(new StreamableHTTPClientTransport(new URL(url), {requestInit: {headers: {authorization: 'Bearer test-token-123'}}}))
        const t = performance.now()
        const {tools} = await client.listTools()
        console.log(`[figures] http ${typeof mode === 'string' ? mode : mode.pin} tools/list ${(performance.now() - t).toFixed(0)} ms`)
        expect(tools.map((x) => x.name)).toContain('plan')
        const limits = await call(client, 'limits')
        expect(limits.data.limits.allowSpend).toBe(false)
        await client.close()
      }
    } finally {
      server.kill('SIGTERM')
      await server
    }
  })
})

function statusWithHost(url: string, host: string): Promise<number> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: {host, 'content-type': 'application/json'}}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end('{}')
  })
}

async function waitForListening(url: string, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs
  for (;;) {
    try {
      await fetch(url, {method: 'GET'})
      return
    } catch (error) {
      if (Date.now() > end) throw error
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}
