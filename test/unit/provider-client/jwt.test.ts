import {readFileSync} from 'node:fs'
import {resolve, join} from 'node:path'

import {secp256k1} from '@noble/curves/secp256k1'
import {describe, expect, it} from 'vitest'

import {deriveKey} from '../../../src/config/mnemonic.js'
import {decodeJwt, leaseToken, signJwt, signSegment, verifyJwt} from '../../../src/provider-client/jwt.js'
import {CORPUS} from '../../helpers/corpus.js'

const VECTORS = join(CORPUS, 'akash-vectors/testdata/jwt')
const mnemonic = readFileSync(resolve(VECTORS, 'mnemonic'), 'utf8').trim()
const cases = JSON.parse(readFileSync(resolve(VECTORS, 'cases_es256k.json'), 'utf8')) as Array<{
  description: string
  tokenString: string
  expected: {alg: string}
  mustFail: boolean
}>

describe('tenant JWT', () => {
  it('reproduces the signature of every valid Akash vector byte for byte', async () => {
    const key = await deriveKey(mnemonic)
    for (const c of cases.filter((x) => !x.mustFail)) {
      const [h, p, s] = c.tokenString.split('.')
      const alg = c.expected.alg as 'ES256K' | 'ES256KADR36'
      expect(signSegment(`${h}.${p}`, key, alg), c.description).toBe(s)
    }
  })

  it('accepts the valid vectors and rejects the invalid ones', async () => {
    const key = await deriveKey(mnemonic)
    for (const c of cases) {
      expect(verifyJwt(c.tokenString, key.pubkey, key.address), c.description).toBe(!c.mustFail)
    }
  })

  it('writes key-sorted header and claims, as chain-sdk does', async () => {
    const key = await deriveKey(mnemonic)
    const token = signJwt({iss: key.address, iat: 10, nbf: 10, exp: 20, version: 'v1', leases: {access: 'full'}}, key)
    const [h, p] = token.split('.')
    expect(Buffer.from(h, 'base64url').toString()).toBe('{"alg":"ES256KADR36","typ":"JWT"}')
    expect(Buffer.from(p, 'base64url').toString()).toBe(
      `{"exp":20,"iat":10,"iss":"${key.address}","leases":{"access":"full"},"nbf":10,"version":"v1"}`,
    )
    expect(verifyJwt(token, key.pubkey, key.address)).toBe(true)
  })

  it('scopes a lease token to one provider, one deployment and its services, for minutes', async () => {
    const key = await deriveKey(mnemonic)
    const token = leaseToken({
      key,
      provider: 'akash1provider',
      dseq: 42n,
      gseq: 1,
      oseq: 1,
      services: ['web', 'web'],
      scope: ['send-manifest', 'status', 'status'],
      now: () => 1_000_000,
    })
    const {claims, header} = decodeJwt(token)
    expect(header.alg).toBe('ES256KADR36')
    expect(claims).toEqual({
      iss: key.address,
      iat: 1000,
      nbf: 1000,
      exp: 1300,
      version: 'v1',
      leases: {
        access: 'granular',
        permissions: [
          {provider: 'akash1provider', access: 'granular', deployments: [{dseq: 42, gseq: 1, oseq: 1, services: ['web'], scope: ['send-manifest', 'status']}]},
        ],
      },
    })
    expect(verifyJwt(token, key.pubkey, key.address)).toBe(true)
  })

  it('falls back to provider-scoped access when the services are unknown', async () => {
    const key = await deriveKey(mnemonic)
    const {claims} = decodeJwt(leaseToken({key, provider: 'akash1p', dseq: 7n, scope: ['logs'], alg: 'ES256K'}))
    expect(claims.leases).toEqual({access: 'granular', permissions: [{provider: 'akash1p', access: 'scoped', scope: ['logs']}]})
  })

  it('does not verify under another key', async () => {
    const key = await deriveKey(mnemonic)
    const other = secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true)
    const token = signJwt({iss: key.address, iat: 1, nbf: 1, exp: 2, version: 'v1', leases: {access: 'full'}}, key, 'ES256K')
    expect(verifyJwt(token, other, key.address)).toBe(false)
  })
})
