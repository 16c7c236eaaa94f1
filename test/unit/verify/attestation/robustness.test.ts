import {describe, expect, it} from 'vitest'

import {verifyAkashQuote} from '../../../../src/verify/attestation/akash/verify.js'
import {verifyGpuEvidence} from '../../../../src/verify/attestation/nvidia/verify.js'
import {verifySnpReport} from '../../../../src/verify/attestation/snp/verify.js'
import {collateralFromJson} from '../../../../src/verify/attestation/tdx/collateral.js'
import {verifyTdxQuote} from '../../../../src/verify/attestation/tdx/verify.js'
import type {Verdict} from '../../../../src/verify/attestation/verdict.js'
import {corpusBytes, corpusText} from './vectors.js'

/** A fixed-seed generator, so a failure here can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Flips, overwrites and truncations anywhere, including inside length fields. */
function mutations(bytes: Uint8Array, count: number, seed: number): Uint8Array[] {
  const next = random(seed)
  return Array.from({length: count}, (_, i) => {
    const copy = new Uint8Array(bytes)
    if (i % 5 === 4) return copy.subarray(0, Math.floor(next() * bytes.length))
    for (let k = 0; k < 1 + (i % 3); k++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256)
    return copy
  })
}

const WHEN = new Date('2025-07-01T00:00:00Z')

function expectVerdict(v: Verdict): void {
  expect(['pass', 'fail', 'mock', 'skip']).toContain(v.status)
  for (const c of v.checks) expect(typeof c.reason).toBe('string')
}

describe('mangled evidence never escapes as an exception', () => {
  it('SEV-SNP reports', () => {
    const vcek = corpusBytes('sev-snp/virtee-milan/vcek_milan.der')
    for (const m of mutations(corpusBytes('sev-snp/virtee-milan/report_milan.derived.bin'), 300, 1)) expectVerdict(verifySnpReport(m, {certificates: [vcek], at: WHEN}))
    for (const m of mutations(vcek, 200, 2)) expectVerdict(verifySnpReport(corpusBytes('sev-snp/virtee-milan/report_milan.derived.bin'), {certificates: [m], at: WHEN}))
  })

  it('TDX quotes and their collateral', () => {
    const collateral = collateralFromJson(corpusText('tdx/dcap-qvl/tdx_quote_collateral.json'))
    const quote = corpusBytes('tdx/dcap-qvl/tdx_quote')
    for (const m of mutations(quote, 400, 3)) expectVerdict(verifyTdxQuote(m, {collateral, at: WHEN}))
    for (const m of mutations(collateral.pckCrl as Uint8Array, 100, 4)) expectVerdict(verifyTdxQuote(quote, {collateral: {...collateral, pckCrl: m}, at: WHEN}))
    for (const m of mutations(collateral.rootCaCrl as Uint8Array, 100, 5)) expectVerdict(verifyTdxQuote(quote, {collateral: {...collateral, rootCaCrl: m}, at: WHEN}))
    for (const m of mutations(Buffer.from(collateral.tcbInfo), 100, 6)) expectVerdict(verifyTdxQuote(quote, {collateral: {...collateral, tcbInfo: Buffer.from(m).toString('latin1')}, at: WHEN}))
  })

  it('NVIDIA GPU evidence', () => {
    const evidence = new Uint8Array(Buffer.from(corpusText('nvidia-gpu/nvtrust-local-verifier/hopperAttestationReport.txt').trim(), 'hex'))
    const chain = corpusText('nvidia-gpu/nvtrust-local-verifier/hopperCertChain.txt')
    for (const m of mutations(evidence, 300, 7)) expectVerdict(verifyGpuEvidence(m, chain))
    for (const m of mutations(Buffer.from(chain), 100, 8)) expectVerdict(verifyGpuEvidence(evidence, Buffer.from(m).toString('latin1')))
  })

  it('Akash quote responses', async () => {
    const next = random(9)
    const nonce = new Uint8Array(64)
    for (let i = 0; i < 100; i++) {
      const report = Buffer.from(Array.from({length: Math.floor(next() * 2000)}, () => Math.floor(next() * 256))).toString('base64')
      for (const tee_platform of ['snp', 'tdx', 'snp-gpu']) expectVerdict(await verifyAkashQuote({report, tee_platform, gpu_reports: [{report}]}, {nonce}))
    }
  })
})
