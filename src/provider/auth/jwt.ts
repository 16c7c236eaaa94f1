/**
 * Provider-side JWT verification (AEP-64), as Akash's gateway does it (chain-sdk go/util/jwt and
 * provider gateway/utils): the token is issued by the tenant and signed with its account key;
 * the provider verifies it against the issuer's on-chain public key.
 *
 * - ES256K: a 64-byte secp256k1 r‖s signature over SHA-256 of `header.payload`.
 * - ES256KADR36: the same key signs the amino-JSON sign doc of `sign/MsgSignData{signer, data}`
 *   (ADR-36, what Keplr/Leap `signArbitrary` produce; chain-sdk's default).
 * Signatures must be low-S, as Cosmos' VerifySignature requires.
 */
import {secp256k1} from '@noble/curves/secp256k1'
import {sha256} from '@noble/hashes/sha256'
import {fromBech32} from '@cosmjs/encoding'

export const JWT_ALGORITHMS = ['ES256K', 'ES256KADR36'] as const
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number]

export const SCOPES = [
  'send-manifest',
  'get-manifest',
  'logs',
  'shell',
  'events',
  'status',
  'restart',
  'hostname-migrate',
  'ip-migrate',
  'attestation',
] as const
export type Scope = (typeof SCOPES)[number]

export type AccessType = 'full' | 'scoped' | 'granular'

export interface PermissionDeployment {
  dseq: number
  gseq?: number
  oseq?: number
  services?: string[]
  scope: Scope[]
}

export interface Permission {
  provider: string
  access: AccessType
  scope?: Scope[]
  deployments?: PermissionDeployment[]
}

export interface Claims {
  iss: string
  iat: number
  nbf: number
  exp: number
  jti?: string
  version: 'v1'
  leases: {access: AccessType; scope?: Scope[]; permissions?: Permission[]}
}

/** The status and message Akash's gateway answers with (utils/httperror). */
export interface AuthFailure {
  status: 400 | 401
  message: string
}

export const AUTH_ERRORS = {
  invalid: {status: 401, message: 'JWT is invalid'},
  expired: {status: 401, message: 'JWT is expired'},
  invalidClaims: {status: 400, message: 'JWT has invalid claims'},
  invalidHeader: {status: 400, message: 'invalid authorization header'},
  ambiguous: {status: 400, message: 'auth: ambiguous authentication. may not use mTLS and JWT at the same time'},
  unauthorized: {status: 401, message: 'unauthorized access'},
} as const satisfies Record<string, AuthFailure>

export type VerifyResult = {ok: true; claims: Claims; alg: JwtAlgorithm} | ({ok: false; detail: string} & AuthFailure)

export interface VerifyOptions {
  /** The issuer's compressed secp256k1 public key from its on-chain account, or undefined. */
  publicKey(address: string): Promise<Uint8Array | undefined>
  /** Seconds since the epoch (injected in tests). */
  now?: () => number
}

const fail = (e: AuthFailure, detail: string): VerifyResult => ({ok: false, ...e, detail})

/**
 * Verifies a bearer token completely: structure, algorithm, issuer key, signature, then the
 * registered claims (exp, nbf) and Akash's claim rules. Failures carry Akash's status and message;
 * `detail` says exactly what was wrong, for the provider's own log (field.md pain 6).
 */
export async function verifyJwt(token: string, options: VerifyOptions): Promise<VerifyResult> {
  const parts = token.split('.')
  if (parts.length !== 3) return fail(AUTH_ERRORS.invalid, 'token is not three dot-separated parts')
  let header: Record<string, unknown>
  let payload: Record<string, unknown>
  try {
    header = JSON.parse(b64urlDecode(parts[0]).toString('utf8'))
    payload = JSON.parse(b64urlDecode(parts[1]).toString('utf8'))
  } catch {
    return fail(AUTH_ERRORS.invalid, 'header or payload is not base64url JSON')
  }
  if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return fail(AUTH_ERRORS.invalid, 'malformed token')
  const alg = header.alg
  if (typeof alg !== 'string' || !(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
    return fail(AUTH_ERRORS.invalid, `signing method ${String(alg)} is not accepted (ES256K, ES256KADR36)`)
  }
  const iss = payload.iss
  if (typeof iss !== 'string' || !isAccAddress(iss)) return fail(AUTH_ERRORS.invalid, 'issuer is not an account address')
  const publicKey = await options.publicKey(iss)
  if (!publicKey) return fail(AUTH_ERRORS.invalid, `issuer ${iss} has no public key on chain (it has never signed a transaction)`)
  let signature: Buffer
  try {
    signature = b64urlDecode(parts[2])
  } catch {
    return fail(AUTH_ERRORS.invalid, 'signature is not base64url')
  }
  if (!verifySignature(alg as JwtAlgorithm, `${parts[0]}.${parts[1]}`, signature, publicKey, iss)) {
    return fail(AUTH_ERRORS.invalid, `signature does not verify against ${iss}'s public key`)
  }

  const now = options.now ? options.now() : Math.floor(Date.now() / 1000)
  const exp = payload.exp
  const nbf = payload.nbf
  if (typeof exp === 'number' && now >= exp) return fail(AUTH_ERRORS.expired, `token expired at ${new Date(exp * 1000).toISOString()}`)
  if (typeof nbf === 'number' && now < nbf) return fail(AUTH_ERRORS.invalid, `token is not valid before ${new Date(nbf * 1000).toISOString()}`)
  const problem = claimsProblem(payload)
  if (problem) return fail(AUTH_ERRORS.invalidClaims, problem)
  return {ok: true, claims: payload as unknown as Claims, alg: alg as JwtAlgorithm}
}

/** Checks the signature alone (the corpus vectors test this part on its own). */
export function verifySignature(alg: JwtAlgorithm, signingInput: string, signature: Uint8Array, publicKey: Uint8Array, address: string): boolean {
  if (signature.length !== 64) return false
  const message = alg === 'ES256K' ? Buffer.from(signingInput, 'utf8') : adr36SignBytes(address, signingInput)
  try {
    return secp256k1.verify(signature, sha256(message), publicKey, {lowS: true, prehash: false})
  } catch {
    return false
  }
}

/** Signs like chain-sdk's JwtTokenManager / Go's signer (deterministic RFC 6979). */
export function signJwt(alg: JwtAlgorithm, payload: object, privateKey: Uint8Array, address: string): string {
  const header = b64urlEncode(Buffer.from(JSON.stringify(sortKeys({alg, typ: 'JWT'}))))
  const body = b64urlEncode(Buffer.from(JSON.stringify(sortKeys(payload))))
  const input = `${header}.${body}`
  return `${input}.${b64urlEncode(signInput(alg, input, privateKey, address))}`
}

/** The 64-byte signature of a JWT signing input (`header.payload`). */
export function signInput(alg: JwtAlgorithm, input: string, privateKey: Uint8Array, address: string): Uint8Array {
  const message = alg === 'ES256K' ? Buffer.from(input, 'utf8') : adr36SignBytes(address, input)
  return secp256k1.sign(sha256(message), privateKey, {lowS: true, prehash: false}).toCompactRawBytes()
}

/**
 * The ADR-36 sign doc as amino JSON with sorted keys: account 0, sequence 0, empty chain id, zero
 * fee, no memo, one `sign/MsgSignData` carrying the JWT signing input as base64.
 */
export function adr36SignBytes(signer: string, data: string): Uint8Array {
  const doc = {
    account_number: '0',
    chain_id: '',
    fee: {amount: [], gas: '0'},
    memo: '',
    msgs: [{type: 'sign/MsgSignData', value: {data: Buffer.from(data, 'utf8').toString('base64'), signer}}],
    sequence: '0',
  }
  return Buffer.from(JSON.stringify(sortKeys(doc)), 'utf8')
}

/** Akash's Claims.Validate: issuer, iat/nbf/exp present, version v1, and the lease access rules. */
export function claimsProblem(p: Record<string, unknown>): string | undefined {
  if (typeof p.iss !== 'string' || !isAccAddress(p.iss)) return 'invalid issuer'
  if (typeof p.iat !== 'number') return 'missing issued at'
  if (typeof p.nbf !== 'number') return 'missing not before'
  if (typeof p.exp !== 'number') return 'missing expiration time'
  if (p.version !== 'v1') return 'invalid version'
  const leases = p.leases as {access?: unknown; scope?: unknown; permissions?: unknown} | undefined
  if (!leases || typeof leases !== 'object') return 'missing access type'
  const scope = leases.scope as unknown[] | undefined
  const permissions = leases.permissions as unknown[] | undefined
  switch (leases.access) {
    case 'full':
      if (permissions?.length) return 'full access cannot have permissions set'
      if (scope?.length) return 'full access cannot have scope set'
      return undefined
    case 'scoped':
      if (permissions !== undefined && permissions !== null) return 'scoped access cannot have permissions set'
      if (!scope?.length) return 'scope access must have scope set'
      return scopesProblem(scope)
    case 'granular':
      if (!permissions?.length) return 'granular access must have permissions set'
      return permissionsProblem(permissions)
    case undefined:
    case '':
      return 'missing access type'
    default:
      return `invalid access type '${String(leases.access)}'`
  }
}

function scopesProblem(scope: unknown[]): string | undefined {
  const seen = new Set<string>()
  for (const s of scope) {
    if (typeof s !== 'string' || !(SCOPES as readonly string[]).includes(s)) return `invalid scope ${String(s)}`
    if (seen.has(s)) return `duplicate scope ${s}`
    seen.add(s)
  }
  return undefined
}

function permissionsProblem(permissions: unknown[]): string | undefined {
  const providers = new Set<string>()
  for (const raw of permissions) {
    const p = raw as Permission
    if (!p || typeof p.provider !== 'string' || p.provider === '') return 'empty provider'
    if (!isAccAddress(p.provider)) return `invalid provider ${p.provider}`
    if (providers.has(p.provider)) return `duplicate provider ${p.provider}`
    providers.add(p.provider)
    switch (p.access) {
      case 'full':
        if (p.deployments?.length) return 'permission with full access cannot have deployments set'
        if (p.scope?.length) return 'permission with full access cannot have scope set'
        break
      case 'scoped':
        if (p.deployments !== undefined && p.deployments !== null) return 'permission with scoped access cannot have deployments set'
        if (!p.scope?.length) return 'permission with scope access must have scope set'
        {
          const e = scopesProblem(p.scope)
          if (e) return e
        }
        break
      case 'granular':
        if (p.scope !== undefined && p.scope !== null) return 'permission with granular access cannot have scope set'
        if (!Array.isArray(p.deployments) || p.deployments.length === 0) return 'granular access must have permissions set'
        for (const d of p.deployments) {
          // Go decodes these into uint64/uint32 and []string; anything else never reaches its checks.
          if (!d || typeof d !== 'object') return 'deployment permission must be an object'
          for (const field of ['dseq', 'gseq', 'oseq'] as const) {
            if (d[field] !== undefined && !(Number.isSafeInteger(d[field]) && d[field]! >= 0)) return `${field} must be an unsigned integer`
          }
          if (!Array.isArray(d.scope) || d.scope.length === 0) return 'deployment permission scope must be set'
          if (!d.dseq) return 'dseq must be set'
          if (d.oseq && !d.gseq) return 'gseq must be set if oseq is set'
          const e = scopesProblem(d.scope)
          if (e) return e
          if (!Array.isArray(d.services) || d.services.length === 0) return 'empty services'
          if (d.services.some((s) => typeof s !== 'string')) return 'services must be names'
          if (new Set(d.services).size !== d.services.length) return 'duplicate service'
        }
        break
      default:
        return p.access ? `permission with invalid access type '${String(p.access)}'` : 'missing access type'
    }
  }
  return undefined
}

export function isAccAddress(address: string): boolean {
  try {
    const {data} = fromBech32(address)
    return data.length === 20 || data.length === 32
  } catch {
    return false
  }
}

export function b64urlDecode(s: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s)) throw new Error('not base64url')
  return Buffer.from(s, 'base64url')
}

export function b64urlEncode(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url')
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value as object).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k])
    return out
  }
  return value
}
