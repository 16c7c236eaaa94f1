import {createHash} from 'node:crypto'

import {ByteReader, equalBytes, isZero, toBase64, toHex} from '../bytes.js'
import {type Check, fail, mock} from '../verdict.js'
import type {AkashQuoteResponse, TeePlatform} from './response.js'

/**
 * The synthetic reports of the Akash provider's `--attestation-mock` sidecar mode (provider
 * `sidecar/attestation/tee/mock.go`), byte for byte, so `akt` and edge read each other's mocks.
 * CPU: "MOCK" ‖ u32le size ‖ "SNP\0"|"TDX\0" ‖ u32le unix time ‖ zeros ‖ report_data at [80,144) ‖
 * SHA-256(report_data) at [144,176) ‖ zeros; 1184 bytes (SNP) or 1024 (TDX).
 * GPU: "MGPU" ‖ u32le 512 ‖ u32le device index ‖ nonce at [12,76) ‖ SHA-256(nonce) at [76,108) ‖ zeros.
 * Nothing is signed: a mock proves only that the nonce came back.
 */
const CPU_MAGIC = 'MOCK'
const GPU_MAGIC = 'MGPU'
const CPU_SIZE: Record<TeePlatform, number> = {snp: 1184, tdx: 1024}
const GPU_SIZE = 512

export function isMockReport(bytes: Uint8Array): boolean {
  return magic(bytes) === CPU_MAGIC
}

export function isMockGpuReport(bytes: Uint8Array): boolean {
  return magic(bytes) === GPU_MAGIC
}

function magic(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 4)).toString('latin1')
}

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())

export function buildMockReport(platform: TeePlatform, reportData: Uint8Array, now = new Date()): Uint8Array {
  const out = Buffer.alloc(CPU_SIZE[platform])
  out.write(CPU_MAGIC, 0, 'latin1')
  out.writeUInt32LE(out.length, 4)
  out.write(platform === 'snp' ? 'SNP\0' : 'TDX\0', 8, 'latin1')
  out.writeUInt32LE(Math.floor(now.getTime() / 1000) >>> 0, 12)
  out.set(reportData.subarray(0, 64), 80)
  out.set(sha256(reportData.subarray(0, 64)), 144)
  return new Uint8Array(out)
}

export function buildMockGpuReport(deviceIndex: number, nonce: Uint8Array): Uint8Array {
  const out = Buffer.alloc(GPU_SIZE)
  out.write(GPU_MAGIC, 0, 'latin1')
  out.writeUInt32LE(GPU_SIZE, 4)
  out.writeUInt32LE(deviceIndex, 8)
  out.set(nonce.subarray(0, 64), 12)
  out.set(sha256(nonce.subarray(0, 64)), 76)
  return new Uint8Array(out)
}

export interface MockQuoteOptions {
  platform: TeePlatform
  /** The 64-byte REPORT_DATA to echo: the tenant's nonce, or its TLS binding. */
  reportData: Uint8Array
  gpus?: number
  tlsBound?: boolean
  now?: Date
}

/** What `edge provide` answers on `edge dev`: an explicit mock, in the response format providers use. */
export function buildMockQuoteResponse(o: MockQuoteOptions): AkashQuoteResponse {
  const gpus = o.gpus ?? 0
  return {
    report: toBase64(buildMockReport(o.platform, o.reportData, o.now)),
    cert_chain: '',
    tee_platform: gpus > 0 ? `${o.platform}-gpu` : o.platform,
    auxblob: '',
    gpu_reports: Array.from({length: gpus}, (_, i) => ({device_index: i, report: toBase64(buildMockGpuReport(i, o.reportData))})),
    tls_bound: o.tlsBound ?? false,
  }
}

const MOCK_WARNING = 'nothing in it is signed, so it proves nothing about the hardware or what runs on it'

export function mockCpuChecks(bytes: Uint8Array, platform: TeePlatform, expected: Uint8Array | undefined): Check[] {
  const r = new ByteReader(bytes, 'mock report')
  const kind = Buffer.from(r.slice(8, 3)).toString('latin1').toLowerCase()
  const size = r.u32(4)
  const reportData = r.slice(80, 64)
  const evidence = {platform: kind, created: new Date(r.u32(12) * 1000).toISOString(), report_data: toHex(reportData)}
  const checks: Check[] = [mock('mock.report', `MOCK ${kind.toUpperCase()} report from a development provider (--attestation-mock): ${MOCK_WARNING}`, evidence)]
  const wellFormed = size === bytes.length && size === CPU_SIZE[platform] && kind === platform && isZero(r.slice(16, 64)) && equalBytes(r.slice(144, 32), sha256(reportData)) && isZero(r.slice(176, bytes.length - 176))
  if (!wellFormed) return [...checks, fail('mock.nonce', `the mock report is malformed (size ${size}, platform "${kind}" for ${platform}, or a wrong digest)`)]
  return [...checks, nonceVerdict(reportData, expected)]
}

export function mockGpuChecks(bytes: Uint8Array, deviceIndex: number, expected: Uint8Array | undefined): Check[] {
  const r = new ByteReader(bytes, 'mock GPU report')
  const nonce = r.slice(12, 64)
  const checks: Check[] = [mock('mock.report', `MOCK GPU report for device ${r.u32(8)}: ${MOCK_WARNING}`, {nonce: toHex(nonce)})]
  const wellFormed = bytes.length === GPU_SIZE && r.u32(4) === GPU_SIZE && r.u32(8) === deviceIndex && equalBytes(r.slice(76, 32), sha256(nonce))
  if (!wellFormed) return [...checks, fail('mock.nonce', 'the mock GPU report is malformed (size, device index or digest)')]
  return [...checks, nonceVerdict(nonce, expected)]
}

function nonceVerdict(echoed: Uint8Array, expected: Uint8Array | undefined): Check {
  if (!expected) return fail('mock.nonce', 'the expected REPORT_DATA is unknown, so even the nonce echo cannot be checked')
  return equalBytes(echoed, expected)
    ? mock('mock.nonce', 'the mock echoes this request’s nonce (which is all a mock can show)')
    : fail('mock.nonce', 'the mock does not echo this request’s nonce', {echoed: toHex(echoed), expected: toHex(expected)})
}
