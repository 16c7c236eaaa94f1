import {readFileSync} from 'node:fs'

import {JwtTokenManager} from '@akashnetwork/chain-sdk'
import {Secp256k1HdWallet} from '@cosmjs/amino'
import {beforeAll, describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {type LeaseRef, authorizedForDeployment, authorizedForLease} from '../../../src/provider/auth/authorize.js'
import {type Claims, type Scope, b64urlDecode, b64urlEncode, claimsProblem, signInput, signJwt, verifyJwt, verifySignature} from '../../../src/provider/auth/jwt.js'
import {JWT_VECTORS} from '../../helpers/corpus.js'

const CORPUS = JWT_VECTORS
const cases = JSON.parse(readFileSync(`${CORPUS}/cases_es256k.json`, 'utf8')) as Array<{
  description: string
  tokenString: string
  expected: {alg: 'ES256K' | 'ES256KADR36'}
  mustFail: boolean
}>
const mnemonic = readFileSync(`${CORPUS}/mnemonic`, 'utf8').trim()

let key: Awaited<ReturnType<typeof deriveKey>>
let other: Awaited<ReturnType<typeof deriveKey>>
const now = () => Math.floor(Date.now() / 1000)

beforeAll(async () => {
  key = await deriveKey(mnemonic)
  other = await deriveKey(generateMnemonic(24))
})

describe('Akash JWT vectors (chain-sdk testdata/jwt/cases_es256k.json)', () => {
  for (const c of cases) {
    it(c.description, () => {
      const [h, p, s] = c.tokenString.split('.')
      const ok = verifySignature(c.expected.alg, `${h}.${p}`, b64urlDecode(s), key.pubkey, key.address)
      expect(ok).toBe(!c.mustFail)
    })
  }

  it('signs the valid vectors to the very same signature (RFC 6979, same ADR-36 sign bytes as Go)', () => {
    for (const c of cases.filter((x) => !x.mustFail)) {
      const [h, p, s] = c.tokenString.split('.')
      expect(b64urlEncode(signInput(c.expected.alg, `${h}.${p}`, key.privkey, key.address))).toBe(s)
    }
  })
})

describe('verifyJwt', () => {
  const publicKey = async (address: string) => (address === key.address ? key.pubkey : address === other.address ? other.pubkey : undefined)

  async function chainSdkToken(claims: Record<string, unknown> = {}): Promise<string> {
    const wallet = await Secp256k1HdWallet.fromMnemonic(mnemonic, {prefix: 'akash'})
    const t = now()
    return new JwtTokenManager(wallet).generateToken({version: 'v1', iss: key.address, iat: t, nbf: t, exp: t + 600, leases: {access: 'full'}, ...claims})
  }

  it('accepts a token made by chain-sdk JwtTokenManager (ES256KADR36)', async () => {
    const r = await verifyJwt(await chainSdkToken(), {publicKey})
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.alg).toBe('ES256KADR36')
      expect(r.claims.iss).toBe(key.address)
    }
  })

  it('accepts ES256K tokens', async () => {
    const t = now()
    const token = signJwt('ES256K', {iss: key.address, iat: t, nbf: t, exp: t + 60, version: 'v1', leases: {access: 'scoped', scope: ['logs']}}, key.privkey, key.address)
    const r = await verifyJwt(token, {publicKey})
    expect(r.ok).toBe(true)
  })

  it('refuses an expired token with 401 "JWT is expired"', async () => {
    // chain-sdk will not sign an expired token; verify one of its tokens an hour later instead.
    const token = await chainSdkToken()
    const r = await verifyJwt(token, {publicKey, now: () => now() + 3600})
    expect(r).toMatchObject({ok: false, status: 401, message: 'JWT is expired'})
  })

  it('refuses a token not yet valid', async () => {
    const token = await chainSdkToken()
    const r = await verifyJwt(token, {publicKey, now: () => now() - 60})
    expect(r).toMatchObject({ok: false, status: 401, message: 'JWT is invalid'})
  })

  it('refuses another account signing for this issuer', async () => {
    const t = now()
    const forged = signJwt('ES256KADR36', {iss: key.address, iat: t, nbf: t, exp: t + 60, version: 'v1', leases: {access: 'full'}}, other.privkey, key.address)
    const r = await verifyJwt(forged, {publicKey})
    expect(r).toMatchObject({ok: false, status: 401, message: 'JWT is invalid'})
    if (!r.ok) expect(r.detail).toContain('signature')
  })

  it('refuses algorithms other than ES256K/ES256KADR36 (HS256, none, ES256)', async () => {
    const good = await chainSdkToken()
    const [, payload, sig] = good.split('.')
    for (const alg of ['HS256', 'none', 'ES256', 'RS256']) {
      const header = b64urlEncode(Buffer.from(JSON.stringify({alg, typ: 'JWT'})))
      const r = await verifyJwt(`${header}.${payload}.${sig}`, {publicKey})
      expect(r).toMatchObject({ok: false, status: 401, message: 'JWT is invalid'})
    }
  })

  it('refuses an issuer with no public key on chain', async () => {
    const stranger = await deriveKey(generateMnemonic(12))
    const t = now()
    const token = signJwt('ES256K', {iss: stranger.address, iat: t, nbf: t, exp: t + 60, version: 'v1', leases: {access: 'full'}}, stranger.privkey, stranger.address)
    const r = await verifyJwt(token, {publicKey})
    expect(r).toMatchObject({ok: false, status: 401})
  })

  it('answers 400 "JWT has invalid claims" for a bad version or lease access', async () => {
    const t = now()
    const base = {iss: key.address, iat: t, nbf: t, exp: t + 60, leases: {access: 'full'}}
    const bad = signJwt('ES256K', {...base, version: 'v2'}, key.privkey, key.address)
    expect(await verifyJwt(bad, {publicKey})).toMatchObject({ok: false, status: 400, message: 'JWT has invalid claims'})
    const badScope = signJwt('ES256K', {...base, version: 'v1', leases: {access: 'scoped', scope: ['dance']}}, key.privkey, key.address)
    expect(await verifyJwt(badScope, {publicKey})).toMatchObject({ok: false, status: 400})
  })

  it('refuses garbage', async () => {
    for (const t of ['', 'a.b', 'a.b.c', '!!.??.**']) {
      expect((await verifyJwt(t, {publicKey})).ok).toBe(false)
    }
  })
})

describe('claimsProblem (Akash Claims.Validate)', () => {
  const base = {iss: OWNER(), iat: 1, nbf: 1, exp: 2, version: 'v1'}
  function OWNER() {
    return 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'
  }
  it.each([
    [{leases: {access: 'full'}}, undefined],
    [{leases: {access: 'full', scope: ['logs']}}, 'full access cannot have scope set'],
    [{leases: {access: 'scoped'}}, 'scope access must have scope set'],
    [{leases: {access: 'scoped', scope: ['logs', 'logs']}}, 'duplicate scope logs'],
    [{leases: {access: 'granular'}}, 'granular access must have permissions set'],
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: [{dseq: 5, scope: ['logs'], services: ['web']}]}]}},
      undefined,
    ],
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: [{dseq: 5, oseq: 1, scope: ['logs'], services: ['web']}]}]}},
      'gseq must be set if oseq is set',
    ],
    [{leases: {}}, 'missing access type'],
    // Shapes Go's decoder refuses; the authorization checks would otherwise throw on them (a 500).
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: [{dseq: 'five', scope: ['logs'], services: ['web']}]}]}},
      'dseq must be an unsigned integer',
    ],
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: [{dseq: 5, gseq: 1.5, scope: ['logs'], services: ['web']}]}]}},
      'gseq must be an unsigned integer',
    ],
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: [null]}]}},
      'deployment permission must be an object',
    ],
    [
      {leases: {access: 'granular', permissions: [{provider: 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x', access: 'granular', deployments: {dseq: 5}}]}},
      'granular access must have permissions set',
    ],
  ])('%j → %s', (extra, problem) => {
    expect(claimsProblem({...base, ...extra})).toBe(problem)
  })
})

describe('authorization rules (AuthorizeLeaseIDForPermissionScope, AuthorizeDeploymentIDForPermissionScope)', () => {
  const owner = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'
  const provider = 'akash1qyqszqgpqyqszqgpqyqszqgpqyqszqgplgve5x'
  const lease: LeaseRef = {owner, dseq: 5n, gseq: 1, oseq: 1, provider}
  const claims = (leases: Claims['leases'], iss = owner): Claims => ({iss, iat: 1, nbf: 1, exp: 2, version: 'v1', leases})
  const granular = (deployments: Array<Record<string, unknown>>, p = provider): Claims =>
    claims({access: 'granular', permissions: [{provider: p, access: 'granular', deployments: deployments as never}]})

  it.each([
    ['full access', claims({access: 'full'}), 'logs', true],
    ['another owner', claims({access: 'full'}, 'akash1qgpqyqszqgpqyqszqgpqyqszqgpqyqszwv2uls'), undefined, false],
    ['scoped, scope listed', claims({access: 'scoped', scope: ['logs']}), 'logs', true],
    ['scoped, scope missing', claims({access: 'scoped', scope: ['logs']}), 'shell', false],
    ['scoped, no scope asked', claims({access: 'scoped', scope: ['logs']}), undefined, true],
    ['granular, this deployment and scope', granular([{dseq: 5, scope: ['logs'], services: ['web']}]), 'logs', true],
    ['granular, another deployment', granular([{dseq: 6, scope: ['logs'], services: ['web']}]), 'logs', false],
    ['granular, another group', granular([{dseq: 5, gseq: 2, scope: ['logs'], services: ['web']}]), 'logs', false],
    ['granular, this group and order', granular([{dseq: 5, gseq: 1, oseq: 1, scope: ['logs'], services: ['web']}]), 'logs', true],
    ['granular, scope missing', granular([{dseq: 5, scope: ['status'], services: ['web']}]), 'logs', false],
    ['granular, another provider', granular([{dseq: 5, scope: ['logs'], services: ['web']}], 'akash1qgpqyqszqgpqyqszqgpqyqszqgpqyqszwv2uls'), 'logs', false],
    ['granular permission with scoped access', claims({access: 'granular', permissions: [{provider, access: 'scoped', scope: ['logs']}]}), 'logs', true],
  ] as const)('lease: %s → %s', (_what, c, scope, allowed) => {
    expect(authorizedForLease(c, lease, scope as Scope | undefined)).toBe(allowed)
  })

  it('a deployment grant ignores group and order, and needs the scope', () => {
    expect(authorizedForDeployment(granular([{dseq: 5, gseq: 2, scope: ['send-manifest'], services: ['web']}]), owner, 5n, provider, 'send-manifest')).toBe(true)
    expect(authorizedForDeployment(granular([{dseq: 5, scope: ['logs'], services: ['web']}]), owner, 5n, provider, 'send-manifest')).toBe(false)
    expect(authorizedForDeployment(claims({access: 'scoped', scope: ['send-manifest']}), owner, 9n, provider, 'send-manifest')).toBe(true)
    expect(authorizedForDeployment(claims({access: 'full'}), 'akash1qgpqyqszqgpqyqszqgpqyqszqgpqyqszwv2uls', 5n, provider, 'send-manifest')).toBe(false)
  })
})
