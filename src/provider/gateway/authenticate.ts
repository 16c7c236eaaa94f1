import type {X509Certificate} from 'node:crypto'
import type {IncomingMessage} from 'node:http'
import type {TLSSocket} from 'node:tls'

import type {Identity} from '../auth/authorize.js'
import {type OnChainCertificate, verifyClientCertificate} from '../auth/client-certificate.js'
import {AUTH_ERRORS, type AuthFailure, type Claims, verifyJwt} from '../auth/jwt.js'

export interface AuthDeps {
  publicKey(address: string): Promise<Uint8Array | undefined>
  certificate(owner: string, serial: string): Promise<OnChainCertificate | undefined>
  /** Seconds since the epoch. */
  nowSeconds?: () => number
}

export type AuthOutcome = {ok: true; identity?: Identity} | ({ok: false; detail: string} & AuthFailure)

/**
 * Akash's AuthProcess: a client certificate (mTLS, legacy) or a bearer JWT, never both. Neither
 * is fine here; routes that need an owner then answer 401 "unauthorized access".
 */
export async function authenticate(req: IncomingMessage, deps: AuthDeps): Promise<AuthOutcome> {
  const header = req.headers.authorization
  let token = ''
  if (header !== undefined && header !== '') {
    const parts = header.trim().split(/\s+/)
    if (parts.length !== 2 || parts[0].toLowerCase() !== 'bearer') {
      return {ok: false, ...AUTH_ERRORS.invalidHeader, detail: 'Authorization must be "Bearer <token>"'}
    }
    token = parts[1]
  }
  const peer = peerCertificate(req)
  if (peer && token) return {ok: false, ...AUTH_ERRORS.ambiguous, detail: 'a client certificate and a bearer token were both sent'}

  if (peer) {
    const verdict = await verifyClientCertificate(peer, deps.certificate)
    if (!verdict.ok) return {ok: false, ...AUTH_ERRORS.unauthorized, message: verdict.message, detail: verdict.message}
    const now = deps.nowSeconds ? deps.nowSeconds() : Math.floor(Date.now() / 1000)
    // mTLS grants full access; Akash synthesises claims valid for 15 minutes.
    const claims: Claims = {iss: verdict.owner, iat: now, nbf: now, exp: now + 900, version: 'v1', leases: {access: 'full'}}
    return {ok: true, identity: {owner: verdict.owner, method: 'mtls', claims}}
  }

  if (token) {
    const result = await verifyJwt(token, {publicKey: deps.publicKey, now: deps.nowSeconds})
    if (!result.ok) return {ok: false, status: result.status, message: result.message, detail: result.detail}
    return {ok: true, identity: {owner: result.claims.iss, method: 'jwt', claims: result.claims}}
  }
  return {ok: true}
}

function peerCertificate(req: IncomingMessage): X509Certificate | undefined {
  const socket = req.socket as TLSSocket
  if (typeof socket.getPeerX509Certificate !== 'function') return undefined
  try {
    return socket.getPeerX509Certificate() ?? undefined
  } catch {
    return undefined
  }
}
