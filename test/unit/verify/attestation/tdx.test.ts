import {describe, expect, it} from 'vitest'

import {parseCrl} from '../../../../src/verify/attestation/crl.js'
import {type TdxCollateral, collateralFromJson} from '../../../../src/verify/attestation/tdx/collateral.js'
import {crlCheck} from '../../../../src/verify/attestation/tdx/collateral-checks.js'
import {intelRoot} from '../../../../src/verify/attestation/tdx/pck.js'
import {TDREPORT_SIZE} from '../../../../src/verify/attestation/tdx/quote.js'
import {type TdxVerifyOptions, tdxCollateralQuery, verifyTdxQuote} from '../../../../src/verify/attestation/tdx/verify.js'
import {sha256Hex} from '../../../../src/verify/attestation/x509.js'
import {forgeCa, forgeCrl, forgeLeaf, forgeRoot} from './forge.js'
import {EXPECTED, at, corpusBytes, corpusText, expectCheck, failedIds, flipped, goTdxGuestCollateral, hex} from './vectors.js'

const TDX = EXPECTED.tdx
const QVL = 'tdx/dcap-qvl'
const GO = 'tdx/go-tdx-guest'

const vectors = {
  'dcap-qvl/tdx_quote': {quote: () => corpusBytes(`${QVL}/tdx_quote`), collateral: () => collateralFromJson(corpusText(`${QVL}/tdx_quote_collateral.json`))},
  'dcap-qvl/tdx_quote_outdated': {quote: () => corpusBytes(`${QVL}/tdx_quote_outdated`), collateral: () => collateralFromJson(corpusText(`${QVL}/tdx_quote_outdated_collateral.json`))},
  'go-tdx-guest/tdx_prod_quote_SPR_E4.dat': {quote: () => corpusBytes(`${GO}/tdx_prod_quote_SPR_E4.dat`), collateral: goTdxGuestCollateral},
}

describe('TDX corpus vectors verify as EXPECTED.json says', () => {
  for (const [name, load] of Object.entries(vectors)) {
    it(name, () => {
      const e = TDX[name]
      const result = verifyTdxQuote(load.quote(), {
        collateral: load.collateral(),
        at: new Date(e.verify_at_unix * 1000),
        expectedReportData: hex(e.report_data),
        expected: {mrTd: hex(e.mrtd), mrConfigId: hex(e.mrconfigid), rtmrs: [hex(e.rtmr0), hex(e.rtmr1), hex(e.rtmr2), hex(e.rtmr3)]},
      })
      const parsed = expectCheck(result, 'tdx.parse', 'pass', new RegExp(`v${e.version}`))
      expect(parsed.evidence).toMatchObject({mrtd: e.mrtd, report_data: e.report_data, td_attributes: e.td_attributes, tee_tcb_svn: e.tee_tcb_svn, mrseam: e.mrseam, fmspc: e.fmspc, pce_svn: String(e.pck_pcesvn)})
      expect(parsed.evidence?.trailing_bytes ?? '0').toBe(String(e.trailing_bytes_after_signature_data))
      expect(result.pck?.sgxTcbComponents).toEqual(e.pck_sgx_tcb_components)
      for (const id of ['tdx.pck_chain', 'tdx.qe_report_signature', 'tdx.attestation_key_binding', 'tdx.quote_signature', 'tdx.tcb_info', 'tdx.qe_identity', 'tdx.crl', 'tdx.td_attributes', 'tdx.nonce', 'tdx.measurement'] as const) {
        expectCheck(result, id, 'pass')
      }
      expectCheck(result, 'tdx.qe_identity', 'pass', new RegExp(`QE SVN ${/isvsvn (\d+)/.exec(e.qe_identity)?.[1]}`))
      if (e.expected_tcb_status === 'UpToDate') {
        expectCheck(result, 'tdx.tcb_status', 'pass', /^TCB status UpToDate$/)
        expect(result.status).toBe('pass')
      } else {
        expectCheck(result, 'tdx.tcb_status', 'fail', /no TCB level in Intel's TCB info matches this platform/)
        expect(failedIds(result)).toEqual(['tdx.tcb_status'])
      }
    })
  }

  it('names the missing component for the v5 quote (SGX component 8 is 3, every level needs ≥ 5)', () => {
    const e = TDX['dcap-qvl/tdx_quote_outdated']
    const result = verifyTdxQuote(vectors['dcap-qvl/tdx_quote_outdated'].quote(), {collateral: vectors['dcap-qvl/tdx_quote_outdated'].collateral(), at: new Date(e.verify_at_unix * 1000)})
    expectCheck(result, 'tdx.tcb_status', 'fail', /SGX component 8 is 3 \(needs ≥ 5\)/)
  })

  it('pins the Intel SGX Root CA that EXPECTED.json fingerprints, byte-identical to the corpus copy', () => {
    expect(sha256Hex(intelRoot())).toBe(TDX.intel_sgx_root_ca_sha256)
    expect(Buffer.from(intelRoot().raw).equals(Buffer.from(corpusBytes(`${QVL}/TrustedRootCA.der`)))).toBe(true)
  })

  it('tells which collateral a quote needs', () => {
    expect(tdxCollateralQuery(vectors['dcap-qvl/tdx_quote'].quote())).toEqual({fmspc: 'b0c06f000000', ca: 'platform'})
  })
})

describe('TDX negative cases fail for the right reason', () => {
  const e = TDX['dcap-qvl/tdx_quote']
  const quote = vectors['dcap-qvl/tdx_quote'].quote()
  const WHEN = at('2025-07-01T00:00:00Z')
  const run = (bytes: Uint8Array, more: Partial<TdxVerifyOptions> = {}) =>
    verifyTdxQuote(bytes, {collateral: vectors['dcap-qvl/tdx_quote'].collateral(), at: WHEN, expectedReportData: hex(e.report_data), ...more})

  it('a flipped byte in REPORT_DATA (568) breaks the quote signature and the nonce', () => {
    const result = run(flipped(quote, 568))
    expectCheck(result, 'tdx.quote_signature', 'fail', /altered after signing/)
    expect(failedIds(result).sort()).toEqual(['tdx.nonce', 'tdx.quote_signature'])
  })

  it('a flipped byte in MRTD (184) breaks the signature and the reference comparison', () => {
    expect(failedIds(run(flipped(quote, 184), {expected: {mrTd: hex(e.mrtd)}})).sort()).toEqual(['tdx.measurement', 'tdx.quote_signature'])
  })

  it('a flipped byte in the quote signature (636)', () => {
    expect(failedIds(run(flipped(quote, 636)))).toEqual(['tdx.quote_signature'])
  })

  it('a flipped byte in the QE report (800) breaks the PCK signature over it', () => {
    expect(failedIds(run(flipped(quote, 800)))).toEqual(['tdx.qe_report_signature'])
  })

  it('a flipped byte in the attestation key (720) is no P-256 key and breaks the QE binding', () => {
    const result = run(flipped(quote, 720))
    expectCheck(result, 'tdx.quote_signature', 'fail', /not a valid P-256 public key/)
    expectCheck(result, 'tdx.attestation_key_binding', 'fail', /swapped/)
  })

  it('a changed signature byte in the PCK leaf certificate the quote carries', () => {
    // The PEM chain sits inside the signed quote's certification data; one base64 character of the
    // leaf's signature value (40 characters before its END line) changes, the DER stays well formed.
    const text = Buffer.from(quote).toString('latin1')
    const end = text.indexOf('-----END CERTIFICATE-----')
    let i = end - 1
    for (let left = 40; left > 0; i--) if (/[A-Za-z0-9+/]/.test(text[i])) left--
    const tampered = new Uint8Array(quote)
    tampered[i] = text[i] === 'A' ? 0x42 : 0x41
    const result = run(tampered)
    expectCheck(result, 'tdx.pck_chain', 'fail', /signature on "Intel SGX PCK Certificate" by "Intel SGX PCK Platform CA" is invalid/)
    expect(result.status).toBe('fail')
  })

  it('a debug TD (TD_ATTRIBUTES bit 0)', () => {
    expectCheck(run(flipped(quote, 48 + 120)), 'tdx.td_attributes', 'fail', /debug TD/)
  })

  it('the wrong nonce', () => {
    expect(failedIds(run(quote, {expectedReportData: new Uint8Array(64)}))).toEqual(['tdx.nonce'])
  })

  it('an edited TCB info, or a flipped byte in its signature', () => {
    const c = vectors['dcap-qvl/tdx_quote'].collateral()
    const edited = run(quote, {collateral: {...c, tcbInfo: c.tcbInfo.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18')}})
    expectCheck(edited, 'tdx.tcb_info', 'fail', /TCB info signature by "Intel SGX TCB Signing" is invalid/)
    expectCheck(edited, 'tdx.tcb_status', 'skip')
    expectCheck(run(quote, {collateral: {...c, tcbInfoSignature: flipped(c.tcbInfoSignature, 0)}}), 'tdx.tcb_info', 'fail', /is invalid/)
  })

  it('an edited QE identity', () => {
    const c = vectors['dcap-qvl/tdx_quote'].collateral()
    expectCheck(run(quote, {collateral: {...c, qeIdentity: c.qeIdentity.replace('"isvprodid":2', '"isvprodid":3')}}), 'tdx.qe_identity', 'fail', /QE identity signature .* is invalid/)
  })

  it('stale collateral: the same quote checked after the TCB info, QE identity and CRLs expired', () => {
    const result = run(quote, {at: at('2026-01-01T00:00:00Z')})
    expectCheck(result, 'tdx.tcb_info', 'fail', /stale: its nextUpdate was 2025-07-19T10:16:03Z/)
    expectCheck(result, 'tdx.qe_identity', 'fail', /stale/)
    expectCheck(result, 'tdx.crl', 'fail', /PCK CRL expired at 2025-07-19T10:00:35.000Z/)
    expectCheck(result, 'tdx.quote_signature', 'pass')
  })

  it('an expired PCK CRL alone (the TCB info is still current for a few minutes)', () => {
    expect(failedIds(run(quote, {at: at('2025-07-19T10:05:00Z')}))).toEqual(['tdx.crl'])
  })

  it('a flipped byte in the PCK CRL signature', () => {
    const c = vectors['dcap-qvl/tdx_quote'].collateral()
    const crl = c.pckCrl as Uint8Array
    expectCheck(run(quote, {collateral: {...c, pckCrl: flipped(crl, crl.length - 5)}}), 'tdx.crl', 'fail', /PCK CRL signature .* is invalid/)
  })

  it('collateral for another platform (FMSPC mismatch)', () => {
    const c = vectors['dcap-qvl/tdx_quote_outdated'].collateral()
    expectCheck(run(quote, {collateral: c, at: at('2026-03-01T00:00:00Z')}), 'tdx.tcb_info', 'fail', /FMSPC 90C06F000000, but the PCK certificate says b0c06f000000/)
  })

  it('TCB info signed under a look-alike "Intel SGX Root CA" that claims everything is up to date', async () => {
    const root = await forgeRoot('Intel SGX Root CA')
    const signer = await forgeLeaf('Intel SGX TCB Signing', root)
    const {sign} = await import('node:crypto')
    const c = vectors['dcap-qvl/tdx_quote_outdated'].collateral()
    const forgedSignature = new Uint8Array(sign('sha256', Buffer.from(c.tcbInfo), {key: signer.privateKey, dsaEncoding: 'ieee-p1363'}))
    const result = verifyTdxQuote(vectors['dcap-qvl/tdx_quote_outdated'].quote(), {at: at('2026-03-01T00:00:00Z'), collateral: {...c, tcbInfoSignature: forgedSignature, tcbInfoIssuerChain: signer.pem + root.pem}})
    expectCheck(result, 'tdx.tcb_info', 'fail', /does not chain to Intel: .*self-signed "Intel SGX Root CA" .* not the pinned Intel SGX Root CA/)
  })

  it('a revoked PCK certificate: a CRL from its CA that lists its serial', async () => {
    const ca = await forgeCa('Intel SGX PCK Platform CA', await forgeRoot('Test Root'))
    const leaf = await forgeLeaf('Intel SGX PCK Certificate', ca)
    const crl = await forgeCrl(ca, [leaf.cert.serialNumber], at('2025-06-01T00:00:00Z'), at('2025-08-01T00:00:00Z'))
    const collateral = {pckCrl: crl} as TdxCollateral
    expectCheck({checks: [crlCheck(collateral, [leaf.cert, ca.cert], [], WHEN)]}, 'tdx.crl', 'fail', /Intel revoked this platform's PCK certificate/)
    const clean = await forgeCrl(ca, ['abcdef'], at('2025-06-01T00:00:00Z'), at('2025-08-01T00:00:00Z'))
    expectCheck({checks: [crlCheck({pckCrl: clean} as TdxCollateral, [leaf.cert, ca.cert], [], WHEN)]}, 'tdx.crl', 'pass')
  })

  it("Intel's real PCK CRL lists 44 revoked serials, and not this platform's", () => {
    const crl = parseCrl(corpusBytes(`${QVL}/split-tdx_quote_collateral/pck_crl.der`))
    expect(crl.revoked.size).toBe(44)
    expect(crl.revoked.has(e.pck_leaf.serial.replace(/^0x/, ''))).toBe(false)
    expect(crl.revoked.has('6fc34e5023e728923435d61aa4b83c618166ad35')).toBe(true)
  })

  it('a 1024-byte TDREPORT is not a remotely verifiable quote', () => {
    const tdreport = new Uint8Array(TDREPORT_SIZE)
    tdreport[0] = 0x81
    expectCheck(verifyTdxQuote(tdreport), 'tdx.parse', 'fail', /TDREPORT, not a remotely verifiable quote/)
  })

  it('malformed input fails a check instead of throwing', () => {
    expectCheck(verifyTdxQuote(quote.subarray(0, 2000)), 'tdx.parse', 'fail', /truncated/)
    expectCheck(verifyTdxQuote(new Uint8Array(10)), 'tdx.parse', 'fail', /version 0 is not supported/)
  })

  it('without collateral the quote is checked but the TCB cannot be judged', () => {
    const result = run(quote, {collateral: undefined})
    expect(failedIds(result)).toEqual(['tdx.collateral'])
    expectCheck(result, 'tdx.collateral', 'fail', /give a collateral cache or allow the network/)
  })
})
