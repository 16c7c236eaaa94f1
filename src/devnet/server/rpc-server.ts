import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import {type WebSocket, WebSocketServer} from 'ws'

import type {CommittedBlock, DevApp} from '../app.js'
import {type TxQuery, QueryParseError, matchesQuery, parseQuery} from '../core/tx-query.js'
import {type CometRenderer, eventMap, eventsJson, txResultJson, b64} from './comet-json.js'
import {MAX_BODY, readBody} from './http-body.js'
import {RpcError, RpcParams, methods} from './rpc-methods.js'

export interface RpcServerOptions {
  app: DevApp
  renderer: CometRenderer
  host: string
  port: number
  commitTimeoutMs?: number
  log?: (line: string) => void
}

interface JsonRpcRequest {
  jsonrpc?: string
  id?: unknown
  method?: unknown
  params?: unknown
}

interface Subscription {
  id: unknown
  query: string
  parsed: TxQuery
  event: string
}

/**
 * CometBFT's RPC server: JSON-RPC over HTTP POST, the URI form (`GET /status`,
 * `GET /block?height=5`), and `/websocket` with event subscriptions.
 */
export class RpcServer {
  private server: Server | undefined
  private wss: WebSocketServer | undefined
  private readonly subscribers = new Map<WebSocket, Subscription[]>()
  private readonly onBlock = (committed: CommittedBlock) => this.publish(committed)
  private address = ''

  constructor(private readonly options: RpcServerOptions) {}

  get url(): string {
    return this.address
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => void this.handleHttp(req, res))
    server.keepAliveTimeout = 65_000
    const wss = new WebSocketServer({noServer: true, maxPayload: MAX_BODY})
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/websocket')) {
        socket.destroy()
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.handleSocket(ws))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => resolve())
    })
    this.server = server
    this.wss = wss
    const port = (server.address() as AddressInfo).port
    this.address = `http://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${port}`
    this.options.app.on('block', this.onBlock)
    return port
  }

  async close(): Promise<void> {
    this.options.app.off('block', this.onBlock)
    for (const ws of this.subscribers.keys()) ws.terminate()
    this.subscribers.clear()
    this.wss?.close()
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private context() {
    return {
      app: this.options.app,
      renderer: this.options.renderer,
      rpcAddress: this.address.replace(/^http/, 'tcp'),
      commitTimeoutMs: this.options.commitTimeoutMs ?? 10_000,
    }
  }

  private async call(method: string, params: RpcParams): Promise<unknown> {
    const fn = methods[method]
    if (!fn) throw new RpcError(-32601, 'Method not found')
    try {
      return await fn(this.context(), params)
    } catch (error) {
      if (error instanceof RpcError) throw error
      this.options.log?.(`rpc ${method} failed: ${(error as Error).stack ?? error}`)
      throw new RpcError(-32603, 'Internal error', (error as Error).message)
    }
  }

  private async respond(request: JsonRpcRequest): Promise<unknown> {
    const id = request.id ?? -1
    if (typeof request.method !== 'string') return {jsonrpc: '2.0', id, error: {code: -32600, message: 'Invalid Request', data: 'method is missing'}}
    if (request.params !== undefined && request.params !== null && (typeof request.params !== 'object' || Array.isArray(request.params))) {
      return {jsonrpc: '2.0', id, error: {code: -32602, message: 'Invalid params', data: 'params must be an object'}}
    }
    try {
      const result = await this.call(request.method, new RpcParams((request.params ?? {}) as Record<string, unknown>, false))
      return {jsonrpc: '2.0', id, result}
    } catch (error) {
      const e = error as RpcError
      return {jsonrpc: '2.0', id, error: {code: e.code, message: e.message, ...(e.data === undefined ? {} : {data: e.data})}}
    }
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
      res.end(text)
    }
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (req.method === 'POST') {
        const body = await readBody(req)
        let parsed: unknown
        try {
          parsed = JSON.parse(body)
        } catch (error) {
          send(500, {jsonrpc: '2.0', id: -1, error: {code: -32700, message: 'Parse error', data: `error unmarshaling request: ${(error as Error).message}`}})
          return
        }
        if (Array.isArray(parsed)) send(200, await Promise.all(parsed.map((r) => this.respond(r as JsonRpcRequest))))
        else send(200, await this.respond(parsed as JsonRpcRequest))
        return
      }
      if (req.method === 'GET') {
        const method = url.pathname.replace(/^\/+/, '')
        if (method === '') {
          const list = Object.keys(methods).map((m) => `//${req.headers.host ?? ''}/${m}`)
          res.writeHead(200, {'content-type': 'text/plain'})
          res.end(`Available endpoints:\n${list.join('\n')}\n`)
          return
        }
        const params: Record<string, string> = {}
        for (const [k, v] of url.searchParams) params[k] = v
        try {
          const result = await this.call(method, new RpcParams(params, true))
          send(200, {jsonrpc: '2.0', id: -1, result})
        } catch (error) {
          const e = error as RpcError
          send(e.code === -32601 ? 404 : 500, {jsonrpc: '2.0', id: -1, error: {code: e.code, message: e.message, ...(e.data === undefined ? {} : {data: e.data})}})
        }
        return
      }
      res.writeHead(405).end()
    } catch (error) {
      if (!res.headersSent) send(500, {jsonrpc: '2.0', id: -1, error: {code: -32603, message: 'Internal error', data: (error as Error).message}})
    }
  }

  private handleSocket(ws: WebSocket): void {
    this.subscribers.set(ws, [])
    ws.on('close', () => this.subscribers.delete(ws))
    ws.on('error', () => this.subscribers.delete(ws))
    ws.on('message', (data) => {
      let request: JsonRpcRequest
      try {
        request = JSON.parse(data.toString()) as JsonRpcRequest
      } catch {
        ws.send(JSON.stringify({jsonrpc: '2.0', id: -1, error: {code: -32700, message: 'Parse error'}}))
        return
      }
      void this.handleSocketRequest(ws, request)
    })
  }

  private async handleSocketRequest(ws: WebSocket, request: JsonRpcRequest): Promise<void> {
    const id = request.id ?? -1
    const params = (request.params ?? {}) as Record<string, unknown>
    const reply = (body: Record<string, unknown>) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({jsonrpc: '2.0', id, ...body}))
    }
    const subs = this.subscribers.get(ws) ?? []
    switch (request.method) {
      case 'subscribe': {
        const query = String(params.query ?? '')
        let parsed: TxQuery
        try {
          parsed = parseQuery(query)
        } catch (error) {
          reply({error: {code: -32603, message: 'Internal error', data: `failed to parse query: ${(error as QueryParseError).message}`}})
          return
        }
        const event = parsed.find((c) => c.key === 'tm.event' && c.op === '=')?.value
        if (subs.some((s) => s.query === query)) {
          reply({error: {code: -32603, message: 'Internal error', data: 'already subscribed'}})
          return
        }
        subs.push({id, query, parsed, event: typeof event === 'string' ? event : ''})
        this.subscribers.set(ws, subs)
        reply({result: {}})
        return
      }
      case 'unsubscribe': {
        const query = String(params.query ?? '')
        const kept = subs.filter((s) => s.query !== query)
        if (kept.length === subs.length) {
          reply({error: {code: -32603, message: 'Internal error', data: 'subscription not found'}})
          return
        }
        this.subscribers.set(ws, kept)
        reply({result: {}})
        return
      }
      case 'unsubscribe_all':
        this.subscribers.set(ws, [])
        reply({result: {}})
        return
      default:
        reply((await this.respond(request)) as Record<string, unknown>)
    }
  }

  private publish(committed: CommittedBlock): void {
    if (this.subscribers.size === 0) return
    const {block, txs} = committed
    const renderer = this.options.renderer
    let blockMsg: unknown
    let headerMsg: unknown
    for (const [ws, subs] of this.subscribers) {
      for (const sub of subs) {
        const send = (data: unknown, events: Record<string, string[]>) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({jsonrpc: '2.0', id: sub.id, result: {query: sub.query, data, events}}))
        }
        if (sub.event === 'NewBlock' || sub.event === 'NewBlockHeader' || sub.event === 'NewBlockEvents') {
          const implicit = {'tm.event': sub.event, 'block.height': String(block.height)}
          if (!matchesQuery(sub.parsed, implicit, block.events)) continue
          if (sub.event === 'NewBlock') {
            blockMsg ??= {
              type: 'tendermint/event/NewBlock',
              value: {
                block: renderer.blockJson(block, block.height > 1 ? this.options.app.db.block(block.height - 1) : undefined),
                block_id: {hash: Buffer.from(block.hash).toString('hex').toUpperCase(), parts: {total: 1, hash: ''}},
                result_finalize_block: {
                  events: eventsJson(block.events),
                  tx_results: txs.map((t) => txResultJson(t.result)),
                  validator_updates: [],
                  app_hash: b64(block.resultAppHash),
                },
              },
            }
            send(blockMsg, eventMap(implicit, block.events))
          } else if (sub.event === 'NewBlockHeader') {
            headerMsg ??= {type: 'tendermint/event/NewBlockHeader', value: {header: renderer.headerJson(block)}}
            send(headerMsg, eventMap(implicit, block.events))
          } else {
            send({type: 'tendermint/event/NewBlockEvents', value: {height: String(block.height), events: eventsJson(block.events), num_txs: String(txs.length)}}, eventMap(implicit, block.events))
          }
        } else if (sub.event === 'Tx' || sub.event === '') {
          for (const tx of txs) {
            const implicit = {'tm.event': 'Tx', 'tx.hash': tx.hash, 'tx.height': String(tx.height)}
            if (!matchesQuery(sub.parsed, implicit, tx.result.events)) continue
            send(
              {type: 'tendermint/event/Tx', value: {TxResult: {height: String(tx.height), index: tx.index, tx: b64(tx.tx), result: txResultJson(tx.result)}}},
              eventMap(implicit, tx.result.events),
            )
          }
        }
      }
    }
  }
}
