/**
 * Latency to a provider, measured rather than declared: the time a TLS handshake to its host URI
 * takes (TCP connect + TLS 1.3, i.e. about two round trips), from where edge runs. Nothing is
 * sent over the connection. Probes to different providers run in parallel; probes to one
 * provider run one after another so they do not queue behind each other.
 */
import {isIP} from 'node:net'
import * as tls from 'node:tls'

import {parseHostUri} from './trust.js'

export interface LatencySample {
  /** TCP connect time, about one round trip. */
  connectMs: number
  /** TCP + TLS handshake. */
  handshakeMs: number
}

export interface LatencyResult {
  hostUri: string
  /** Median TLS handshake time over the probes that completed. */
  p50Ms?: number
  p95Ms?: number
  /** Median TCP connect time (≈ one RTT). */
  rttMs?: number
  samples: number
  failures: number
  /** Why no probe completed. */
  error?: string
}

/** Opens one TLS connection and reports its timings; injectable so tests need no network. */
export type HandshakeProbe = (hostUri: string, timeoutMs: number) => Promise<LatencySample>

export const tlsHandshakeProbe: HandshakeProbe = (hostUri, timeoutMs) => {
  const {host, port} = parseHostUri(hostUri)
  return new Promise((resolve, reject) => {
    const start = performance.now()
    let connectMs = 0
    const socket = tls.connect({host, port, ...(isIP(host) ? {} : {servername: host}), rejectUnauthorized: false})
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no handshake within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('connect', () => {
      connectMs = performance.now() - start
    })
    socket.once('secureConnect', () => {
      const handshakeMs = performance.now() - start
      clearTimeout(timer)
      socket.destroy()
      resolve({connectMs: connectMs || handshakeMs / 2, handshakeMs})
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    })
  })
}

/** The q-quantile (0..1) of the values, by nearest rank. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil(q * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10)

export interface MeasureOptions {
  /** Probes per host (default 3). */
  probes?: number
  /** Total time budget for all hosts together (default 1000 ms). */
  budgetMs?: number
  probe?: HandshakeProbe
  now?: () => number
}

/** Measures every host in parallel, within about `budgetMs` in total. */
export async function measureLatency(hostUris: readonly string[], options: MeasureOptions = {}): Promise<Map<string, LatencyResult>> {
  const probes = options.probes ?? 3
  const budget = options.budgetMs ?? 1000
  const probe = options.probe ?? tlsHandshakeProbe
  const now = options.now ?? (() => performance.now())
  const deadline = now() + budget
  const unique = [...new Set(hostUris)]

  const results = await Promise.all(
    unique.map(async (hostUri): Promise<LatencyResult> => {
      const handshakes: number[] = []
      const connects: number[] = []
      let failures = 0
      let error: string | undefined
      for (let i = 0; i < probes; i++) {
        const left = deadline - now()
        if (left <= 0) break
        try {
          const sample = await probe(hostUri, left)
          handshakes.push(sample.handshakeMs)
          connects.push(sample.connectMs)
        } catch (e) {
          failures++
          error = (e as Error).message
          // A refused or unresolvable host will not answer the next probe either.
          if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|not a URL|not https/.test(error)) break
        }
      }
      return {
        hostUri,
        p50Ms: round(quantile(handshakes, 0.5)),
        p95Ms: round(quantile(handshakes, 0.95)),
        rttMs: round(quantile(connects, 0.5)),
        samples: handshakes.length,
        failures,
        ...(handshakes.length === 0 ? {error: error ?? 'no probe completed within the time budget'} : {}),
      }
    }),
  )
  return new Map(results.map((r) => [r.hostUri, r]))
}
