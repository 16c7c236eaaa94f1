/**
 * The tenant side of the Akash provider API: manifest PUT, lease and service status, and the
 * logs / kubeevents / shell websockets. Every connection is verified (trust.ts) before a token is
 * sent; every request carries a fresh short-lived JWT scoped to what it does.
 */
import {ProviderError} from '../errors.js'
import type {JwtScope} from './jwt.js'
import {httpError, unreachable} from './errors.js'
import {LogDeduper} from './log-dedupe.js'
import {AsyncQueue} from '../lib/async-queue.js'
import {RECONNECT_BACKOFF, backoffDelay} from '../lib/backoff.js'
import {sleep as abortableSleep} from '../lib/sleep.js'
import {type ShellOptions, type ShellSession, WS_LEASE_NOT_FOUND, shellQuery, shellSession} from './shell-session.js'
import {type HttpRequester, type WebSocketFactory, type WebSocketLike, httpsRequester, toBuffer, wsFactory} from './transport.js'
import {type CertificateSource, type TrustedEndpoint, establishTrust} from './trust.js'
import {type KubeEvent, type LeaseRef, type LeaseStatus, type LogFrame, type ProviderStatusJson, type ServiceStatus, leasePath} from './types.js'

export type TokenSource = (scope: JwtScope[]) => string | Promise<string>

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface ProviderClientOptions {
  provider: string
  hostUri: string
  certificates: CertificateSource
  token: TokenSource
  http?: HttpRequester
  ws?: WebSocketFactory
  /** Extra trusted roots (a private CA; tests). */
  extraCa?: string[]
  /** Per request (default 15 s). */
  timeoutMs?: number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  timers?: Timers
  /** An endpoint verified earlier in this process. */
  trusted?: TrustedEndpoint
}

export type LogStreamEvent =
  | {type: 'line'; name: string; service: string; message: string}
  /** The stream is open (the first time; later ones are `reconnected`): a quiet service is still followed. */
  | {type: 'connected'; follow: boolean}
  | {type: 'reconnecting'; attempt: number; delayMs: number; error: string}
  | {type: 'reconnected'; attempt: number; replayTail: number}
  | {type: 'ended'; reason: string}

export interface LogOptions {
  services?: string[]
  follow?: boolean
  /** Lines of history to start with (-1 = all). */
  tail?: number
  signal?: AbortSignal
  /** Consecutive failed reconnects before giving up (default 10). */
  maxReconnects?: number
  /** Quiet time that ends a replay after a reconnect (default 300 ms). */
  replayQuietMs?: number
  /** The longest a replay is buffered, for a service that logs faster than the quiet time (default 2 s). */
  replayMaxMs?: number
  /** Lines per stream remembered for de-duplication (default 1000). */
  keep?: number
}

const defaultTimers: Timers = {setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout)}

/**
 * Lines asked for, beyond the ones remembered, when a dropped log stream is re-opened: what the
 * service printed while edge was away. The replay is aligned with what was shown, so the extra
 * lines cost only bandwidth; too few would lose lines (edge logs -f --tail 2 across a provider
 * restart used to ask for 2 again and skip what came in between).
 */
export const RECONNECT_EXTRA_LINES = 10_000

/**
 * The `tail` of a reconnect: the remembered lines plus what may have come meanwhile. With nothing
 * shown yet, the log was empty when the stream opened (unless it asked for no history at all), so
 * everything in it now is new.
 */
export function reconnectTail(remembered: number, firstTail: number): number {
  if (remembered > 0) return remembered + RECONNECT_EXTRA_LINES
  return firstTail === 0 ? 0 : -1
}

/** A log connection open this long was working, whatever ended it. */
const HEALTHY_CONNECTION_MS = 5000


export class ProviderClient {
  readonly provider: string
  readonly hostUri: string
  private trusted?: Promise<TrustedEndpoint>
  private readonly http: HttpRequester
  private readonly ws: WebSocketFactory
  private readonly timeoutMs: number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  private readonly timers: Timers

  constructor(private readonly options: ProviderClientOptions) {
    this.provider = options.provider
    this.hostUri = options.hostUri
    this.http = options.http ?? httpsRequester
    this.ws = options.ws ?? wsFactory
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.sleep = options.sleep ?? abortableSleep
    this.timers = options.timers ?? defaultTimers
    if (options.trusted) this.trusted = Promise.resolve(options.trusted)
  }

  /** Verifies the provider's certificate once; later calls reuse the pinned result. */
  endpoint(): Promise<TrustedEndpoint> {
    this.trusted ??= establishTrust({
      provider: this.provider,
      hostUri: this.hostUri,
      certificates: this.options.certificates,
      extraCa: this.options.extraCa,
      timeoutMs: Math.min(this.timeoutMs, 10_000),
    }).catch((error) => {
      this.trusted = undefined
      throw error
    })
    return this.trusted
  }

  private async call(
    what: string,
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    scope: JwtScope[] | undefined,
    body?: string,
    signal?: AbortSignal,
  ): Promise<{status: number; body: string}> {
    const endpoint = await this.endpoint()
    const headers: Record<string, string> = {accept: 'application/json'}
    if (body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8'
    if (scope) headers.authorization = `Bearer ${await this.options.token(scope)}`
    try {
      return await this.http({url: endpoint.baseUrl + path, method, headers, body, tls: endpoint.tls, timeoutMs: this.timeoutMs, signal})
    } catch (error) {
      throw unreachable(this.provider, endpoint.baseUrl, what, error)
    }
  }

  private async json<T>(what: string, path: string, scope: JwtScope[] | undefined, signal?: AbortSignal): Promise<T> {
    const response = await this.call(what, 'GET', path, scope, undefined, signal)
    if (response.status !== 200) throw httpError(this.provider, what, response.status, response.body)
    try {
      return JSON.parse(response.body) as T
    } catch {
      throw new ProviderError(`The provider ${this.provider} answered ${what} with something that is not JSON.`, {code: 'provider_bad_response'})
    }
  }

  /** Provider status (no authentication). */
  status(signal?: AbortSignal): Promise<ProviderStatusJson> {
    return this.json('reading the provider status', '/status', undefined, signal)
  }

  /**
   * PUTs the manifest (the exact sorted JSON whose hash is on chain). The provider learns about a
   * new lease from the chain, possibly a block after edge does, so a 404 is retried for up to
   * `leaseWaitMs`.
   */
  async sendManifest(dseq: bigint, manifestJson: string, options: {leaseWaitMs?: number; signal?: AbortSignal} = {}): Promise<{attempts: number}> {
    const waitMs = options.leaseWaitMs ?? 30_000
    const started = Date.now()
    for (let attempt = 1; ; attempt++) {
      const response = await this.call('sending the manifest', 'PUT', `/deployment/${dseq}/manifest`, ['send-manifest'], manifestJson, options.signal)
      if (response.status >= 200 && response.status < 300) return {attempts: attempt}
      const retriable = response.status === 404 || response.status === 503
      if (!retriable || Date.now() - started >= waitMs || options.signal?.aborted) {
        throw httpError(this.provider, 'sending the manifest', response.status, response.body)
      }
      await this.sleep(Math.min(1000, 250 * attempt), options.signal)
    }
  }

  leaseStatus(lease: LeaseRef, signal?: AbortSignal): Promise<LeaseStatus> {
    return this.json('reading the lease status', `${leasePath(lease)}/status`, ['status'], signal)
  }

  /** The manifest group the provider runs for the lease (its own word: services, images, resources). */
  leaseManifest(lease: LeaseRef, signal?: AbortSignal): Promise<unknown[]> {
    return this.json('reading the lease manifest', `${leasePath(lease)}/manifest`, ['get-manifest'], signal)
  }

  /**
   * AEP-83: asks for TEE evidence over a fresh nonce (`POST /lease/…/attestation/quote`, body
   * `{nonce: base64 of 64 bytes, bind_tls}`). Returns the provider's JSON answer unparsed: judging it is
   * src/verify/attestation's job. A provider without a TEE refuses (404, 501 or 503, with its reason).
   */
  async attestationQuote(lease: LeaseRef, request: {nonce: Uint8Array; bindTls?: boolean}, signal?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify({nonce: Buffer.from(request.nonce).toString('base64'), ...(request.bindTls ? {bind_tls: true} : {})})
    const response = await this.call('requesting an attestation quote', 'POST', `${leasePath(lease)}/attestation/quote`, ['attestation'], body, signal)
    if (response.status !== 200) throw httpError(this.provider, 'requesting an attestation quote', response.status, response.body)
    try {
      return JSON.parse(response.body) as unknown
    } catch {
      throw new ProviderError(`The provider ${this.provider} answered the attestation quote request with something that is not JSON.`, {code: 'provider_bad_response'})
    }
  }

  serviceStatus(lease: LeaseRef, service: string, signal?: AbortSignal): Promise<ServiceStatus> {
    return this.json('reading the service status', `${leasePath(lease)}/service/${encodeURIComponent(service)}/status`, ['status'], signal)
  }

  /** Opens a websocket on a lease path; resolves once open, rejects with the HTTP refusal. */
  private async openSocket(what: string, path: string, query: URLSearchParams, scope: JwtScope[]): Promise<WebSocketLike> {
    const endpoint = await this.endpoint()
    const url = `${endpoint.baseUrl.replace(/^https:/, 'wss:')}${path}?${query.toString()}`
    const headers = {authorization: `Bearer ${await this.options.token(scope)}`}
    return new Promise((resolve, reject) => {
      let settled = false
      let socket: WebSocketLike
      try {
        socket = this.ws(url, {headers, tls: endpoint.tls, handshakeTimeoutMs: this.timeoutMs})
      } catch (error) {
        reject(unreachable(this.provider, endpoint.baseUrl, what, error))
        return
      }
      socket.on('open', () => {
        settled = true
        resolve(socket)
      })
      socket.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          if (settled) return
          settled = true
          reject(httpError(this.provider, what, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')))
        })
        socket.terminate()
      })
      socket.on('error', (error) => {
        if (settled) return
        settled = true
        reject(unreachable(this.provider, endpoint.baseUrl, what, error))
      })
    })
  }

  /**
   * Log lines of a lease. With `follow`, a dropped connection is re-opened with backoff; the
   * provider replays the last lines and LogDeduper drops the ones already yielded.
   */
  async *logs(lease: LeaseRef, options: LogOptions = {}): AsyncGenerator<LogStreamEvent> {
    const dedupe = new LogDeduper(options.keep ?? 1000)
    const maxReconnects = options.maxReconnects ?? 10
    const signal = options.signal
    let failures = 0
    let connected = false
    const firstTail = options.tail ?? -1

    while (!signal?.aborted) {
      const tail = connected ? reconnectTail(dedupe.replayTail(), firstTail) : firstTail
      const query = new URLSearchParams({follow: String(Boolean(options.follow)), tail: String(tail)})
      if (options.services?.length) query.set('service', options.services.join(','))
      let socket: WebSocketLike
      try {
        socket = await this.openSocket('streaming logs', `${leasePath(lease)}/logs`, query, ['logs'])
      } catch (error) {
        const e = error as ProviderError
        if (connected && e.code === 'provider_lease_not_found') {
          yield {type: 'ended', reason: 'the lease is no longer running on the provider'}
          return
        }
        if (!connected || e.code === 'provider_auth' || e.code === 'provider_lease_not_found' || !options.follow) throw error
        failures++
        if (failures > maxReconnects) throw error
        const delayMs = backoffDelay(RECONNECT_BACKOFF, failures - 1)
        yield {type: 'reconnecting', attempt: failures, delayMs, error: e.message}
        await this.sleep(delayMs, signal)
        continue
      }
      if (connected) {
        dedupe.beginResync()
        yield {type: 'reconnected', attempt: failures, replayTail: tail}
      } else {
        yield {type: 'connected', follow: Boolean(options.follow)}
      }
      connected = true

      const outcome = yield* this.drainLogs(socket, dedupe, options)
      if (outcome === 'aborted') return
      if (outcome === 'done' || !options.follow) {
        for (const line of dedupe.flush()) yield lineEvent(line)
        return
      }
      if (outcome === 'lease-gone') {
        for (const line of dedupe.flush()) yield lineEvent(line)
        yield {type: 'ended', reason: 'the lease is no longer running on the provider'}
        return
      }
      // Dropped: reconnect, the first retry at once. A connection that closed without having
      // been healthy counts as one more failure in a row, so a provider that accepts and drops
      // the stream at once is retried with backoff and finally given up on, not spun on.
      failures = outcome.healthy ? 1 : failures + 1
      if (failures > maxReconnects) {
        throw new ProviderError(`The log stream from ${this.provider} keeps closing: ${outcome.error}.`, {
          code: 'provider_unreachable',
          hint: 'The provider may be restarting or overloaded; try again later.',
          details: {provider: this.provider, attempts: failures},
        })
      }
      const delayMs = failures === 1 ? 0 : backoffDelay(RECONNECT_BACKOFF, failures - 2)
      yield {type: 'reconnecting', attempt: failures, delayMs, error: outcome.error}
      if (delayMs > 0) await this.sleep(delayMs, signal)
    }
  }

  private async *drainLogs(
    socket: WebSocketLike,
    dedupe: LogDeduper,
    options: LogOptions,
  ): AsyncGenerator<LogStreamEvent, 'done' | 'aborted' | 'lease-gone' | {error: string; healthy: boolean}> {
    type Item = {kind: 'frame'; data: Buffer} | {kind: 'flush'} | {kind: 'closed'; code: number; reason: string} | {kind: 'error'; error: Error}
    const channel = new AsyncQueue<Item>()
    const quietMs = options.replayQuietMs ?? 300
    // A service that logs more often than quietMs never lets the stream go quiet; the replay
    // burst is over long before replayMaxMs, so what follows it is live and is let through.
    const replayDeadline = Date.now() + (options.replayMaxMs ?? 2000)
    let quietTimer: unknown
    let watchdog: unknown
    let sawPing = false
    const armQuiet = () => {
      if (quietTimer !== undefined) this.timers.clearTimeout(quietTimer)
      quietTimer = this.timers.setTimeout(
        () => {
          quietTimer = undefined
          channel.push({kind: 'flush'})
        },
        Math.max(0, Math.min(quietMs, replayDeadline - Date.now())),
      )
    }
    // Once the provider has shown it pings (Akash: every 10 s), silence for 30 s means the
    // connection is dead even if TCP has not noticed.
    const armWatchdog = () => {
      if (!sawPing) return
      if (watchdog !== undefined) this.timers.clearTimeout(watchdog)
      watchdog = this.timers.setTimeout(() => socket.terminate(), 30_000)
    }
    socket.on('message', (data) => {
      armWatchdog()
      channel.push({kind: 'frame', data: toBuffer(data)})
    })
    socket.on('ping', () => {
      sawPing = true
      armWatchdog()
    })
    socket.on('close', (code, reason) => {
      channel.push({kind: 'closed', code, reason: reason?.toString('utf8') ?? ''})
      channel.end()
    })
    socket.on('error', (error) => channel.push({kind: 'error', error}))
    const onAbort = () => socket.close(1000, 'client done')
    options.signal?.addEventListener('abort', onAbort, {once: true})
    if (dedupe.resyncing) armQuiet()
    let lastError = 'connection closed'
    // Healthy: it carried a line or a ping, or stayed open a while (a quiet service).
    const opened = Date.now()
    let received = false
    const healthy = () => received || sawPing || Date.now() - opened >= HEALTHY_CONNECTION_MS
    try {
      for await (const item of channel) {
        if (options.signal?.aborted) return 'aborted'
        if (item.kind === 'frame') {
          received = true
          let frame: LogFrame
          try {
            frame = JSON.parse(item.data.toString('utf8')) as LogFrame
          } catch {
            continue
          }
          if (typeof frame?.message !== 'string') continue
          if (dedupe.resyncing) armQuiet()
          for (const line of dedupe.push({name: String(frame.name ?? ''), message: frame.message})) yield lineEvent(line)
        } else if (item.kind === 'flush') {
          for (const line of dedupe.flush()) yield lineEvent(line)
        } else if (item.kind === 'error') {
          lastError = item.error.message
        } else {
          if (item.code === WS_LEASE_NOT_FOUND) return 'lease-gone'
          if (item.code === 1000 && !options.follow) return 'done'
          return {error: `${lastError} (code ${item.code}${item.reason ? `: ${item.reason}` : ''})`, healthy: healthy()}
        }
      }
      return options.signal?.aborted ? 'aborted' : {error: lastError, healthy: healthy()}
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      if (quietTimer !== undefined) this.timers.clearTimeout(quietTimer)
      if (watchdog !== undefined) this.timers.clearTimeout(watchdog)
      socket.terminate()
    }
  }

  /** Provider-side events of a lease (Kubernetes events on Akash; container events on edge). */
  async *events(lease: LeaseRef, options: {follow?: boolean; services?: string[]; signal?: AbortSignal} = {}): AsyncGenerator<KubeEvent> {
    const query = new URLSearchParams({follow: String(Boolean(options.follow))})
    if (options.services?.length) query.set('service', options.services.join(','))
    const socket = await this.openSocket('streaming events', `${leasePath(lease)}/kubeevents`, query, ['events'])
    const channel = new AsyncQueue<KubeEvent>()
    socket.on('message', (data) => {
      try {
        channel.push(JSON.parse(toBuffer(data).toString('utf8')) as KubeEvent)
      } catch {
        // not an event frame
      }
    })
    socket.on('close', () => channel.end())
    socket.on('error', () => channel.end())
    const onAbort = () => {
      socket.close(1000, 'client done')
      channel.end()
    }
    options.signal?.addEventListener('abort', onAbort, {once: true})
    try {
      yield* channel
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      socket.terminate()
    }
  }

  /** Runs a command in a service's container; `done` resolves with the remote exit code. */
  async shell(lease: LeaseRef, options: ShellOptions): Promise<ShellSession> {
    const socket = await this.openSocket('opening a shell', `${leasePath(lease)}/shell`, shellQuery(options), ['shell'])
    return shellSession(socket, {provider: this.provider, lease, options})
  }
}

function lineEvent(line: {name: string; message: string}): LogStreamEvent {
  return {type: 'line', name: line.name, service: serviceOf(line.name), message: line.message}
}

/**
 * Akash names log streams after the pod (`web-6d4b7c9f5-x2x9q`); the service is the part before
 * the replica-set and pod hashes. A name without those suffixes is already the service.
 */
export function serviceOf(name: string): string {
  const m = /^(.*?)-[a-z0-9]{8,10}-[a-z0-9]{5}$/.exec(name)
  if (m) return m[1]
  const m2 = /^(.*?)-\d+$/.exec(name)
  return m2 ? m2[1] : name
}
