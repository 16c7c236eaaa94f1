import {describe, expect, it} from 'vitest'

import {NVIDIA_DEVICE_IDENTITY_CA} from '../../../../src/verify/attestation/nvidia/nvidia-root.js'
import {parseGpuEvidence} from '../../../../src/verify/attestation/nvidia/spdm.js'
import {nvidiaRoot, verifyGpuEvidence} from '../../../../src/verify/attestation/nvidia/verify.js'
import {sha256Hex} from '../../../../src/verify/attestation/x509.js'
import {forgeCa, forgeLeaf, forgeRoot} from './forge.js'
import {EXPECTED, corpusText, expectCheck, failedIds, flipped, hex} from './vectors.js'

const NV = EXPECTED['nvidia-gpu']
const LOCAL = 'nvidia-gpu/nvtrust-local-verifier'
const TRUSTEE = 'nvidia-gpu/trustee-nvidia'

const hexFile = (path: string) => hex(corpusText(path).trim())
const single = {
  'nvtrust-local-verifier/hopperAttestationReport.txt': {evidence: () => hexFile(`${LOCAL}/hopperAttestationReport.txt`), chain: () => corpusText(`${LOCAL}/hopperCertChain.txt`)},
  'trustee-nvidia/hopper_coco_report1.txt': {evidence: () => hexFile(`${TRUSTEE}/hopper_coco_report1.txt`), chain: () => corpusText(`${TRUSTEE}/hopper_coco_certs1.txt`)},
}
const eight = JSON.parse(corpusText('nvidia-gpu/nvtrust-ppcie-8xH100/gpu_evidence.json')) as Array<{evidence: string; certificate: string; nonce: string}>
const gpu = (i: number) => ({evidence: new Uint8Array(Buffer.from(eight[i].evidence, 'base64')), chain: Buffer.from(eight[i].certificate, 'base64').toString('utf8')})

describe('NVIDIA GPU corpus vectors verify as EXPECTED.json says', () => {
  for (const [name, load] of Object.entries(single)) {
    it(name, () => {
      const e = NV[name]
      const result = verifyGpuEvidence(load.evidence(), load.chain(), {expectedNonce: hex(e.request_nonce)})
      const parsed = expectCheck(result, 'gpu.parse', 'pass')
      expect(parsed.evidence).toMatchObject({nonce: e.request_nonce, driver_version: e.driver_version, vbios_version: e.vbios_version, project: e.project, project_sku: e.project_sku, chip_sku: e.chip_sku, fwid: e.fwid, measurement_blocks: '64'})
      expect(parsed.evidence?.trailing_bytes ?? '0').toBe(String(e.trailing_bytes))
      expect(result.evidence?.signedBytes.length).toBe(e.signed_range[1])
      expect(result.evidence && Buffer.from(result.evidence.responderNonce).toString('hex')).toBe(e.responder_nonce)
      if (e.leaf_identity) expect(result.deviceId).toBe(e.leaf_identity)
      expect(result.status).toBe('pass')
    })
  }

  it("parses the measurements exactly as trustee's golden claims list them", () => {
    const claims = JSON.parse(corpusText(`${TRUSTEE}/hopperAttestationReport-claims.txt`)) as {measurements: Record<string, string>; config: Record<string, string>}
    const parsed = parseGpuEvidence(single['nvtrust-local-verifier/hopperAttestationReport.txt'].evidence())
    expect(Object.fromEntries(parsed.measurements.map((m) => [String(m.index), Buffer.from(m.value).toString('hex')]))).toEqual(claims.measurements)
    expect(claims.config.fwid).toBe(NV['nvtrust-local-verifier/hopperAttestationReport.txt'].fwid)
  })

  it('all eight GPUs of the HGX box verify, each with its own identity', () => {
    const e = NV['nvtrust-ppcie-8xH100/gpu_evidence.json'].gpus
    eight.forEach((_, i) => {
      const result = verifyGpuEvidence(gpu(i).evidence, gpu(i).chain, {expectedNonce: hex(e[i].request_nonce)})
      expect(result.status).toBe('pass')
      expect(result.deviceId).toBe(e[i].leaf_identity)
      expect(result.checks[0].evidence).toMatchObject({fwid: e[i].fwid, driver_version: e[i].driver_version, vbios_version: e[i].vbios_version_json})
    })
  })

  it('pins the NVIDIA Device Identity CA that EXPECTED.json fingerprints', () => {
    expect(sha256Hex(nvidiaRoot())).toBe(NV.nvidia_device_identity_ca_sha256)
    expect(NVIDIA_DEVICE_IDENTITY_CA.sha256).toBe(NV.nvidia_device_identity_ca_sha256)
  })
})

describe('NVIDIA GPU negative cases fail for the right reason', () => {
  const {evidence, chain} = single['nvtrust-local-verifier/hopperAttestationReport.txt']
  const nonce = hex(NV['nvtrust-local-verifier/hopperAttestationReport.txt'].request_nonce)

  it('a flipped byte in the measurement record', () => {
    expect(failedIds(verifyGpuEvidence(flipped(evidence(), 100), chain(), {expectedNonce: nonce}))).toEqual(['gpu.signature'])
  })

  it('a flipped byte in the nonce breaks the signature and the nonce', () => {
    expect(failedIds(verifyGpuEvidence(flipped(evidence(), 4), chain(), {expectedNonce: nonce})).sort()).toEqual(['gpu.nonce', 'gpu.signature'])
  })

  it('a flipped byte in the signature', () => {
    expect(failedIds(verifyGpuEvidence(flipped(evidence(), 4021 + 10), chain()))).toEqual(['gpu.signature'])
  })

  it('genuine evidence checked against another nonce (the 8×H100 one)', () => {
    const result = verifyGpuEvidence(evidence(), chain(), {expectedNonce: hex(eight[0].nonce)})
    expectCheck(result, 'gpu.nonce', 'fail', /another nonce/)
    expectCheck(result, 'gpu.signature', 'pass')
  })

  it("GPU 0's evidence with GPU 1's certificate chain (same FWID, another key)", () => {
    const result = verifyGpuEvidence(gpu(0).evidence, gpu(1).chain)
    expect(failedIds(result)).toEqual(['gpu.signature'])
    expectCheck(result, 'gpu.fwid', 'pass')
  })

  it('evidence with a chain from other firmware: the FWID and the signature both refuse it', () => {
    const result = verifyGpuEvidence(evidence(), gpu(0).chain)
    expectCheck(result, 'gpu.fwid', 'fail', /differs from the one in the leaf certificate/)
    expectCheck(result, 'gpu.signature', 'fail')
  })

  it("trustee's broken chains: root only, Provisioner ICA missing, signing leaf missing", () => {
    expectCheck(verifyGpuEvidence(evidence(), corpusText(`${TRUSTEE}/hopper_cert_chain_case2.txt`)), 'gpu.chain', 'fail', /starts with the CA "NVIDIA Device Identity CA"/)
    expectCheck(verifyGpuEvidence(evidence(), corpusText(`${TRUSTEE}/hopper_cert_chain_case3.txt`)), 'gpu.chain', 'fail', /no issuer for "GH100 A01 GSP BROM"/)
    const noLeaf = verifyGpuEvidence(evidence(), corpusText(`${TRUSTEE}/hopper_cert_chain_case4.txt`))
    expectCheck(noLeaf, 'gpu.chain', 'fail', /signing certificate is missing/)
    expectCheck(noLeaf, 'gpu.fwid', 'fail', /names no firmware/)
  })

  it('a flipped byte in an intermediate certificate signature', () => {
    const pems = chain().match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) as string[]
    const der = Buffer.from(pems[2].replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')
    der[der.length - 8] ^= 1
    const tampered = [pems[0], pems[1], `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----`, pems[3], pems[4]].join('\n')
    expectCheck(verifyGpuEvidence(evidence(), tampered), 'gpu.chain', 'fail', /signature on "NVIDIA GH100 Provisioner ICA 1" by "NVIDIA GH100 Identity" is invalid/)
  })

  it('a look-alike chain ending in a self-signed "NVIDIA Device Identity CA"', async () => {
    const fakeRoot = await forgeRoot('NVIDIA Device Identity CA')
    const brom = await forgeCa('GH100 A01 GSP BROM', fakeRoot)
    const leaf = await forgeLeaf('GH100 A01 GSP FMC LF', brom)
    const result = verifyGpuEvidence(evidence(), leaf.pem + brom.pem + fakeRoot.pem)
    expectCheck(result, 'gpu.chain', 'fail', /self-signed "NVIDIA Device Identity CA" .* not NVIDIA's pinned Device Identity CA/)
    expectCheck(result, 'gpu.signature', 'fail')
  })

  it('malformed input fails a check instead of throwing', () => {
    expectCheck(verifyGpuEvidence(evidence().subarray(0, 500), chain()), 'gpu.parse', 'fail', /truncated/)
    expectCheck(verifyGpuEvidence(new Uint8Array([1, 2, 3]), chain()), 'gpu.parse', 'fail', /SPDM/)
    expectCheck(verifyGpuEvidence(evidence(), 'no certificates here'), 'gpu.parse', 'fail', /no PEM certificate/)
  })
})
