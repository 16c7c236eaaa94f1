import {createHash} from 'node:crypto'

import {describeError, toHex} from '../bytes.js'
import {type RemoteGpuAppraiser, verifyGpuEvidence} from '../nvidia/verify.js'
import type {VcekSource} from '../snp/kds.js'
import {type AmdProduct, parseSnpReport, productFromCpuid} from '../snp/report.js'
import {type SnpVerifyOptions, verifySnpReport} from '../snp/verify.js'
import type {TdxCollateral} from '../tdx/collateral.js'
import type {CollateralSource} from '../tdx/collateral-source.js'
import {type TdxVerifyOptions, tdxCollateralQuery, verifyTdxQuote} from '../tdx/verify.js'
import {type Check, type Verdict, fail, guarded, pass, skip, verdict, withSubject} from '../verdict.js'
import {isMockGpuReport, isMockReport, mockCpuChecks, mockGpuChecks} from './mock.js'
import {type GpuReport, type QuoteResponse, type TeePlatform, parseQuoteResponse} from './response.js'
import {gpuNonce, tlsBoundReportData} from './tls-binding.js'
import {count} from '../../../lib/plural.js'

export interface AkashVerifyOptions {
  /** The 64 random bytes the tenant sent as `nonce`. */
  nonce: Uint8Array
  /** Whether the request asked for `bind_tls`. */
  bindTls?: boolean
  /** The sidecar's TLS public key (SPKI DER), needed to check a TLS-bound report. */
  tlsPublicKey?: Uint8Array
  at?: Date
  /** How many confidential GPUs the lease pays for; fewer reports (or one GPU twice) fail. */
  expectGpus?: number
  snp?: Omit<SnpVerifyOptions, 'at' | 'expectedReportData'> & {
    /** Asked for the VCEK when none is given (a FileVcekCache, or KDS when the network is allowed). */
    vcekSource?: VcekSource
    /** For v2 reports, which do not name their CPU. */
    product?: AmdProduct
  }
  tdx?: Omit<TdxVerifyOptions, 'at' | 'expectedReportData'> & {collateralSource?: CollateralSource}
  /** Optional remote appraisal of each GPU's evidence (e.g. NVIDIA NRAS); needs the network. */
  gpuAppraiser?: RemoteGpuAppraiser
}

export interface AkashVerdict extends Verdict {
  platform?: TeePlatform
  mock: boolean
}

/**
 * Verifies an AEP-83 quote response end to end: freshness (the nonce, or its TLS binding), the CPU
 * evidence for the claimed platform, and each GPU's evidence. Never throws for bad input: every
 * problem is a failed check.
 */
export async function verifyAkashQuote(response: unknown, options: AkashVerifyOptions): Promise<AkashVerdict> {
  let quote: QuoteResponse
  try {
    quote = parseQuoteResponse(response)
  } catch (error) {
    return {...verdict([fail('quote.parse', describeError(error))]), mock: false}
  }
  if (options.nonce.length !== 64) {
    return {...verdict([fail('quote.parse', `the nonce must be 64 bytes (the sidecar refuses others); ${options.nonce.length} were given`)]), platform: quote.platform, mock: false}
  }
  const checks: Check[] = [
    pass('quote.parse', `AEP-83 quote response: ${quote.platform}${quote.withGpu ? ' with GPUs' : ''}, ${count(quote.gpus.length, 'GPU report')}`, {
      tee_platform: `${quote.platform}${quote.withGpu ? '-gpu' : ''}`,
      report_bytes: String(quote.report.length),
      gpu_reports: String(quote.gpus.length),
      tls_bound: String(quote.tlsBound),
    }),
  ]
  const binding = bindingCheck(quote, options)
  checks.push(binding.check)
  const expected = binding.reportData
  const mock = isMockReport(quote.report)
  if (mock) {
    checks.push(...withSubject(guarded('mock.nonce', () => mockCpuChecks(quote.report, quote.platform, expected)), 'cpu'))
  } else {
    try {
      checks.push(...withSubject(await cpuChecks(quote, expected, options), 'cpu'))
    } catch (error) {
      checks.push({...fail(quote.platform === 'snp' ? 'snp.parse' : 'tdx.parse', `could not evaluate: ${describeError(error)}`), subject: 'cpu'})
    }
  }
  const deviceIds = new Map<GpuReport, string>()
  for (const gpu of quote.gpus) {
    const subject = `gpu ${gpu.deviceIndex}`
    if (isMockGpuReport(gpu.evidence)) {
      checks.push(...withSubject(guarded('mock.nonce', () => mockGpuChecks(gpu.evidence, gpu.deviceIndex, expected)), subject))
      continue
    }
    if (!gpu.certChainPem) {
      checks.push({...fail('gpu.parse', 'the GPU report has no certificate chain after the evidence'), subject})
      continue
    }
    checks.push(
      ...withSubject(
        guarded('gpu.parse', () => {
          const result = verifyGpuEvidence(gpu.evidence, gpu.certChainPem, {at: options.at, expectedNonce: expected && gpuNonce(expected)})
          if (result.deviceId) deviceIds.set(gpu, result.deviceId)
          return result.checks
        }),
        subject,
      ),
    )
    if (options.gpuAppraiser && expected) checks.push(...withSubject(await appraise(options.gpuAppraiser, gpu, gpuNonce(expected)), subject))
  }
  checks.push(...gpuCountChecks(quote, options.expectGpus, deviceIds))
  return {...verdict(checks), platform: quote.platform, mock: mock || quote.gpus.some((g) => isMockGpuReport(g.evidence))}
}

async function appraise(appraiser: RemoteGpuAppraiser, gpu: GpuReport, nonce: Uint8Array): Promise<Check[]> {
  try {
    return await appraiser.appraise(gpu.evidence, gpu.certChainPem, nonce)
  } catch (error) {
    return [fail('gpu.remote', `the remote GPU appraisal failed: ${describeError(error)}`)]
  }
}

function bindingCheck(quote: QuoteResponse, o: AkashVerifyOptions): {check: Check; reportData?: Uint8Array} {
  if (!quote.tlsBound) {
    if (o.bindTls) return {check: fail('quote.tls_binding', 'TLS binding was requested but the provider did not apply it (tls_bound is false)'), reportData: o.nonce}
    return {check: skip('quote.tls_binding', 'not requested: REPORT_DATA must be the nonce itself'), reportData: o.nonce}
  }
  if (!o.tlsPublicKey) {
    return {
      check: fail('quote.tls_binding', "the report is bound to the sidecar's TLS key, which edge was not given (the provider API does not expose it), so its freshness cannot be checked; request the quote without bind_tls"),
    }
  }
  const reportData = tlsBoundReportData(o.tlsPublicKey, o.nonce)
  return {check: pass('quote.tls_binding', 'REPORT_DATA is expected to be SHA-512(sidecar TLS key ‖ nonce)', {tls_key_sha256: createHash('sha256').update(o.tlsPublicKey).digest('hex'), expected_report_data: toHex(reportData)}), reportData}
}

async function cpuChecks(quote: QuoteResponse, expected: Uint8Array | undefined, o: AkashVerifyOptions): Promise<Check[]> {
  if (quote.platform === 'snp') {
    const {vcekSource, product, ...snp} = o.snp ?? {}
    let certificates = snp.certificates ?? (quote.certChain.length > 0 ? [quote.certChain] : [])
    let fetchProblem: string | undefined
    if (certificates.length === 0 && vcekSource) {
      try {
        const report = parseSnpReport(quote.report)
        const p = product ?? productFromCpuid(report)
        if (!p) throw new Error('the report (v2) does not say which AMD product it is from; pass the product')
        const der = await vcekSource.vcek(report, p)
        if (der) certificates = [der]
      } catch (error) {
        fetchProblem = describeError(error)
      }
    }
    const result = verifySnpReport(quote.report, {...snp, certificates, at: o.at, expectedReportData: expected})
    return amend(result.checks, 'snp.signing_key', fetchProblem && ` (getting it failed: ${fetchProblem})`)
  }
  const {collateralSource, ...tdx} = o.tdx ?? {}
  let collateral: TdxCollateral | undefined = tdx.collateral
  let sourceProblem: string | undefined
  if (!collateral && collateralSource) {
    const query = tdxCollateralQuery(quote.report)
    try {
      if (query) collateral = await collateralSource.tdxCollateral(query)
    } catch (error) {
      sourceProblem = describeError(error)
    }
  }
  const result = verifyTdxQuote(quote.report, {...tdx, collateral, at: o.at, expectedReportData: expected})
  return amend(result.checks, 'tdx.collateral', sourceProblem && ` (getting it failed: ${sourceProblem})`)
}

function amend(checks: Check[], id: Check['check'], suffix: string | undefined): Check[] {
  if (!suffix) return checks
  return checks.map((c) => (c.check === id && c.status === 'fail' ? {...c, reason: c.reason + suffix} : c))
}

/**
 * The GPUs the provider claims against the evidence: a GPU platform with no GPU evidence, fewer GPUs
 * than the lease pays for, or one real GPU reported under several device indexes (which would pass
 * every per-GPU check) all fail.
 */
function gpuCountChecks(quote: QuoteResponse, expectGpus: number | undefined, deviceIds: Map<GpuReport, string>): Check[] {
  const count = quote.gpus.length
  if (quote.withGpu && count === 0) return [fail('quote.gpu_count', `the provider claims ${quote.platform}-gpu but sent no GPU evidence`)]
  const seen = new Map<string, number>()
  const repeated: string[] = []
  for (const gpu of quote.gpus) {
    const id = deviceIds.get(gpu)
    if (!id) continue
    if (seen.has(id)) repeated.push(`${id} is reported as device ${seen.get(id)} and ${gpu.deviceIndex}`)
    else seen.set(id, gpu.deviceIndex)
  }
  if (repeated.length > 0) return [fail('quote.gpu_count', `the same GPU is reported more than once: ${repeated.join('; ')}`)]
  if (expectGpus !== undefined && count < expectGpus) return [fail('quote.gpu_count', `the lease pays for ${expectGpus} confidential GPU(s) but the quote has evidence for ${count}`)]
  if (expectGpus !== undefined) return [pass('quote.gpu_count', `evidence for ${count} distinct GPU(s), as the lease pays for`)]
  return count > 0 ? [pass('quote.gpu_count', `evidence for ${count} distinct GPU(s)`)] : []
}
