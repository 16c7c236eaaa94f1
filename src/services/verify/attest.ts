/**
 * The TEE part of `edge verify`: a fresh 64-byte nonce, the provider's AEP-83 quote over it, and
 * the offline verifiers (src/verify/attestation). VCEKs and TDX collateral come from edge's cache,
 * fetched from AMD KDS / Intel PCS when not cached and `network` is allowed.
 */
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {cacheDir} from '../../config/paths.js'
import {isEdgeError} from '../../errors.js'
import type {LeaseRef} from '../../provider-client/types.js'
import {FileCollateralCache, FileVcekCache, KdsVcekFetcher, PcsCollateralFetcher, cachedCollateralSource, cachedVcekSource, verifyAkashQuote} from '../../verify/attestation/index.js'
import {type VerifyCheck, failCheck, skipCheck} from '../../verify/check.js'

export interface AttestationOutcome {
  status: string
  mock: boolean
  platform?: string
  checks: VerifyCheck[]
  /** The nonce sent, hex (evidence for the receipt). */
  nonce: string
}

export interface QuoteClient {
  attestationQuote(lease: LeaseRef, request: {nonce: Uint8Array}, signal?: AbortSignal): Promise<unknown>
}

export interface AttestOptions {
  /** The order asks for a TEE: a provider without one then fails instead of skipping. */
  teeRequested: boolean
  expectGpus?: number
  /** Fetch missing VCEKs / collateral from AMD and Intel (default true). */
  network?: boolean
  /** Expected SNP MEASUREMENT (hex), when the tenant knows its guest image's. */
  expectedMeasurement?: string
  env?: NodeJS.ProcessEnv
  nonce?: Uint8Array
  signal?: AbortSignal
}

export async function attestLease(client: QuoteClient, lease: LeaseRef, o: AttestOptions): Promise<AttestationOutcome> {
  const nonce = o.nonce ?? new Uint8Array(randomBytes(64))
  const hex = Buffer.from(nonce).toString('hex')
  let response: unknown
  try {
    response = await client.attestationQuote(lease, {nonce}, o.signal)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const status = isEdgeError(error) ? (error.details?.status as number | undefined) : undefined
    // 501/404 from a provider without a TEE (or an Akash provider without the sidecar): nothing to verify.
    const notTee = status === 501 || status === 404 || status === 405
    const reason = notTee ? `the provider has no TEE evidence for this lease: ${message}` : `the quote request failed: ${message}`
    const check = o.teeRequested || !notTee ? failCheck('quote.request', reason, {http_status: status}) : skipCheck('quote.request', `${reason} (the order does not ask for a TEE)`, {http_status: status})
    return {status: check.status, mock: false, checks: [check], nonce: hex}
  }
  const cache = join(cacheDir(o.env), 'attestation')
  const allowNetwork = o.network ?? true
  const verdict = await verifyAkashQuote(response, {
    nonce,
    ...(o.expectGpus ? {expectGpus: o.expectGpus} : {}),
    snp: {
      vcekSource: cachedVcekSource(new FileVcekCache(join(cache, 'vcek')), allowNetwork ? new KdsVcekFetcher() : undefined),
      ...(o.expectedMeasurement ? {expectedMeasurement: Buffer.from(o.expectedMeasurement, 'hex')} : {}),
    },
    tdx: {collateralSource: cachedCollateralSource(new FileCollateralCache(join(cache, 'tdx')), allowNetwork ? new PcsCollateralFetcher() : undefined)},
  })
  return {status: verdict.status, mock: verdict.mock, ...(verdict.platform ? {platform: verdict.platform} : {}), checks: [...verdict.checks], nonce: hex}
}
