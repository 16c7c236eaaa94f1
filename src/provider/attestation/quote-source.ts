/**
 * Where `edge provide` gets the TEE evidence it answers AEP-83 quote requests with
 * (`POST /lease/{dseq}/{gseq}/{oseq}/attestation/quote`). Three kinds, chosen once at start-up:
 *
 * - `configfs-tsm`: the host is itself a confidential VM (AMD SEV-SNP or Intel TDX guest) with the
 *   kernel's generic report interface, `/sys/kernel/config/tsm/report` (Linux ≥ 6.7, configfs
 *   mounted, and the provider allowed to create directories there — usually root). One fresh
 *   directory per request: the 64-byte REPORT_DATA is written to `inblob` in one write, the signed
 *   report read from `outblob` (what Akash's attestation sidecar does, `tee/configfs.go`). The
 *   evidence is of the whole VM the provider and its containers run in, not of one lease: edge runs
 *   leases as containers, not one confidential VM per lease as Akash's Kata runtime does.
 * - `mock` (edge dev only): Akash's `--attestation-mock` reports byte for byte, so `edge verify`
 *   and `akt` both read them as MOCK; they prove nothing and are never reported as verified.
 * - `none`: not a TEE. The request is refused with the reason, never answered with made-up evidence.
 *
 * `/dev/sev-guest` and `/dev/tdx_guest` alone (without configfs-tsm) need ioctls Node cannot make;
 * such a host is reported as "not usable" with what to enable.
 */
import * as nodeFs from 'node:fs'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {buildMockQuoteResponse} from '../../verify/attestation/akash/mock.js'
import type {AkashQuoteResponse, TeePlatform} from '../../verify/attestation/akash/response.js'

export const TSM_REPORT_DIR = '/sys/kernel/config/tsm/report'

export type QuoteAnswer = {ok: true; response: AkashQuoteResponse} | {ok: false; status: number; message: string}

export interface QuoteSource {
  readonly kind: 'configfs-tsm' | 'mock' | 'none'
  /** `reportData`: the 64 bytes to bind (the tenant's nonce). `gpus`: GPUs the lease holds (mock only). */
  quote(reportData: Uint8Array, lease: {gpus: number}): Promise<QuoteAnswer>
}

/** edge dev: an explicit MOCK, in the sidecar's format. */
export function mockQuoteSource(platform: TeePlatform = 'snp'): QuoteSource {
  return {
    kind: 'mock',
    quote: async (reportData, lease) => ({ok: true, response: buildMockQuoteResponse({platform, reportData, gpus: lease.gpus})}),
  }
}

/** The host's own TEE when it has one (configfs-tsm), else a source that refuses with the reason. */
export function hostQuoteSource(options: {root?: string} = {}): QuoteSource {
  const root = options.root ?? ''
  const tsm = root + TSM_REPORT_DIR
  if (existsSync(tsm)) return configfsTsmSource(tsm)
  const devices = ['/dev/sev-guest', '/dev/tdx_guest'].filter((d) => existsSync(root + d))
  const message =
    devices.length > 0
      ? `attestation quote failed: this host has ${devices.join(' and ')} but no ${TSM_REPORT_DIR} (configfs-tsm), which edge needs to read reports: use Linux 6.7 or later with configfs mounted (mount -t configfs none /sys/kernel/config)`
      : `attestation quote failed: this provider is not a TEE (no ${TSM_REPORT_DIR}, /dev/sev-guest or /dev/tdx_guest): it has no hardware evidence to give`
  return {kind: 'none', quote: async () => ({ok: false, status: 501, message})}
}

/** The file operations configfs-tsm is driven with (node:fs; a fake in tests, since only a confidential VM has the real one). */
export type TsmFs = Pick<typeof nodeFs, 'mkdirSync' | 'readFileSync' | 'writeFileSync' | 'rmdirSync'>

export function configfsTsmSource(base: string, fs: TsmFs = nodeFs): QuoteSource {
  const {mkdirSync, readFileSync, rmdirSync, writeFileSync} = fs
  let platform: TeePlatform | undefined
  return {
    kind: 'configfs-tsm',
    async quote(reportData) {
      const dir = join(base, `edge-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2, 10)}`)
      try {
        mkdirSync(dir, {mode: 0o700})
      } catch (error) {
        return {ok: false, status: 503, message: `attestation quote failed: cannot create a report in ${base} (${(error as Error).message}); the provider needs write access to configfs-tsm`}
      }
      try {
        platform ??= readFileSync(join(dir, 'provider'), 'utf8').trim() === 'tdx_guest' ? 'tdx' : 'snp'
        writeFileSync(join(dir, 'inblob'), reportData)
        const report = readFileSync(join(dir, 'outblob'))
        let aux: Buffer = Buffer.alloc(0)
        try {
          aux = readFileSync(join(dir, 'auxblob'))
        } catch {
          // auxblob is optional (absent on TDX, empty on most SNP kernels)
        }
        return {ok: true, response: {report: report.toString('base64'), cert_chain: '', tee_platform: platform, auxblob: aux.toString('base64'), gpu_reports: [], tls_bound: false}}
      } catch (error) {
        return {ok: false, status: 503, message: `attestation quote failed: the TEE did not produce a report (${(error as Error).message})`}
      } finally {
        // configfs entries go with rmdir (their attribute files cannot be unlinked).
        try {
          rmdirSync(dir)
        } catch {
          // already gone
        }
      }
    },
  }
}
