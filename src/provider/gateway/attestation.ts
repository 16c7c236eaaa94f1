/**
 * `POST /lease/{dseq}/{gseq}/{oseq}/attestation/quote` (Akash AEP-83; provider gateway/rest
 * attestation.go + the sidecar's `/quote`): the tenant sends `{nonce: base64 of 64 bytes, bind_tls?}`
 * and gets `{report, cert_chain, tee_platform, auxblob, gpu_reports, tls_bound}` back. The same
 * authorization as the other lease routes, with the `attestation` scope. Statuses as Akash's:
 * 404 for an unknown lease, 400 for a bad nonce (the sidecar's texts), 503 when the TEE fails;
 * 501 when this provider is not a TEE at all (Akash answers 404 there, for a lease without its
 * sidecar; edge says why instead).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import {authorizedForLease, authorizedForProvider} from '../auth/authorize.js'
import {AUTH_ERRORS} from '../auth/jwt.js'
import {type QuoteSource, hostQuoteSource} from '../attestation/quote-source.js'
import {gpuUnits} from '../runtime/manifest-read.js'
import {authenticate} from './authenticate.js'
import type {GatewayOptions} from './gateway.js'
import {BodyTooLarge, readBody, sendAuthError, sendText} from './http.js'

const PATH = /^\/lease\/(\d{1,20})\/(\d{1,10})\/(\d{1,10})\/attestation\/quote$/
/** Akash reads at most 4096 bytes of the request. */
const MAX_BODY = 4096

let hostSource: QuoteSource | undefined

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
  const identity = auth.identity
  if (!identity || !authorizedForProvider(identity.claims, o.address)) {
    refuse(401, AUTH_ERRORS.unauthorized.message, identity ? 'token does not name this provider' : 'no credentials')
    return true
  }
  const lease = {owner: identity.owner, dseq: BigInt(m[1]), gseq: Number(m[2]), oseq: Number(m[3]), provider: o.address}
  if (!authorizedForLease(identity.claims, lease, 'attestation')) {
    refuse(401, AUTH_ERRORS.unauthorized.message, 'token lacks the attestation scope')
    return true
  }
  const row = o.leases.lease(lease.owner, lease.dseq, lease.gseq, lease.oseq)
  const group = row ? o.leases.manifestGroup(row) : undefined
  if (!row || !group) {
    refuse(404, 'attestation quote failed: lease not found')
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
  const nonce = parseNonce(body)
  if (typeof nonce === 'string') {
    sendText(res, 400, nonce)
    return true
  }
  if (nonce.bindTls) {
    // The sidecar binds to its own TLS key; edge's gateway key is not inside the evidence's VM boundary
    // in any way a tenant could check, so binding is refused rather than faked.
    sendText(res, 400, 'bind_tls is not supported by this provider: request the quote without it')
    return true
  }
  const source = o.attestation ?? (hostSource ??= hostQuoteSource())
  const gpus = group.services.reduce((n, s) => n + gpuUnits(s) * Math.max(1, s.count ?? 1), 0)
  const answer = await source.quote(nonce.bytes, {gpus})
  if (!answer.ok) {
    sendText(res, answer.status, answer.message)
    return true
  }
  const text = JSON.stringify(answer.response)
  res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)})
  res.end(text)
  return true
}

/** The sidecar's checks and texts (server.go quoteHandler). */
function parseNonce(body: Buffer): {bytes: Uint8Array; bindTls: boolean} | string {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch (error) {
    return `invalid request: ${(error as Error).message}`
  }
  const r = (json ?? {}) as {nonce?: unknown; bind_tls?: unknown}
  const text = typeof r.nonce === 'string' ? r.nonce : ''
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'nonce must be valid base64'
  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== 64) return `nonce must be exactly 64 bytes, got ${bytes.length}`
  return {bytes: new Uint8Array(bytes), bindTls: r.bind_tls === true}
}
