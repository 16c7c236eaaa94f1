/**
 * Every file of shared/corpus/attestation is exercised by a test, and this file says which. The
 * vectors the verifiers read directly are covered in snp/tdx/gpu/akash.test.ts; the ones below are
 * the upstream originals, split copies and bundled roots that those tests reach only through
 * another file, so here each is tied to what the verifiers use. A vector added to the corpus
 * without an entry in COVERAGE fails the first test.
 */
import {X509Certificate, createHash} from 'node:crypto'
import {readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

import {describe, expect, it} from 'vitest'

import {AMD_ARKS} from '../../../../src/verify/attestation/snp/amd-roots.js'
import {AMD_SIGNING_KEYS} from '../../../../src/verify/attestation/snp/amd-signing-keys.js'
import {parseSnpReport} from '../../../../src/verify/attestation/snp/report.js'
import {verifySnpReport} from '../../../../src/verify/attestation/snp/verify.js'
import {nvidiaRoot} from '../../../../src/verify/attestation/nvidia/verify.js'
import type {TdxCollateral} from '../../../../src/verify/attestation/tdx/collateral.js'
import {parseTdxQuote} from '../../../../src/verify/attestation/tdx/quote.js'
import {verifyTdxQuote} from '../../../../src/verify/attestation/tdx/verify.js'
import {splitPem, verifyChain} from '../../../../src/verify/attestation/x509.js'
import {ATTESTATION} from '../../../helpers/corpus.js'
import {EXPECTED, at, corpusBytes, corpusText, expectCheck, failedIds, flipped, hex} from './vectors.js'

const SNP_VECTORS = 'snp.test.ts › SEV-SNP corpus vectors verify as EXPECTED.json says'
const TDX_VECTORS = 'tdx.test.ts › TDX corpus vectors verify as EXPECTED.json says'
const GPU_VECTORS = 'gpu.test.ts › NVIDIA GPU corpus vectors verify as EXPECTED.json says'
const HERE = 'corpus.test.ts › '

/** corpus file → the test that reads it (documentation files included, so nothing is left unlisted). */
const COVERAGE: Record<string, string> = {
  'README.md': 'the description the tests follow (not a vector)',
  'SOURCES.txt': 'provenance of every file (not a vector)',
  'EXPECTED.json': 'the facts every vector test compares with (vectors.ts EXPECTED)',
  'akash/README.md': 'no Akash sample exists (not a vector); the format is tested in akash.test.ts',
  'sev-snp/amd-roots/ask_ark_milan.pem': `${HERE}the bundled AMD keys are byte for byte the KDS cert_chain responses`,
  'sev-snp/amd-roots/ask_ark_genoa.pem': `${HERE}the bundled AMD keys are byte for byte the KDS cert_chain responses`,
  'sev-snp/amd-roots/ask_ark_milan_vlek.pem': `${HERE}the bundled AMD keys are byte for byte the KDS cert_chain responses`,
  'sev-snp/amd-roots/ask_ark_turin_vcek.pem': `${HERE}the bundled AMD keys are byte for byte the KDS cert_chain responses`,
  'sev-snp/go-sev-guest-milan/attestation.bin': `${SNP_VECTORS} › go-sev-guest-milan`,
  'sev-snp/go-sev-guest-milan/vcek.der': `${SNP_VECTORS} › go-sev-guest-milan`,
  'sev-snp/virtee-milan/report_milan.derived.bin': `${SNP_VECTORS} › virtee-milan`,
  'sev-snp/virtee-milan/report_milan.hex': `${HERE}virtee's hex report is the report that verifies`,
  'sev-snp/virtee-milan/vcek_milan.der': `${SNP_VECTORS} › virtee-milan`,
  'sev-snp/trustee-milan-idblock/test-report.bin': `${SNP_VECTORS} › trustee-milan-idblock`,
  'sev-snp/trustee-milan-idblock/test-vcek.der': `${SNP_VECTORS} › trustee-milan-idblock`,
  'sev-snp/trustee-milan-idblock/test-vcek-invalid-legacy.der': 'snp.test.ts › a VCEK edited after AMD signed it',
  'sev-snp/trustee-milan-idblock/test-vcek-invalid-new.der': 'snp.test.ts › a VCEK edited after AMD signed it',
  'sev-snp/trustee-milan-vlek-aws/test-vlek-report.bin': `${SNP_VECTORS} › trustee-milan-vlek-aws; snp.test.ts › an expired VLEK`,
  'sev-snp/trustee-milan-vlek-aws/test-vlek.der': `${SNP_VECTORS} › trustee-milan-vlek-aws; snp.test.ts › an expired VLEK`,
  'sev-snp/trustee-genoa-azure/evidence-genoa.json': `${HERE}the Azure HCL report: the SNP report inside it verifies, bound to the runtime claims`,
  'sev-snp/trustee-genoa-azure/hcl-report.derived.bin': `${HERE}the Azure HCL report: the SNP report inside it verifies, bound to the runtime claims`,
  'sev-snp/trustee-genoa-azure/report.derived.bin': `${SNP_VECTORS} › trustee-genoa-azure`,
  'sev-snp/trustee-genoa-azure/vcek-genoa.pem': `${SNP_VECTORS} › trustee-genoa-azure`,
  'sev-snp/trustee-genoa-baremetal/evidence.json': `${HERE}the CoCo evidence JSON states what the re-encoded report says`,
  'sev-snp/trustee-genoa-baremetal/report.derived.bin': `${SNP_VECTORS} › trustee-genoa-baremetal`,
  'sev-snp/trustee-genoa-baremetal/vcek.derived.der': `${SNP_VECTORS} › trustee-genoa-baremetal`,
  'tdx/dcap-qvl/TrustedRootCA.der': 'tdx.test.ts › pins the Intel SGX Root CA …, byte-identical to the corpus copy',
  'tdx/dcap-qvl/tdx_quote': `${TDX_VECTORS} › dcap-qvl/tdx_quote`,
  'tdx/dcap-qvl/tdx_quote_collateral.json': `${TDX_VECTORS} › dcap-qvl/tdx_quote`,
  'tdx/dcap-qvl/tdx_quote_outdated': `${TDX_VECTORS} › dcap-qvl/tdx_quote_outdated`,
  'tdx/dcap-qvl/tdx_quote_outdated_collateral.json': `${TDX_VECTORS} › dcap-qvl/tdx_quote_outdated`,
  ...Object.fromEntries(
    ['pck_chain_from_quote.pem', 'pck_crl.der', 'pck_crl_issuer_chain.pem', 'qe_identity.json', 'qe_identity.sig', 'qe_identity_issuer_chain.pem', 'root_ca_crl.der', 'tcb_info.json', 'tcb_info.sig', 'tcb_info_issuer_chain.pem'].map((f) => [
      `tdx/dcap-qvl/split-tdx_quote_collateral/${f}`,
      `${HERE}the split collateral files verify tdx_quote on their own`,
    ]),
  ),
  ...Object.fromEntries(
    ['pck_crl_issuer_chain.derived.pem', 'pckcrl', 'qe_identity_issuer_chain.derived.pem', 'rootcrl.der', 'sample_qeIdentity_response', 'sample_tcbInfo_response', 'tcb_info_issuer_chain.derived.pem', 'tdx_prod_quote_SPR_E4.dat'].map((f) => [
      `tdx/go-tdx-guest/${f}`,
      `${TDX_VECTORS} › go-tdx-guest/tdx_prod_quote_SPR_E4.dat`,
    ]),
  ),
  'nvidia-gpu/nvtrust-local-verifier/hopperAttestationReport.txt': `${GPU_VECTORS} › nvtrust-local-verifier/hopperAttestationReport.txt`,
  'nvidia-gpu/nvtrust-local-verifier/hopperCertChain.txt': `${GPU_VECTORS} › nvtrust-local-verifier/hopperAttestationReport.txt`,
  'nvidia-gpu/nvtrust-local-verifier/verifier_device_root.pem': `${HERE}the pinned NVIDIA Device Identity CA is nvtrust's verifier root`,
  'nvidia-gpu/nvtrust-local-verifier/verifier_RIM_root.pem': `${HERE}the RIM signing chains end at NVIDIA's CoRIM root (RIM appraisal itself is not implemented)`,
  ...Object.fromEntries(
    ['1010_0200_882_96005E0001_test_no_gpu.swidtag', '1010_0200_882_960074001A_PROD.swidtag', 'Driver_RIM_test_no_gpu.swidtag'].map((f) => [
      `nvidia-gpu/nvtrust-local-verifier/rim/${f}`,
      `${HERE}the RIM signing chains end at NVIDIA's CoRIM root (RIM appraisal itself is not implemented)`,
    ]),
  ),
  'nvidia-gpu/nvtrust-ppcie-8xH100/gpu_evidence.json': 'gpu.test.ts › all eight GPUs of the HGX box verify, each with its own identity',
  'nvidia-gpu/trustee-nvidia/hopperAttestationReport-claims.txt': "gpu.test.ts › parses the measurements exactly as trustee's golden claims list them",
  'nvidia-gpu/trustee-nvidia/hopper_coco_report1.txt': `${GPU_VECTORS} › trustee-nvidia/hopper_coco_report1.txt`,
  'nvidia-gpu/trustee-nvidia/hopper_coco_certs1.txt': `${GPU_VECTORS} › trustee-nvidia/hopper_coco_report1.txt`,
  ...Object.fromEntries(
    ['hopper_cert_chain_case2.txt', 'hopper_cert_chain_case3.txt', 'hopper_cert_chain_case4.txt'].map((f) => [
      `nvidia-gpu/trustee-nvidia/${f}`,
      "gpu.test.ts › trustee's broken chains: root only, Provisioner ICA missing, signing leaf missing",
    ]),
  ),
}

function corpusFiles(dir = ATTESTATION): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? corpusFiles(path) : [relative(ATTESTATION, path)]
  })
}

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw)
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))

describe('every attestation vector in the corpus is covered by a test', () => {
  it('COVERAGE names every corpus file, and only those', () => {
    expect(corpusFiles().sort()).toEqual(Object.keys(COVERAGE).sort())
  })
})

describe('vectors the verifiers reach through another file', () => {
  it('the bundled AMD keys are byte for byte the KDS cert_chain responses', () => {
    const kds = (file: string) => splitPem(corpusText(`sev-snp/amd-roots/${file}`)).map(der)
    const [milanAsk, milanArk] = kds('ask_ark_milan.pem')
    const [milanAsvk, milanArk2] = kds('ask_ark_milan_vlek.pem')
    const [genoaAsk, genoaArk] = kds('ask_ark_genoa.pem')
    const [turinAsk, turinArk] = kds('ask_ark_turin_vcek.pem')
    expect(sameBytes(der(AMD_SIGNING_KEYS.Milan.ask), milanAsk)).toBe(true)
    expect(sameBytes(der(AMD_SIGNING_KEYS.Milan.asvk), milanAsvk)).toBe(true)
    expect(sameBytes(der(AMD_SIGNING_KEYS.Genoa.ask), genoaAsk)).toBe(true)
    expect(sameBytes(der(AMD_SIGNING_KEYS.Turin.ask), turinAsk)).toBe(true)
    expect(sameBytes(der(AMD_ARKS.Milan.pem), milanArk)).toBe(true)
    expect(sameBytes(milanArk2, milanArk)).toBe(true)
    expect(sameBytes(der(AMD_ARKS.Genoa.pem), genoaArk)).toBe(true)
    expect(sameBytes(der(AMD_ARKS.Turin.pem), turinArk)).toBe(true)
  })

  it("virtee's hex report is the report that verifies", () => {
    expect(sameBytes(hex(corpusText('sev-snp/virtee-milan/report_milan.hex').replace(/\s/g, '')), corpusBytes('sev-snp/virtee-milan/report_milan.derived.bin'))).toBe(true)
  })

  it('the Azure HCL report: the SNP report inside it verifies, bound to the runtime claims', () => {
    const dir = 'sev-snp/trustee-genoa-azure'
    const evidence = JSON.parse(corpusText(`${dir}/evidence-genoa.json`)) as {report: number[]; vcek: string}
    const hcl = new Uint8Array(evidence.report)
    expect(sameBytes(hcl, corpusBytes(`${dir}/hcl-report.derived.bin`))).toBe(true)
    const report = hcl.subarray(32, 32 + 1184)
    expect(sameBytes(report, corpusBytes(`${dir}/report.derived.bin`))).toBe(true)
    // Azure puts SHA-256 of its runtime-claims JSON (HCL bytes [1236, 2436)) in REPORT_DATA[0:32].
    const claims = hcl.subarray(1236, 2436)
    expect(JSON.parse(Buffer.from(claims).toString('utf8').replace(/\0+$/, ''))).toHaveProperty('keys')
    const reportData = new Uint8Array(64)
    reportData.set(createHash('sha256').update(claims).digest())
    const result = verifySnpReport(report, {certificates: [evidence.vcek], at: at('2025-06-01T00:00:00Z'), expectedReportData: reportData})
    expect(result.status).toBe('pass')
    // Claims edited after the report was signed no longer match it.
    const edited = new Uint8Array(claims)
    edited[10] ^= 1
    const other = new Uint8Array(64)
    other.set(createHash('sha256').update(edited).digest())
    expect(failedIds(verifySnpReport(report, {certificates: [evidence.vcek], at: at('2025-06-01T00:00:00Z'), expectedReportData: other}))).toEqual(['snp.nonce'])
  })

  it('the CoCo evidence JSON states what the re-encoded report says', () => {
    const dir = 'sev-snp/trustee-genoa-baremetal'
    const evidence = JSON.parse(corpusText(`${dir}/evidence.json`)) as {attestation_report: Record<string, unknown>; cert_chain: Array<{cert_type: string; data: number[]}>}
    expect(sameBytes(new Uint8Array(evidence.cert_chain[0].data), corpusBytes(`${dir}/vcek.derived.der`))).toBe(true)
    const parsed = parseSnpReport(corpusBytes(`${dir}/report.derived.bin`))
    const a = evidence.attestation_report as {version: number; policy: number; report_data: number[]; measurement: number[]; chip_id: number[]}
    expect(parsed.version).toBe(a.version)
    expect(Number(parsed.policy)).toBe(a.policy)
    expect(sameBytes(parsed.reportData, new Uint8Array(a.report_data))).toBe(true)
    expect(sameBytes(parsed.measurement, new Uint8Array(a.measurement))).toBe(true)
    expect(sameBytes(parsed.chipId, new Uint8Array(a.chip_id))).toBe(true)
  })

  describe('the split collateral files verify tdx_quote on their own', () => {
    const dir = 'tdx/dcap-qvl/split-tdx_quote_collateral'
    const split = (): TdxCollateral => ({
      tcbInfo: corpusText(`${dir}/tcb_info.json`),
      tcbInfoSignature: corpusBytes(`${dir}/tcb_info.sig`),
      tcbInfoIssuerChain: corpusText(`${dir}/tcb_info_issuer_chain.pem`),
      qeIdentity: corpusText(`${dir}/qe_identity.json`),
      qeIdentitySignature: corpusBytes(`${dir}/qe_identity.sig`),
      qeIdentityIssuerChain: corpusText(`${dir}/qe_identity_issuer_chain.pem`),
      pckCrl: corpusBytes(`${dir}/pck_crl.der`),
      pckCrlIssuerChain: corpusText(`${dir}/pck_crl_issuer_chain.pem`),
      rootCaCrl: corpusBytes(`${dir}/root_ca_crl.der`),
    })
    const quote = corpusBytes('tdx/dcap-qvl/tdx_quote')
    const e = EXPECTED.tdx['dcap-qvl/tdx_quote']
    const when = new Date(e.verify_at_unix * 1000)

    it('passes every check, with the quote carrying the same PCK chain as the split copy', () => {
      const result = verifyTdxQuote(quote, {collateral: split(), at: when, expectedReportData: hex(e.report_data)})
      expect(result.status).toBe('pass')
      expectCheck(result, 'tdx.crl', 'pass')
      expect(splitPem(parseTdxQuote(quote).pckChainPem).map(der)).toEqual(splitPem(corpusText(`${dir}/pck_chain_from_quote.pem`)).map(der))
    })

    it('a flipped byte in qe_identity.sig, or an edited qe_identity.json, is refused', () => {
      expectCheck(verifyTdxQuote(quote, {collateral: {...split(), qeIdentitySignature: flipped(split().qeIdentitySignature, 0)}, at: when}), 'tdx.qe_identity', 'fail', /QE identity signature .* is invalid/)
      const edited = split().qeIdentity.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18')
      expect(edited).not.toBe(split().qeIdentity)
      expectCheck(verifyTdxQuote(quote, {collateral: {...split(), qeIdentity: edited}, at: when}), 'tdx.qe_identity', 'fail', /is invalid/)
    })

    it('a flipped byte in the Root CA CRL signature is refused', () => {
      const crl = split().rootCaCrl!
      expectCheck(verifyTdxQuote(quote, {collateral: {...split(), rootCaCrl: flipped(crl, crl.length - 5)}, at: when}), 'tdx.crl', 'fail')
    })
  })

  it("the pinned NVIDIA Device Identity CA is nvtrust's verifier root", () => {
    expect(sameBytes(new Uint8Array(nvidiaRoot().raw), der(corpusText('nvidia-gpu/nvtrust-local-verifier/verifier_device_root.pem')))).toBe(true)
  })

  it("the RIM signing chains end at NVIDIA's CoRIM root (RIM appraisal itself is not implemented)", () => {
    const root = new X509Certificate(corpusText('nvidia-gpu/nvtrust-local-verifier/verifier_RIM_root.pem'))
    expect(createHash('sha256').update(root.raw).digest('hex')).toBe(EXPECTED['nvidia-gpu'].nvidia_corim_signing_root_sha256)
    for (const file of ['1010_0200_882_96005E0001_test_no_gpu.swidtag', '1010_0200_882_960074001A_PROD.swidtag', 'Driver_RIM_test_no_gpu.swidtag']) {
      const xml = corpusText(`nvidia-gpu/nvtrust-local-verifier/rim/${file}`)
      const certs = [...xml.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map((m) => new X509Certificate(Buffer.from(m[1].replace(/\s/g, ''), 'base64')))
      expect(certs, file).toHaveLength(4)
      expect(verifyChain(certs, [root], at('2025-05-01T00:00:00Z')), file).toMatchObject({ok: true})
      // Every L4 signer has expired since (2025-06-22 … 2025-09-05).
      expect(verifyChain(certs, [root], at('2026-01-01T00:00:00Z')), file).toMatchObject({ok: false, reason: expect.stringMatching(/HCC RIM L4 Signer" expired/)})
      // Against the device root (the wrong one) the chain does not verify.
      expect(verifyChain(certs, [nvidiaRoot()], at('2025-05-01T00:00:00Z')), file).toMatchObject({ok: false})
    }
  })
})
