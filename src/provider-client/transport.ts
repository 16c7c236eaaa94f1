/**
 * The two ways edge talks to a provider — HTTPS requests and websockets — behind small
 * injectable functions, so tests can pass a real local server (preferred) or a fake.
 */
import {request as httpsRequest} from 'node:https'

import WebSocket from 'ws'

import type {PinnedTls} from './trust.js'

export interface HttpRequest {
  url: string
  method: 'GET' | 'PUT' | 'POST'
  headers: Record<string, string>
  body?: string
  tls: PinnedTls
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  body: string
}

export type HttpRequester = (request: HttpRequest) => Promise<HttpResponse>

export const httpsRequester: HttpRequester = (r) =>
  new Promise((resolve, reject) => {
    const req = httpsRequest(
      r.url,
      {
        method: r.method,
        headers: {...r.headers, ...(r.body !== undefined ? {'content-length': String(Buffer.byteLength(r.body))} : {})},
        ...r.tls,
        // A fresh connection per request: every one goes through the pinned TLS check.
        agent: false,
        timeout: r.timeoutMs,
        signal: r.signal,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${r.timeoutMs} ms`)))
    req.on('error', reject)
    if (r.body !== undefined) req.write(r.body)
    req.end()
  })

/** The part of a `ws` WebSocket that edge uses. */
export interface WebSocketLike {
  readonly readyState: number
  on(event: 'open', listener: () => void): this
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this
  on(event: 'error', listener: (error: Error) => void): this
  on(event: 'ping', listener: () => void): this
  on(event: 'unexpected-response', listener: (req: unknown, res: {statusCode?: number; on(e: 'data', l: (c: Buffer) => void): unknown; on(e: 'end', l: () => void): unknown}) => void): this
  send(data: Buffer | string, cb?: (error?: Error) => void): void
  close(code?: number, reason?: string): void
  terminate(): void
}

export interface WebSocketOptions {
  headers: Record<string, string>
  tls: PinnedTls
  handshakeTimeoutMs: number
}

export type WebSocketFactory = (url: string, options: WebSocketOptions) => WebSocketLike

export const wsFactory: WebSocketFactory = (url, options) =>
  new WebSocket(url, {
    headers: options.headers,
    ...options.tls,
    handshakeTimeout: options.handshakeTimeoutMs,
    // Log and shell frames are small; compression would only add latency.
    perMessageDeflate: false,
  }) as unknown as WebSocketLike

/** Normalises a ws message payload to one Buffer. */
export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
