import {sign} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {AMD_ARKS} from '../../../../src/verify/attestation/snp/amd-roots.js'
import {kdsVcekUrl} from '../../../../src/verify/attestation/snp/kds.js'
import {parseSnpReport} from '../../../../src/verify/attestation/snp/report.js'
import {amdRoots, amdSigningKeys} from '../../../../src/verify/attestation/snp/vcek.js'
import {verifySnpReport} from '../../../../src/verify/attestation/snp/verify.js'
import {verifyChain} from '../../../../src/verify/attestation/x509.js'
import {forgeCa, forgeLeaf, forgeRoot} from './forge.js'
import {EXPECTED, at, corpusBytes, expectCheck, failedIds, flipped, hex} from './vectors.js'

const SNP = EXPECTED['sev-snp'] as Record<string, {report_file: string; signer_cert: string; report_data: string; measurement: string; chip_id: string; host_data: string; policy: string; version: number; policy_debug_allowed: boolean; reported_tcb: {hex: string}; kds_vcek_url?: string; signing_key: string}>
/** Inside every VCEK's window; the AWS VLEK expired on 2025-12-10. */
const WHEN = at('2025-06-01T00:00:00Z')

function vector(name: string) {
  const v = SNP[name]
  return {v, report: corpusBytes(v.report_file), vcek: corpusBytes(v.signer_cert)}
}

describe('SEV-SNP corpus vectors verify as EXPECTED.json says', () => {
  for (const name of Object.keys(SNP)) {
    it(name, () => {
      const {v, report, vcek} = vector(name)
      const result = verifySnpReport(report, {certificates: [vcek], at: WHEN, expectedReportData: hex(v.report_data), expectedMeasurement: hex(v.measurement), expectedHostData: hex(v.host_data)})
      const parsed = expectCheck(result, 'snp.parse', 'pass')
      expect(parsed.evidence).toMatchObject({version: String(v.version), policy: v.policy, measurement: v.measurement, chip_id: v.chip_id, report_data: v.report_data, reported_tcb: v.reported_tcb.hex})
      expectCheck(result, 'snp.signing_key', 'pass', new RegExp(v.signing_key))
      for (const id of ['snp.chain', 'snp.tcb', 'snp.signature', 'snp.unsigned_bytes', 'snp.nonce', 'snp.measurement', 'snp.host_data'] as const) expectCheck(result, id, 'pass')
      expectCheck(result, 'snp.chip_id', v.signing_key === 'VLEK' ? 'skip' : 'pass')
      if (v.policy_debug_allowed) {
        expectCheck(result, 'snp.policy', 'fail', /allows debugging/)
        expect(failedIds(result)).toEqual(['snp.policy'])
      } else {
        expect(result.status).toBe('pass')
      }
    })
  }

  it('builds the KDS URL from REPORTED_TCB (the idblock report has a newer CURRENT_TCB)', () => {
    for (const name of Object.keys(SNP).filter((n) => SNP[n].kds_vcek_url)) {
      const {v, report} = vector(name)
      const product = name.includes('genoa') ? 'Genoa' : 'Milan'
      expect(kdsVcekUrl(parseSnpReport(report), product)).toBe(v.kds_vcek_url)
    }
  })

  it('accepts the debug policy only when debug is allowed explicitly', () => {
    const {report, vcek} = vector('go-sev-guest-milan')
    expectCheck(verifySnpReport(report, {certificates: [vcek], at: WHEN, allowDebug: true}), 'snp.policy', 'pass', /allowed explicitly/)
  })

  it('pins the AMD roots that EXPECTED.json fingerprints, and every bundled ASK/ASVK chains to them', () => {
    expect(Object.values(AMD_ARKS).map((a) => a.sha256)).toEqual(['ask_ark_milan.pem', 'ask_ark_genoa.pem', 'ask_ark_turin_vcek.pem'].map((f) => EXPECTED.amd_roots[f][1].sha256))
    for (const ask of amdSigningKeys()) expect(verifyChain([ask], amdRoots(), WHEN)).toMatchObject({ok: true})
  })
})

describe('SEV-SNP negative cases fail for the right reason', () => {
  const {v, report, vcek} = vector('virtee-milan')
  const run = (bytes: Uint8Array, more: Partial<Parameters<typeof verifySnpReport>[1]> = {}) =>
    verifySnpReport(bytes, {certificates: [vcek], at: WHEN, expectedReportData: hex(v.report_data), ...more})

  it('a flipped byte in REPORT_DATA breaks the signature and the nonce', () => {
    const result = run(flipped(report, 0x50))
    expectCheck(result, 'snp.signature', 'fail', /does not verify/)
    expectCheck(result, 'snp.nonce', 'fail', /does not match the nonce/)
    expect(result.status).toBe('fail')
  })

  it('a flipped byte in MEASUREMENT breaks the signature and the reference comparison', () => {
    const result = run(flipped(report, 0x90), {expectedMeasurement: hex(v.measurement)})
    expect(failedIds(result).sort()).toEqual(['snp.measurement', 'snp.signature'])
  })

  it('a flipped byte in CHIP_ID breaks the signature and the VCEK binding', () => {
    expect(failedIds(run(flipped(report, 0x1a0))).sort()).toEqual(['snp.chip_id', 'snp.signature'])
  })

  it('a flipped byte in the signature', () => {
    expect(failedIds(run(flipped(report, 0x2a0)))).toEqual(['snp.signature'])
  })

  it('bytes appended in the unsigned reserved area are refused although the signature holds', () => {
    const result = run(flipped(report, 0x400))
    expectCheck(result, 'snp.signature', 'pass')
    expectCheck(result, 'snp.unsigned_bytes', 'fail', /not zero/)
  })

  it('the wrong nonce: the report is genuine but not an answer to this request', () => {
    const result = run(report, {expectedReportData: new Uint8Array(64).fill(7)})
    expect(failedIds(result)).toEqual(['snp.nonce'])
  })

  it("another chip's VCEK: signature, chip id and TCB all refuse it", () => {
    const other = vector('go-sev-guest-milan').vcek
    const result = verifySnpReport(report, {certificates: [other], at: WHEN})
    expectCheck(result, 'snp.signature', 'fail')
    expectCheck(result, 'snp.chip_id', 'fail', /another chip/)
    expectCheck(result, 'snp.tcb', 'fail', /snp 5 in the VCEK vs 8 reported/)
  })

  it.each(['test-vcek-invalid-legacy.der', 'test-vcek-invalid-new.der'])('a VCEK edited after AMD signed it (%s)', (file) => {
    const {report: idReport} = vector('trustee-milan-idblock')
    const result = verifySnpReport(idReport, {certificates: [corpusBytes(`sev-snp/trustee-milan-idblock/${file}`)], at: WHEN})
    expectCheck(result, 'snp.chain', 'fail', /signature on "SEV-VCEK" by "SEV-Milan" is invalid/)
    // Both encodings of the hardware ID extension parse to trustee's replacement 00 01 … 3f.
    const chip = expectCheck(result, 'snp.chip_id', 'fail')
    expect(chip.evidence?.vcek_hwid).toBe(Buffer.from(Array.from({length: 64}, (_, i) => i)).toString('hex'))
  })

  it('a flipped byte inside a certificate signature', () => {
    const der = flipped(vcek, vcek.length - 10)
    expectCheck(run(report, {certificates: [der]}), 'snp.chain', 'fail', /is invalid/)
  })

  it('an expired VLEK (the AWS one, after 2025-12-10)', () => {
    const {report: vlekReport, vcek: vlek} = vector('trustee-milan-vlek-aws')
    const result = verifySnpReport(vlekReport, {certificates: [vlek], at: at('2026-01-01T00:00:00Z')})
    expectCheck(result, 'snp.chain', 'fail', /"SEV-VLEK" expired at 2025-12-10T22:14:21.000Z/)
    expectCheck(result, 'snp.signature', 'pass')
  })

  it('a VCEK checked before it was issued', () => {
    const {report: r, vcek: c} = vector('trustee-genoa-baremetal')
    expectCheck(verifySnpReport(r, {certificates: [c], at: at('2025-01-01T00:00:00Z')}), 'snp.chain', 'fail', /not valid before 2025-05-27/)
  })

  it('a chain to a look-alike root: a forged ARK/ASK/VCEK that signs its own report', async () => {
    const ark = await forgeRoot('ARK-Milan')
    const ask = await forgeCa('SEV-Milan', ark)
    const fake = await forgeLeaf('SEV-VCEK', ask)
    const forged = new Uint8Array(report)
    const signature = sign('sha384', forged.subarray(0, 0x2a0), {key: fake.privateKey, dsaEncoding: 'ieee-p1363'})
    forged.set(new Uint8Array(signature.subarray(0, 48)).reverse(), 0x2a0)
    forged.set(new Uint8Array(signature.subarray(48)).reverse(), 0x2e8)
    const result = verifySnpReport(forged, {certificates: [fake.pem, ask.pem, ark.pem], at: WHEN, expectedReportData: hex(v.report_data)})
    expectCheck(result, 'snp.signature', 'pass')
    expectCheck(result, 'snp.chain', 'fail', /self-signed "ARK-Milan" .* not AMD's pinned ARK/)
    expect(result.status).toBe('fail')
  })

  it('malformed input fails a check instead of throwing', () => {
    expectCheck(verifySnpReport(report.subarray(0, 1000)), 'snp.parse', 'fail', /1184 bytes; this one is 1000/)
    expectCheck(verifySnpReport(report, {certificates: [new Uint8Array([1, 2, 3])]}), 'snp.signing_key', 'fail', /not a valid certificate/)
    expectCheck(verifySnpReport(report, {at: WHEN}), 'snp.signing_key', 'fail', /fetch it from AMD KDS/)
  })
})
