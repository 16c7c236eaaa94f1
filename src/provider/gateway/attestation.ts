/**
 * `POST /lease/{dseq}/{gseq}/{oseq}/attestation/quote` (Akash AEP-83; provider gateway/rest
 * attestation.go + the sidecar's `/quote`): the tenant sends `{nonce: base64 of 64 bytes, bind_tls?}`
 * and gets `{report, cert_chain, tee_platform, auxblob, gpu_reports, tls_bound}` back. The same
 * authorization as the other lease routes, with the `attestation` scope. Statuses as Akash's:
 * 404 for an unknown lease, 400 for a bad nonce (the sidecar's texts), 503 when the TEE fails;
 * 501 when this provider is not a TEE at all (Akash answers 404 there, for a lease without its
 * sidecar; edge says why instead). `quoteForLease` is shared with the gRPC LeaseRPC method that
 * `akt provider lease-attestation` calls (grpc/attestation-rpc.ts).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {AkashQuoteResponse} from '../../verify/attestation/akash/response.js'
import {type LeaseRef, authorizedForLease, authorizedForProvider} from '../auth/authorize.js'
import {AUTH_ERRORS, type Claims} from '../auth/jwt.js'
import {type QuoteSource, hostQuoteSource} from '../attestation/quote-source.js'
import {gpuUnits} from '../runtime/manifest-read.js'
import {authenticate} from './authenticate.js'
import type {GatewayOptions} from './gateway.js'
import {BodyTooLarge, readBody, sendAuthError, sendText} from './http.js'

const PATH = /^\/lease\/(\d{1,20})\/(\d{1,10})\/(\d{1,10})\/attestation\/quote$/
/** Akash reads at most 4096 bytes of the request. */
const MAX_BODY = 4096

export type QuoteDeps = Pick<GatewayOptions, 'address' | 'leases' | 'attestation' | 'events'>

export type QuoteOutcome = {status: 200; response: AkashQuoteResponse} | {status: number; message: string; auth?: string}

let hostSource: QuoteSource | undefined

/**
 * Everything after authentication: the scope, the lease, the nonce, the evidence. `status` is the
 * HTTP status Akash's REST route would answer (gRPC maps it to a code); `auth` marks an
 * authorization refusal, with what was missing.
 */
export async function quoteForLease(o: QuoteDeps, claims: Claims, lease: LeaseRef, request: {nonce?: unknown; bind_tls?: unknown}): Promise<QuoteOutcome> {
  if (!authorizedForProvider(claims, o.address)) return {status: 401, message: AUTH_ERRORS.unauthorized.message, auth: 'token does not name this provider'}
  if (!authorizedForLease(claims, lease, 'attestation')) return {status: 401, message: AUTH_ERRORS.unauthorized.message, auth: 'token lacks the attestation scope'}
  const row = o.leases.lease(lease.owner, lease.dseq, lease.gseq, lease.oseq)
  const group = row ? o.leases.manifestGroup(row) : undefined
  if (!row || !group) return {status: 404, message: 'attestation quote failed: lease not found'}
  const nonce = parseNonce(request)
  if (typeof nonce === 'string') return {status: 400, message: nonce}
  if (request.bind_tls === true) {
    // The sidecar binds to its own TLS key; edge has no key inside the evidence's boundary that a
    // tenant could check, so binding is refused rather than faked.
    return {status: 400, message: 'bind_tls is not supported by this provider: request the quote without it'}
  }
  const source = o.attestation ?? (hostSource ??= hostQuoteSource())
  const gpus = group.services.reduce((n, s) => n + gpuUnits(s) * Math.max(1, s.count ?? 1), 0)
  const answer = await source.quote(nonce, {gpus})
  return answer.ok ? {status: 200, response: answer.response} : {status: answer.status, message: answer.message}
}

/** Answers the request when it is for this route (true), else leaves it to the gateway (false). */
export async function answerAttestationQuote(req: IncomingMessage, res: ServerResponse, path: string, o: GatewayOptions): Promise<boolean> {
  const m = PATH.exec(path)
  if (!m) return false
  const refuse = (status: number, message: string, detail?: string) => {
    req.resume()
    if (detail) o.events?.emit({type: 'gateway.auth_failed', path, status, message, detail})
    return status === 401 ? sendAuthError(res, status, message) : sendText(res, status, message)
  }
  if (req.method !== 'POST') {
    refuse(405, 'Method Not Allowed')
    return true
  }
  const auth = await authenticate(req, o)
  if (!auth.ok) {
    refuse(auth.status, auth.message, auth.detail)
    return true
  }
  if (!auth.identity) {
    refuse(401, AUTH_ERRORS.unauthorized.message, 'no credentials')
    return true
  }
  let body: Buffer
  try {
    body = await readBody(req, MAX_BODY)
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      sendText(res, 413, error.message)
      return true
    }
    throw error
  }
  let request: {nonce?: unknown; bind_tls?: unknown}
  try {
    request = (JSON.parse(body.toString('utf8')) ?? {}) as typeof request
  } catch (error) {
    sendText(res, 400, `invalid request: ${(error as Error).message}`)
    return true
  }
  const lease = {owner: auth.identity.owner, dseq: BigInt(m[1]), gseq: Number(m[2]), oseq: Number(m[3]), provider: o.address}
  const outcome = await quoteForLease(o, auth.identity.claims, lease, request)
  if (outcome.status !== 200 || !('response' in outcome)) {
    const failed = outcome as {status: number; message: string; auth?: string}
    refuse(failed.status, failed.message, failed.auth)
    return true
  }
  const text = JSON.stringify(outcome.response)
  res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
  return true
}

/** The sidecar's checks and texts (server.go quoteHandler). */
function parseNonce(r: {nonce?: unknown}): Uint8Array | string {
  const text = typeof r.nonce === 'string' ? r.nonce : ''
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'nonce must be valid base64'
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== 64) return `nonce must be exactly 64 bytes, got ${bytes.length}`
  return new Uint8Array(bytes)
}
