import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {collateralFromJson, collateralToJson, signedMember} from '../../../../src/verify/attestation/tdx/collateral.js'
import {type FetchLike, FileCollateralCache, PcsCollateralFetcher, cachedCollateralSource} from '../../../../src/verify/attestation/tdx/collateral-source.js'
import {verifyTdxQuote} from '../../../../src/verify/attestation/tdx/verify.js'
import {at, corpusBytes, corpusText, expectCheck, goTdxGuestCollateral} from './vectors.js'

const GO = 'tdx/go-tdx-guest'
const QVL = 'tdx/dcap-qvl'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'edge-collateral-'))
}

/** Intel PCS, played from go-tdx-guest's recorded responses (issuer chains URL-encoded in headers, as PCS sends them). */
function recordedPcs(): {fetch: FetchLike; urls: string[]} {
  const urls: string[] = []
  const reply = (body: Uint8Array | string, headers: Record<string, string> = {}) => ({
    ok: true,
    status: 200,
    headers: {get: (name: string) => headers[name] ?? null},
    text: async () => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')),
    arrayBuffer: async () => {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    },
  })
  const fetch: FetchLike = async (url) => {
    urls.push(url)
    if (url.includes('/tdx/certification/v4/tcb?fmspc=')) return reply(corpusText(`${GO}/sample_tcbInfo_response`), {'TCB-Info-Issuer-Chain': encodeURIComponent(corpusText(`${GO}/tcb_info_issuer_chain.derived.pem`))})
    if (url.endsWith('/tdx/certification/v4/qe/identity')) return reply(corpusText(`${GO}/sample_qeIdentity_response`), {'SGX-Enclave-Identity-Issuer-Chain': encodeURIComponent(corpusText(`${GO}/qe_identity_issuer_chain.derived.pem`))})
    if (url.includes('/pckcrl?ca=platform')) return reply(corpusBytes(`${GO}/pckcrl`), {'SGX-PCK-CRL-Issuer-Chain': encodeURIComponent(corpusText(`${GO}/pck_crl_issuer_chain.derived.pem`))})
    if (url.endsWith('IntelSGXRootCA.der')) return reply(corpusBytes(`${GO}/rootcrl.der`))
    return {...reply(''), ok: false, status: 404}
  }
  return {fetch, urls}
}

const SPR = () => corpusBytes(`${GO}/tdx_prod_quote_SPR_E4.dat`)
const SPR_AT = at('2023-07-01T01:00:00Z')
const QUERY = {fmspc: '50806f000000', ca: 'platform'} as const

describe('TDX collateral: formats, cache and fetcher', () => {
  it('extracts the exact signed text from a PCS body', () => {
    const {text, signature} = signedMember(corpusText(`${GO}/sample_qeIdentity_response`), 'enclaveIdentity')
    expect(text.startsWith('{"id":"TD_QE"')).toBe(true)
    expect(text.endsWith('}]}')).toBe(true)
    expect(signature).toHaveLength(64)
  })

  it('round-trips the JSON form, and reads the dcap-qvl file and its split copy as the same collateral', () => {
    const c = collateralFromJson(corpusText(`${QVL}/tdx_quote_collateral.json`))
    expect(collateralFromJson(collateralToJson(c))).toEqual(c)
    expect(c.tcbInfo).toBe(corpusText(`${QVL}/split-tdx_quote_collateral/tcb_info.json`))
    expect(Buffer.from(c.tcbInfoSignature)).toEqual(Buffer.from(corpusBytes(`${QVL}/split-tdx_quote_collateral/tcb_info.sig`)))
    expect(Buffer.from(c.pckCrl as Uint8Array)).toEqual(Buffer.from(corpusBytes(`${QVL}/split-tdx_quote_collateral/pck_crl.der`)))
  })

  it('fetches from Intel PCS paths and the result verifies like the recorded files', async () => {
    const pcs = recordedPcs()
    const collateral = await new PcsCollateralFetcher(pcs.fetch).tdxCollateral(QUERY)
    expect(collateral).toEqual(goTdxGuestCollateral())
    expect(pcs.urls.sort()).toEqual([
      'https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=platform&encoding=der',
      'https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity',
      'https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=50806f000000',
      'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der',
    ])
    const result = verifyTdxQuote(SPR(), {collateral, at: SPR_AT})
    for (const id of ['tdx.tcb_info', 'tdx.qe_identity', 'tdx.crl'] as const) expectCheck(result, id, 'pass')
  })

  it('a cache hit that is current needs no fetcher; a miss fetches once and stores', async () => {
    const dir = tempDir()
    try {
      const pcs = recordedPcs()
      const source = cachedCollateralSource(new FileCollateralCache(dir), new PcsCollateralFetcher(pcs.fetch), () => SPR_AT)
      expect(await source.tdxCollateral(QUERY)).toEqual(goTdxGuestCollateral())
      expect(readdirSync(dir)).toEqual(['tdx-50806f000000-platform.json'])
      const fetched = pcs.urls.length
      expect(await source.tdxCollateral(QUERY)).toEqual(goTdxGuestCollateral())
      expect(pcs.urls.length).toBe(fetched)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('offline with a stale cache: the stale entry comes back and the verdict says it is stale', async () => {
    const dir = tempDir()
    try {
      await new FileCollateralCache(dir).store(QUERY, goTdxGuestCollateral())
      const later = at('2024-01-01T00:00:00Z')
      const collateral = await cachedCollateralSource(new FileCollateralCache(dir), undefined, () => later).tdxCollateral(QUERY)
      expectCheck(verifyTdxQuote(SPR(), {collateral, at: later}), 'tdx.tcb_info', 'fail', /stale/)
      expect(await cachedCollateralSource(new FileCollateralCache(join(dir, 'empty'))).tdxCollateral(QUERY)).toBeUndefined()
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a PCS error is reported, not swallowed', async () => {
    const failing: FetchLike = async () => ({ok: false, status: 503, headers: {get: () => null}, text: async () => '', arrayBuffer: async () => new ArrayBuffer(0)})
    await expect(new PcsCollateralFetcher(failing).tdxCollateral(QUERY)).rejects.toThrow(/HTTP 503/)
  })
})
