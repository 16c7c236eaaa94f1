import type {WebSocket} from 'ws'

import type {LogLine, RuntimeEvent} from '../runtime/types.js'
import {WS_CLOSE, closeWith, drain, keepAlive} from './ws-util.js'

export interface StreamParams {
  services: string[]
  follow: boolean
  /** Lines per replica; undefined = all. */
  tail?: number
}

/** `service`, `follow`, `tail` as Akash's requestStreamParams reads them; a string is the 400 text. */
export function parseStreamParams(query: URLSearchParams): StreamParams | string {
  const services = query.get('service') ?? ''
  if (services.endsWith(',')) return 'parameter "service" must not contain trailing comma'
  let follow = false
  const f = query.get('follow')
  if (f !== null && f !== '') {
    const parsed = parseGoBool(f)
    if (parsed === undefined) return `strconv.ParseBool: parsing "${f}": invalid syntax`
    follow = parsed
  }
  let tail: number | undefined
  const t = query.get('tail')
  if (t !== null && t !== '') {
    if (!/^-?\d+$/.test(t) || Math.abs(Number(t)) > 2 ** 31 - 1) return `strconv.ParseInt: parsing "${t}": invalid syntax`
    const n = Number(t)
    if (n < -1) return 'parameter "tail" contains invalid value'
    if (n > -1) tail = n
  }
  return {services: services === '' ? [] : services.split(','), follow, ...(tail !== undefined ? {tail} : {})}
}

function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

/**
 * Log frames `{name, message}`, one per line, `name` being `<service>-<replica>` (a pod name in
 * Akash). Back-pressure: the runtime is read only as fast as the client takes the frames.
 */
export async function streamLogs(ws: WebSocket, source: () => AsyncIterable<LogLine>, abort: AbortController): Promise<void> {
  const stop = keepAlive(ws, () => abort.abort())
  ws.on('message', () => {}) // Clients send nothing; reading keeps pongs flowing.
  let sent = 0
  try {
    for await (const line of source()) {
      if (abort.signal.aborted || ws.readyState !== ws.OPEN) break
      ws.send(JSON.stringify({name: `${line.service}-${line.replica}`, message: line.line}))
      sent++
      if ((sent & 255) === 0) await drain(ws)
    }
    await drain(ws, 0)
    closeWith(ws, WS_CLOSE.normal)
  } catch (error) {
    closeWith(ws, closeCodeFor(error), (error as Error).message)
  } finally {
    stop()
  }
}

/** Kubernetes-style event frames (`kubeevents`) from the runtime's lease events. */
export async function streamEvents(ws: WebSocket, source: () => AsyncIterable<RuntimeEvent>, namespace: string, abort: AbortController): Promise<void> {
  const stop = keepAlive(ws, () => abort.abort())
  ws.on('message', () => {})
  try {
    for await (const e of source()) {
      if (abort.signal.aborted || ws.readyState !== ws.OPEN) break
      ws.send(
        JSON.stringify({
          type: e.severity === 'warning' ? 'Warning' : 'Normal',
          reportingController: 'edge-provider',
          reportingInstance: e.service ? `${e.service}${e.replica !== undefined ? `-${e.replica}` : ''}` : 'lease',
          reason: e.reason,
          note: e.message,
          object: {kind: e.service ? 'Pod' : 'Lease', namespace, name: e.service ? `${e.service}-${e.replica ?? 0}` : namespace},
          // Not in Akash's frame (which has no time at all); clients that decode it into Akash's struct ignore it.
          eventTime: new Date(e.ts).toISOString(),
        }),
      )
      await drain(ws)
    }
    closeWith(ws, WS_CLOSE.normal)
  } catch (error) {
    closeWith(ws, closeCodeFor(error), (error as Error).message)
  } finally {
    stop()
  }
}

export function closeCodeFor(error: unknown): number {
  const text = String((error as Error)?.message ?? error)
  if (/not found|no such|unknown lease|no (running )?containers?/i.test(text)) return WS_CLOSE.leaseNotFound
  if (/unavailable|ECONNREFUSED|ENOENT|socket/i.test(text)) return WS_CLOSE.serviceUnavailable
  return WS_CLOSE.internal
}
