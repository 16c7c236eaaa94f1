/**
 * `edge mcp`: one Agent (the unlocked key, the limits, the spend ledger) behind an MCP server
 * factory, served over stdio or Streamable HTTP by the official SDK (v2, spec 2026-07-28; clients
 * of the 2025 protocol are served too). The key is unlocked once, here; no tool can read it.
 */
import {createServer, type Server as HttpServer} from 'node:http'
import {join} from 'node:path'
import {timingSafeEqual} from 'node:crypto'

import {McpServer, type Transport, createMcpHandler} from '@modelcontextprotocol/server'
import {serveStdio} from '@modelcontextprotocol/server/stdio'

import {dataDir} from '../config/paths.js'
import {UsageError} from '../errors.js'
import {type TenantContext, type TenantOptions, openTenant} from '../services/lease/context.js'
import {Agent} from './agent.js'
import type {Limits} from './limits.js'
import {Planner} from './plans.js'
import {McpStore, mcpStorePath} from './store.js'
import {registerReadTools} from './tools/read-tools.js'
import {registerWriteTools} from './tools/write-tools.js'
import type {DseqText} from '../protocol/json-fields.js'

export const SERVER_INFO = {name: 'edge', version: '0.1.0'}

const INSTRUCTIONS = `edge rents compute on Akash-compatible markets for you, within limits a person set (see the limits tool).
To deploy: plan (SDL path or text) → show the user the USD cost → apply with the plan id. Everything you create ends at its TTL.
A refusal names the limit and what a person could change; do not try to work around it.`

export interface McpOptions {
  network?: string
  key?: string
  limits: Limits
  /** May ask for the passphrase at the terminal (HTTP only: on stdio, stdin carries the protocol). */
  interactive?: boolean
  /** The terminal's masked prompt, injected by the command (services do not load the UI). */
  promptPassword?: TenantOptions['promptPassword']
  env?: NodeJS.ProcessEnv
  /** How often due deployments are looked for (ms). */
  closerIntervalMs?: number
  bidTimeoutMs?: number
  readyTimeoutMs?: number
}

export interface EdgeMcp {
  agent: Agent
  /** A fresh McpServer with every tool (the SDK asks for one per connection or request). */
  factory: () => McpServer
  /** What the start-up TTL sweep closed. */
  closedOnStart: Array<{dseq: DseqText; outcome: string}>
  close(): Promise<void>
}

export async function openEdgeMcp(options: McpOptions): Promise<EdgeMcp> {
  const env = options.env ?? process.env
  const ctx: TenantContext = await openTenant({...(options.network ? {network: options.network} : {}), ...(options.key ? {key: options.key} : {}), interactive: options.interactive ?? false, ...(options.promptPassword ? {promptPassword: options.promptPassword} : {}), sign: true, env})
  const store = await McpStore.open(mcpStorePath(env))
  const planner = new Planner(ctx, store, options.limits, join(dataDir(env), 'mcp', 'plans'))
  const agent = new Agent(ctx, store, options.limits, planner, {
    bidTimeoutMs: options.bidTimeoutMs ?? ctx.network.profile.bidTimeoutMs,
    readyTimeoutMs: options.readyTimeoutMs ?? 300_000,
  })
  const aborter = new AbortController()
  // Deployments that came due while the server was down are closed before any tool runs.
  const closedOnStart = await agent.closeDue()
  let sweeping = false
  const timer = setInterval(() => {
    if (sweeping) return
    sweeping = true
    void agent.closeDue().finally(() => (sweeping = false))
  }, options.closerIntervalMs ?? 5000)
  timer.unref()
  const factory = () => {
    const server = new McpServer(SERVER_INFO, {capabilities: {tools: {}}, instructions: INSTRUCTIONS})
    registerReadTools(server, agent)
    registerWriteTools(server, agent, aborter.signal)
    return server
  }
  return {
    agent,
    factory,
    closedOnStart,
    async close() {
      clearInterval(timer)
      aborter.abort()
      // Let a sweep in flight finish before the database closes.
      while (sweeping) await new Promise((r) => setTimeout(r, 50))
      store.close()
      await ctx.close()
    },
  }
}

/** Serves over stdio (or a given transport, for tests); resolves when the client goes away. */
export function serveOverStdio(mcp: EdgeMcp, transport?: Transport): {closed: Promise<void>; close(): Promise<void>} {
  let done!: () => void
  const closed = new Promise<void>((r) => (done = r))
  const handle = serveStdio(mcp.factory, {legacy: 'serve', ...(transport ? {transport} : {})})
  if (!transport) {
    process.stdin.once('end', () => done())
    process.stdin.once('close', () => done())
  }
  return {
    closed,
    async close() {
      await handle.close()
      done()
    },
  }
}

export interface HttpOptions {
  host: string
  port: number
  /** Required unless the host is loopback. */
  token?: string
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host)
}

/** The host name of a Host header ("127.0.0.1:8765", "[::1]:80" → "127.0.0.1", "::1"). */
function hostName(header: string | undefined): string {
  const h = (header ?? '').trim()
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'))
  return h.split(':')[0] ?? ''
}

/** Parses "HOST:PORT" or ":PORT" / "PORT" (loopback). */
export function parseListen(input: string): {host: string; port: number} {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(input.trim())
  const port = m ? Number(m[2]) : NaN
  if (!m || port > 65_535) throw new UsageError(`--http "${input}" is not HOST:PORT.`, {hint: 'Write it like 127.0.0.1:8765 or :8765.'})
  return {host: m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1', port}
}

/** Streamable HTTP on /mcp, with a bearer token checked before the SDK sees the request. */
export async function serveOverHttp(mcp: EdgeMcp, options: HttpOptions): Promise<{server: HttpServer; url: string; close(): Promise<void>}> {
  if (!isLoopback(options.host) && !options.token) {
    throw new UsageError(`Serving on ${options.host} (not loopback) needs a bearer token.`, {code: 'mcp_token_required', hint: 'Set EDGE_MCP_TOKEN (or --token) to a long random secret.'})
  }
  const {toNodeHandler} = await import('@modelcontextprotocol/node')
  const handler = createMcpHandler(mcp.factory)
  const node = toNodeHandler(handler)
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/mcp') {
      res.writeHead(404, {'content-type': 'text/plain'}).end('edge mcp serves /mcp\n')
      return
    }
    // On loopback, a Host that is not loopback is a page in a browser reaching us by DNS rebinding.
    if (isLoopback(options.host) && !isLoopback(hostName(req.headers.host))) {
      res.writeHead(403, {'content-type': 'application/json'}).end(JSON.stringify({error: 'host not allowed'}))
      return
    }
    if (expected) {
      const given = Buffer.from(String(req.headers.authorization ?? ''))
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401, {'content-type': 'application/json', 'www-authenticate': 'Bearer'}).end(JSON.stringify({error: 'unauthorized'}))
        return
      }
    }
    void node(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    server,
    url: `http://${host}:${port}/mcp`,
    async close() {
      await handler.close()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
