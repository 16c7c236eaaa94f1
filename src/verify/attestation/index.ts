/**
 * Offline verifiers for TEE attestation evidence (AMD SEV-SNP, Intel TDX, NVIDIA GPU) and Akash's
 * AEP-83 quote responses. Nothing here touches the network unless the caller passes a fetcher in.
 * Everything returns a Verdict: one check per fact, each pass/fail/mock/skip with a reason.
 */
export {type Check, type CheckId, type CheckStatus, type Verdict, overall, verdictLines} from './verdict.js'

export {type AkashVerdict, type AkashVerifyOptions, verifyAkashQuote} from './akash/verify.js'
export {type AkashQuoteResponse, type QuoteResponse, type TeePlatform, parseQuoteResponse, splitGpuReport} from './akash/response.js'
export {type MockQuoteOptions, buildMockQuoteResponse, isMockReport} from './akash/mock.js'
export {gpuNonce, spkiDer, tlsBoundReportData} from './akash/tls-binding.js'

export {type SnpVerdict, type SnpVerifyOptions, verifySnpReport} from './snp/verify.js'
export {type AmdProduct, type SnpReport, parseSnpReport} from './snp/report.js'
export {FileVcekCache, KdsVcekFetcher, type VcekSource, cachedVcekSource, kdsVcekUrl} from './snp/kds.js'

export {DEFAULT_ACCEPTED_TCB, type TdxVerdict, type TdxVerifyOptions, tdxCollateralQuery, verifyTdxQuote} from './tdx/verify.js'
export {type TdxCollateral, collateralFromJson, collateralFromPcs, collateralToJson} from './tdx/collateral.js'
export {type CollateralQuery, type CollateralSource, FileCollateralCache, PcsCollateralFetcher, cachedCollateralSource} from './tdx/collateral-source.js'
export type {TcbStatus} from './tdx/tcb.js'

export {type GpuVerdict, type GpuVerifyOptions, type RemoteGpuAppraiser, verifyGpuEvidence} from './nvidia/verify.js'
