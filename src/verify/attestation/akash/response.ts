import {EvidenceError, fromBase64} from '../bytes.js'

/**
 * Akash AEP-83 `AttestationQuoteResponse` as the provider gateway returns it (chain-sdk
 * `provider/lease/v1/service.proto`). Byte fields are base64. Protobuf's JSON mapping may use
 * lowerCamelCase names, so both spellings are read.
 */
export interface AkashQuoteResponse {
  report: string
  cert_chain?: string
  tee_platform: string
  auxblob?: string
  gpu_reports?: Array<{device_index?: number; report: string}>
  tls_bound?: boolean
}

export type TeePlatform = 'snp' | 'tdx'

export interface GpuReport {
  deviceIndex: number
  /** SPDM request ‖ response ‖ signature (‖ an optional CEC report), or a mock GPU report. */
  evidence: Uint8Array
  /** The PEM chain the sidecar appended; empty when there was none. */
  certChainPem: string
}

export interface QuoteResponse {
  platform: TeePlatform
  /** `snp-gpu` / `tdx-gpu`: the provider claims confidential GPUs too. */
  withGpu: boolean
  report: Uint8Array
  certChain: Uint8Array
  auxblob: Uint8Array
  gpus: GpuReport[]
  tlsBound: boolean
}

const PEM_MARKER = Buffer.from('-----BEGIN CERTIFICATE-----', 'latin1')

export function parseQuoteResponse(input: unknown): QuoteResponse {
  let json: Record<string, unknown>
  try {
    json = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, unknown>
  } catch {
    throw new EvidenceError('the quote response is not JSON')
  }
  if (!json || typeof json !== 'object') throw new EvidenceError('the quote response is not a JSON object')
  const field = (snake: string, camel: string) => json[snake] ?? json[camel]
  const platformText = String(field('tee_platform', 'teePlatform') ?? field('tee_type', 'teeType') ?? '')
  const match = /^(snp|tdx)(-gpu)?$/.exec(platformText)
  if (!match) throw new EvidenceError(`unknown TEE platform "${platformText}" (expected snp, tdx, snp-gpu or tdx-gpu)`)
  const bytes = (name: string, value: unknown, required: boolean) => {
    if (value === undefined || value === null || value === '') {
      if (required) throw new EvidenceError(`the quote response has no ${name}`)
      return new Uint8Array()
    }
    if (typeof value !== 'string') throw new EvidenceError(`${name} is not a base64 string`)
    return fromBase64(value, name)
  }
  const gpuList = field('gpu_reports', 'gpuReports') ?? []
  if (!Array.isArray(gpuList)) throw new EvidenceError('gpu_reports is not a list')
  return {
    platform: match[1] as TeePlatform,
    withGpu: Boolean(match[2]),
    report: bytes('report', json.report, true),
    certChain: bytes('cert_chain', field('cert_chain', 'certChain'), false),
    auxblob: bytes('auxblob', json.auxblob, false),
    gpus: gpuList.map((g: Record<string, unknown>, i) => {
      const index = g.device_index ?? g.deviceIndex ?? i
      return {deviceIndex: Number(index), ...splitGpuReport(bytes(`gpu_reports[${i}].report`, g.report, true))}
    }),
    tlsBound: field('tls_bound', 'tlsBound') === true,
  }
}

/** The sidecar appends the device's PEM chain to the evidence; split at the first PEM marker. */
export function splitGpuReport(bytes: Uint8Array): {evidence: Uint8Array; certChainPem: string} {
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(PEM_MARKER)
  if (at < 0) return {evidence: bytes, certChainPem: ''}
  return {evidence: bytes.subarray(0, at), certChainPem: Buffer.from(bytes.subarray(at)).toString('latin1')}
}
