/**
 * Tenant JWTs for the provider API (AEP-64). The token is issued by the tenant itself and signed
 * with the account key; the provider checks it against the account's on-chain public key.
 *
 * Two algorithms, as chain-sdk's `JwtTokenManager` and the Go client make them:
 * - `ES256KADR36` (chain-sdk's default, what Keplr/Leap can sign): the signature covers the amino
 *   JSON sign doc of `sign/MsgSignData{signer, data: base64(header.payload)}` (ADR-036);
 * - `ES256K`: a plain secp256k1 signature over SHA-256 of `header.payload`.
 * Both produce a 64-byte r‖s low-S signature, base64url without padding. Header and payload are
 * key-sorted JSON in base64url.
 */
import {secp256k1} from '@noble/curves/secp256k1'
import {sha256} from '@noble/hashes/sha256'

export type JwtAlgorithm = 'ES256K' | 'ES256KADR36'

export type JwtScope =
  | 'send-manifest'
  | 'get-manifest'
  | 'logs'
  | 'shell'
  | 'events'
  | 'status'
  | 'restart'
  | 'hostname-migrate'
  | 'ip-migrate'
  | 'attestation'

export interface JwtDeploymentPermission {
  dseq: number
  gseq?: number
  oseq?: number
  services?: string[]
  scope: JwtScope[]
}

export type JwtLeases =
  | {access: 'full'}
  | {access: 'scoped'; scope: JwtScope[]}
  | {
      access: 'granular'
      permissions: Array<
        | {provider: string; access: 'full'}
        | {provider: string; access: 'scoped'; scope: JwtScope[]}
        | {provider: string; access: 'granular'; deployments: JwtDeploymentPermission[]}
      >
    }

export interface JwtClaims {
  iss: string
  iat: number
  nbf: number
  exp: number
  version: 'v1'
  leases: JwtLeases
  jti?: string
}

/** Something that can sign for an address: the account's private key. */
export interface JwtKey {
  address: string
  privkey: Uint8Array
}

/** JSON with keys sorted at every level, as json-stable-stringify (chain-sdk) writes it. */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : sortedJson(v))).join(',')}]`
  const obj = value as Record<string, unknown>
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`).join(',')}}`
}

export function base64url(bytes: Uint8Array | string): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes)
  return buf.toString('base64url')
}

/** The amino sign doc ADR-036 signs, serialized as cosmjs `serializeSignDoc` does. */
export function adr36SignBytes(signer: string, data: string | Uint8Array): Uint8Array {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
  const doc = {
    account_number: '0',
    chain_id: '',
    fee: {amount: [], gas: '0'},
    memo: '',
    msgs: [{type: 'sign/MsgSignData', value: {data: payload.toString('base64'), signer}}],
    sequence: '0',
  }
  // cosmjs escapes these three characters in amino JSON; base64 and bech32 never contain them,
  // but the escape keeps this byte-identical to any signer that does.
  const json = sortedJson(doc).replace(/&/g, '\\u0026').replace(/</g, '\\u003c').replace(/>/g, '\\u003e')
  return Buffer.from(json, 'utf8')
}

/** The bytes an algorithm hashes and signs for `header.payload`. */
export function signingInput(alg: JwtAlgorithm, signer: string, headerDotPayload: string): Uint8Array {
  return alg === 'ES256KADR36' ? adr36SignBytes(signer, headerDotPayload) : Buffer.from(headerDotPayload, 'utf8')
}

/** Signs claims into a compact JWT. */
export function signJwt(claims: JwtClaims, key: JwtKey, alg: JwtAlgorithm = 'ES256KADR36'): string {
  const header = base64url(sortedJson({alg, typ: 'JWT'}))
  const payload = base64url(sortedJson(claims))
  return `${header}.${payload}.${signSegment(`${header}.${payload}`, key, alg)}`
}

/** The signature segment for an already-encoded `header.payload`. */
export function signSegment(headerDotPayload: string, key: JwtKey, alg: JwtAlgorithm): string {
  const digest = sha256(signingInput(alg, key.address, headerDotPayload))
  const signature = secp256k1.sign(digest, key.privkey, {lowS: true})
  return base64url(signature.toCompactRawBytes())
}

export interface DecodedJwt {
  header: {alg: string; typ?: string}
  claims: Record<string, unknown>
  signature: Uint8Array
  signingInput: string
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('a JWT has three dot-separated parts')
  const [h, p, s] = parts
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: new Uint8Array(Buffer.from(s, 'base64url')),
    signingInput: `${h}.${p}`,
  }
}

/**
 * Checks a token's signature against a compressed public key, for the issuer `signer` (ADR-036
 * signs over the signer's address). Used by tests and by `edge` to check its own tokens.
 */
export function verifyJwt(token: string, pubkey: Uint8Array, signer: string): boolean {
  let decoded: DecodedJwt
  try {
    decoded = decodeJwt(token)
  } catch {
    return false
  }
  const alg = decoded.header.alg
  if (alg !== 'ES256K' && alg !== 'ES256KADR36') return false
  if (decoded.signature.length !== 64) return false
  const digest = sha256(signingInput(alg, signer, decoded.signingInput))
  try {
    return secp256k1.verify(decoded.signature, digest, pubkey, {lowS: false})
  } catch {
    return false
  }
}

export interface LeaseTokenOptions {
  key: JwtKey
  provider: string
  dseq: bigint
  scope: JwtScope[]
  /** Limit to one group/order when known. */
  gseq?: number
  oseq?: number
  services?: string[]
  /** Seconds the token lives; AEP-64 recommends at most 15 minutes. */
  ttlSeconds?: number
  now?: () => number
  alg?: JwtAlgorithm
}

/** Default lifetime of a lease token: short, since a new one costs a signature and nothing else. */
export const LEASE_TOKEN_TTL_SECONDS = 300

/**
 * A token for one provider and the scopes a command needs, and nothing else; it expires within
 * minutes. When the deployment's service names are known the token is also pinned to the
 * deployment (AEP-64 granular access requires the service list), otherwise it is scoped to the
 * provider: a leaked token can never touch another provider's leases.
 */
export function leaseToken(options: LeaseTokenOptions): string {
  const nowSec = Math.floor((options.now ?? Date.now)() / 1000)
  const scope = [...new Set(options.scope)]
  const services = [...new Set(options.services ?? [])]
  let permission: Extract<JwtLeases, {access: 'granular'}>['permissions'][number]
  if (services.length > 0) {
    const deployment: JwtDeploymentPermission = {dseq: Number(options.dseq), scope, services}
    if (options.gseq) deployment.gseq = options.gseq
    if (options.gseq && options.oseq) deployment.oseq = options.oseq
    permission = {provider: options.provider, access: 'granular', deployments: [deployment]}
  } else {
    permission = {provider: options.provider, access: 'scoped', scope}
  }
  const claims: JwtClaims = {
    iss: options.key.address,
    iat: nowSec,
    nbf: nowSec,
    exp: nowSec + (options.ttlSeconds ?? LEASE_TOKEN_TTL_SECONDS),
    version: 'v1',
    leases: {access: 'granular', permissions: [permission]},
  }
  return signJwt(claims, options.key, options.alg ?? 'ES256KADR36')
}
