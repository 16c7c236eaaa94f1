import {createHash, generateKeyPairSync, randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {type AkashVerifyOptions, FileCollateralCache, FileVcekCache, KdsVcekFetcher, buildMockQuoteResponse, collateralFromJson, parseSnpReport, spkiDer, tlsBoundReportData, verifyAkashQuote} from '../../../../src/verify/attestation/index.js'
import {EXPECTED, at, corpusBytes, corpusText, expectCheck, failedIds, hex} from './vectors.js'

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64')
const nonce = () => new Uint8Array(randomBytes(64))

const snpVector = EXPECTED['sev-snp']['virtee-milan']
const snpReport = corpusBytes(snpVector.report_file)
const vcek = corpusBytes(snpVector.signer_cert)
const tdxVector = EXPECTED.tdx['dcap-qvl/tdx_quote']
const tdxQuote = corpusBytes('tdx/dcap-qvl/tdx_quote')
const tdxCollateral = () => collateralFromJson(corpusText('tdx/dcap-qvl/tdx_quote_collateral.json'))
const eight = JSON.parse(corpusText('nvidia-gpu/nvtrust-ppcie-8xH100/gpu_evidence.json')) as Array<{evidence: string; certificate: string; nonce: string}>
/** As the sidecar sends it: evidence ‖ PEM chain, base64 (corpus README §4). */
const akashGpuReport = (i: number) => b64(Buffer.concat([Buffer.from(eight[i].evidence, 'base64'), Buffer.from(eight[i].certificate, 'base64')]))
/** A tenant nonce whose first half is the one the 8×H100 evidence signed. */
const gpuSessionNonce = () => new Uint8Array(Buffer.concat([Buffer.from(eight[0].nonce, 'hex'), randomBytes(32)]))

const verify = (response: unknown, options: Partial<AkashVerifyOptions> & {nonce: Uint8Array}) => verifyAkashQuote(response, {at: at('2025-06-01T00:00:00Z'), ...options})

describe('Akash AEP-83 quote responses: mock reports', () => {
  it('builds the mock byte for byte as the provider sidecar does (akt reads the nonce at [80,144))', () => {
    const n = nonce()
    const response = buildMockQuoteResponse({platform: 'snp', reportData: n, now: new Date('2026-01-02T03:04:05Z')})
    const report = Buffer.from(response.report, 'base64')
    expect(report.length).toBe(1184)
    expect(report.subarray(0, 4).toString('latin1')).toBe('MOCK')
    expect(report.readUInt32LE(4)).toBe(1184)
    expect(report.subarray(8, 12).toString('latin1')).toBe('SNP\0')
    expect(report.readUInt32LE(12)).toBe(Date.parse('2026-01-02T03:04:05Z') / 1000)
    expect(report.subarray(80, 144)).toEqual(Buffer.from(n))
    expect(report.subarray(144, 176)).toEqual(createHash('sha256').update(n).digest())
    expect(response).toMatchObject({cert_chain: '', tee_platform: 'snp', auxblob: '', gpu_reports: [], tls_bound: false})
    expect(Buffer.from(buildMockQuoteResponse({platform: 'tdx', reportData: n}).report, 'base64').length).toBe(1024)
  })

  it.each(['snp', 'tdx'] as const)('a %s mock is reported as mock, never as verified', async (platform) => {
    const n = nonce()
    const result = await verify(buildMockQuoteResponse({platform, reportData: n, gpus: 2}), {nonce: n})
    expect(result.status).toBe('mock')
    expect(result.mock).toBe(true)
    expect(result.checks.some((c) => c.status === 'pass' && c.check.startsWith('mock'))).toBe(false)
    expectCheck(result, 'mock.report', 'mock', /proves nothing/, 'cpu')
    expectCheck(result, 'mock.nonce', 'mock', /echoes/, 'cpu')
    expectCheck(result, 'mock.nonce', 'mock', /echoes/, 'gpu 1')
  })

  it('a mock that echoes another nonce fails', async () => {
    const result = await verify(buildMockQuoteResponse({platform: 'snp', reportData: nonce()}), {nonce: nonce()})
    expectCheck(result, 'mock.nonce', 'fail', /does not echo/, 'cpu')
    expect(result.status).toBe('fail')
  })

  it('a TLS-bound mock checks against SHA-512(key ‖ nonce), and cannot be checked without the key', async () => {
    const n = nonce()
    const key = spkiDer(generateKeyPairSync('ec', {namedCurve: 'P-384'}).publicKey)
    expect(Buffer.from(tlsBoundReportData(key, n))).toEqual(createHash('sha512').update(Buffer.concat([key, n])).digest())
    const response = buildMockQuoteResponse({platform: 'snp', reportData: tlsBoundReportData(key, n), tlsBound: true})
    const bound = await verify(response, {nonce: n, bindTls: true, tlsPublicKey: key})
    expectCheck(bound, 'quote.tls_binding', 'pass')
    expect(bound.status).toBe('mock')
    expectCheck(await verify(response, {nonce: n, bindTls: true}), 'quote.tls_binding', 'fail', /cannot be checked/)
    expectCheck(await verify(buildMockQuoteResponse({platform: 'snp', reportData: n}), {nonce: n, bindTls: true}), 'quote.tls_binding', 'fail', /did not apply it/)
  })
})

describe('Akash AEP-83 quote responses: real evidence', () => {
  it('an SNP report (empty cert_chain, as the sidecar sends it) verifies with the VCEK the tenant got', async () => {
    const response = {report: b64(snpReport), cert_chain: '', tee_platform: 'snp', auxblob: '', gpu_reports: [], tls_bound: false}
    const result = await verify(response, {nonce: hex(snpVector.report_data), snp: {certificates: [vcek]}})
    expect(failedIds(result)).toEqual([])
    expect(result.status).toBe('pass')
    expectCheck(result, 'snp.nonce', 'pass', undefined, 'cpu')
  })

  it('the VCEK comes from a cache; a KDS failure is named in the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-vcek-'))
    try {
      const cache = new FileVcekCache(dir)
      await cache.store(parseSnpReport(snpReport), 'Milan', vcek)
      const response = {report: b64(snpReport), tee_platform: 'snp'}
      expect((await verify(response, {nonce: hex(snpVector.report_data), snp: {vcekSource: cache, product: 'Milan'}})).status).toBe('pass')
      const kds = new KdsVcekFetcher(async () => ({ok: false, status: 429, arrayBuffer: async () => new ArrayBuffer(0)}))
      expectCheck(await verify(response, {nonce: hex(snpVector.report_data), snp: {vcekSource: kds, product: 'Milan'}}), 'snp.signing_key', 'fail', /getting it failed: AMD KDS answered HTTP 429/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a TDX quote verifies with cached collateral', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-collateral-'))
    try {
      const cache = new FileCollateralCache(dir)
      await cache.store({fmspc: 'b0c06f000000', ca: 'platform'}, tdxCollateral())
      const result = await verify({report: b64(tdxQuote), tee_platform: 'tdx'}, {nonce: hex(tdxVector.report_data), at: at('2025-07-01T00:00:00Z'), tdx: {collateralSource: cache}})
      expect(failedIds(result)).toEqual([])
      expectCheck(result, 'tdx.tcb_status', 'pass', /UpToDate/, 'cpu')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('a TDX quote against the wrong nonce', async () => {
    const result = await verify({report: b64(tdxQuote), tee_platform: 'tdx'}, {nonce: nonce(), at: at('2025-07-01T00:00:00Z'), tdx: {collateral: tdxCollateral()}})
    expect(failedIds(result)).toEqual(['tdx.nonce'])
  })

  it('a 1024-byte TDREPORT from /dev/tdx_guest is not a remotely verifiable quote', async () => {
    const tdreport = new Uint8Array(1024)
    tdreport[0] = 0x81
    expectCheck(await verify({report: b64(tdreport), tee_platform: 'tdx'}, {nonce: nonce()}), 'tdx.parse', 'fail', /not a remotely verifiable quote/, 'cpu')
  })

  it('GPU reports are split at the PEM marker and checked against the first 32 bytes of REPORT_DATA', async () => {
    const n = gpuSessionNonce()
    const response = {...buildMockQuoteResponse({platform: 'tdx', reportData: n}), tee_platform: 'tdx-gpu', gpu_reports: [0, 1, 2].map((i) => ({device_index: i, report: akashGpuReport(i)}))}
    const result = await verify(response, {nonce: n, expectGpus: 3})
    for (const subject of ['gpu 0', 'gpu 1', 'gpu 2']) {
      for (const id of ['gpu.chain', 'gpu.signature', 'gpu.fwid', 'gpu.nonce'] as const) expectCheck(result, id, 'pass', undefined, subject)
    }
    expectCheck(result, 'quote.gpu_count', 'pass')
    // Real GPUs behind a mock CPU report are still a mock as a whole.
    expect(result.status).toBe('mock')
  })

  it('real CPU and GPU evidence from different sessions: the GPU nonce passes, the CPU nonce does not', async () => {
    const n = gpuSessionNonce()
    const response = {report: b64(snpReport), tee_platform: 'snp-gpu', gpu_reports: [{device_index: 0, report: akashGpuReport(0)}]}
    const result = await verify(response, {nonce: n, snp: {certificates: [vcek]}})
    expect(failedIds(result)).toEqual(['snp.nonce'])
  })

  it('one GPU reported twice, fewer GPUs than paid for, and a GPU platform without GPU evidence', async () => {
    const n = gpuSessionNonce()
    const twice = {...buildMockQuoteResponse({platform: 'snp', reportData: n}), tee_platform: 'snp-gpu', gpu_reports: [{device_index: 0, report: akashGpuReport(0)}, {device_index: 1, report: akashGpuReport(0)}]}
    expectCheck(await verify(twice, {nonce: n}), 'quote.gpu_count', 'fail', /NVIDIA:GH100:48B02DF44660DA06 is reported as device 0 and 1/)
    const few = {...twice, gpu_reports: [{device_index: 0, report: akashGpuReport(0)}]}
    expectCheck(await verify(few, {nonce: n, expectGpus: 8}), 'quote.gpu_count', 'fail', /pays for 8 .* evidence for 1/)
    expectCheck(await verify({...few, gpu_reports: []}, {nonce: n}), 'quote.gpu_count', 'fail', /sent no GPU evidence/)
  })

  it('an optional remote GPU appraiser is asked with the GPU nonce, and its failure is a failed check', async () => {
    const n = gpuSessionNonce()
    const response = {...buildMockQuoteResponse({platform: 'snp', reportData: n}), tee_platform: 'snp-gpu', gpu_reports: [{device_index: 0, report: akashGpuReport(0)}]}
    const asked: string[] = []
    const appraiser = {appraise: async (_e: Uint8Array, _c: string, gpuNonce: Uint8Array) => (asked.push(Buffer.from(gpuNonce).toString('hex')), [{check: 'gpu.remote' as const, status: 'pass' as const, reason: 'NRAS says ok'}])}
    expectCheck(await verify(response, {nonce: n, gpuAppraiser: appraiser}), 'gpu.remote', 'pass', /NRAS/, 'gpu 0')
    expect(asked).toEqual([eight[0].nonce])
    const down = {appraise: async () => Promise.reject(new Error('HTTP 503'))}
    expectCheck(await verify(response, {nonce: n, gpuAppraiser: down}), 'gpu.remote', 'fail', /remote GPU appraisal failed: HTTP 503/, 'gpu 0')
  })

  it('a GPU report with no certificate chain', async () => {
    const n = gpuSessionNonce()
    const response = {...buildMockQuoteResponse({platform: 'snp', reportData: n}), tee_platform: 'snp-gpu', gpu_reports: [{device_index: 0, report: eight[0].evidence}]}
    expectCheck(await verify(response, {nonce: n}), 'gpu.parse', 'fail', /no certificate chain/, 'gpu 0')
  })

  it('reads protobuf-JSON camelCase field names too', async () => {
    const n = gpuSessionNonce()
    const mock = buildMockQuoteResponse({platform: 'snp', reportData: n})
    const camel = {report: mock.report, certChain: '', teePlatform: 'snp-gpu', gpuReports: [{deviceIndex: 4, report: akashGpuReport(4)}], tlsBound: false}
    expectCheck(await verify(camel, {nonce: n}), 'gpu.signature', 'pass', undefined, 'gpu 4')
  })
})

describe('Akash AEP-83 quote responses: malformed input is a failed check, never a crash', () => {
  it.each([
    ['not JSON', '{report', /not JSON/],
    ['bad base64', {report: 'not base64!!', tee_platform: 'snp'}, /report is not valid base64/],
    ['unknown platform', {report: 'AAAA', tee_platform: 'sgx'}, /unknown TEE platform "sgx"/],
    ['no report', {tee_platform: 'snp'}, /has no report/],
    ['gpu_reports not a list', {report: 'AAAA', tee_platform: 'snp', gpu_reports: 'x'}, /not a list/],
    ['null', null, /not a JSON object/],
  ])('%s', async (_, input, reason) => {
    const result = await verifyAkashQuote(input, {nonce: nonce()})
    expectCheck(result, 'quote.parse', 'fail', reason)
    expect(result.status).toBe('fail')
  })

  it('a nonce that is not 64 bytes', async () => {
    expectCheck(await verifyAkashQuote(buildMockQuoteResponse({platform: 'snp', reportData: nonce()}), {nonce: new Uint8Array(32)}), 'quote.parse', 'fail', /must be 64 bytes/)
  })

  it('a truncated SNP report', async () => {
    expectCheck(await verify({report: b64(snpReport.subarray(0, 600)), tee_platform: 'snp'}, {nonce: nonce()}), 'snp.parse', 'fail', /truncated|1184 bytes/, 'cpu')
  })
})
