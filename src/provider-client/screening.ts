/**
 * The tenant's bid screening client (AEP-67): POST /v1/bid-screening on a provider, with the
 * provider API's own request and response types. What to make of the answers (verdicts, ranks)
 * is the screening service's business (src/services/screen).
 */
import https from 'node:https'

import type {GroupSpecProto} from '../sdl/types.js'

/** One group's answer: would the provider bid, why not, and at what price (per block, a decimal). */
export interface ScreeningAnswer {
  passed: boolean
  reasons: string[]
  price?: {denom: string; amount: string}
}

/** Sends one screening request body; tests and other transports replace it. */
export type ScreeningSend = (hostUri: string, body: string, timeoutMs: number) => Promise<{status: number; body: string}>

export interface ScreeningClientOptions {
  timeoutMs: number
  hostnames?: string[]
  send?: ScreeningSend
}

/** A provider that answered with something other than 200: the HTTP status says why. */
export class ScreeningHttpError extends Error {
  constructor(readonly status: number) {
    super(`answered HTTP ${status}`)
  }
}

/**
 * Asks providers whether they would bid on `groups`: the request bodies are built once, each
 * call asks one provider about every group, and rejects with ScreeningHttpError on a non-200
 * answer or with the transport's error.
 */
export async function bidScreeningClient(groups: readonly GroupSpecProto[], options: ScreeningClientOptions): Promise<(hostUri: string) => Promise<ScreeningAnswer[]>> {
  const send = options.send ?? postJson
  const {BidScreeningRequest, BidScreeningResponse} = await import('@akashnetwork/chain-sdk/private-types/provider.akash.v1')
  const bodies = groups.map((g) => JSON.stringify(BidScreeningRequest.toJSON(BidScreeningRequest.fromPartial({groupSpec: g as never, hostnames: options.hostnames ?? []}))))
  return async (hostUri) => {
    const replies = await Promise.all(bodies.map((body) => send(hostUri, body, options.timeoutMs)))
    const failed = replies.find((r) => r.status !== 200)
    if (failed) throw new ScreeningHttpError(failed.status)
    return replies.map((r) => {
      const a = BidScreeningResponse.fromJSON(JSON.parse(r.body))
      return {passed: a.passed, reasons: a.reasons, ...(a.price ? {price: {denom: a.price.denom, amount: a.price.amount}} : {})}
    })
  }
}

/**
 * POST /v1/bid-screening over HTTPS. The provider's certificate is self-signed (Akash checks it
 * against the chain for leases); a screening answer carries nothing secret and changes nothing.
 */
function postJson(hostUri: string, body: string, timeoutMs: number): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL('/v1/bid-screening', hostUri), {
      method: 'POST',
      rejectUnauthorized: false,
      timeout: timeoutMs,
      headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)},
    })
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (text += c))
      res.on('end', () => {
        clearTimeout(timer)
        resolve({status: res.statusCode ?? 0, body: text})
      })
      res.on('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    req.end(body)
  })
}
