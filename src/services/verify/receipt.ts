/**
 * `edge receipt DSEQ` and `edge receipt verify FILE`: a signed record of what a lease ran, built from
 * the chain (lease, heights, price, manifest version), the provider (images as it runs them), the
 * SDL file the ledger remembers, and optionally a fresh `edge verify`; and its verification by
 * anyone against a chain endpoint (src/verify/receipt does the cryptography and the comparisons).
 */
import {existsSync, readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {UsageError} from '../../errors.js'
import {isLeaseLive, type Lease} from '../../market/market.js'
import type {MarketQueries} from '../../market/market.js'
import type {ImageRecord} from '../../verify/receipt/index.js'
import type {AgreementReport} from '../../verify/redundant/agreement.js'
import {type DsseEnvelope, type ReceiptVerdict, createReceipt, receiptChainFromMarket, secp256k1Signer, sha256Hex, verifyReceipt} from '../../verify/receipt/index.js'
import type {TenantContext} from '../lease/context.js'
import {requireDeployment} from '../lease/lease.js'
import {providerClient} from '../lease/provider-client.js'
import {manifestServices} from './claims.js'
import {type ReceiptImages, receiptImages} from './receipt-images.js'
import type {VerifyResult} from './verify-lease.js'

export interface ReceiptRequest {
  dseq: bigint
  /** The lease's provider, when the deployment has several leases. */
  provider?: string
  /** `edge verify`'s result, to record (probe and demand under `verify`, TEE under `attestation`). */
  verify?: VerifyResult
  /** The SDL file; default: the one the ledger recorded at deploy time, when it still exists. */
  sdlFile?: string
  outputs?: Array<{name: string; sha256: string; provider?: string}>
  /** `edge deploy --redundant`: the k-of-n agreement of the outputs. */
  redundancy?: AgreementReport
  generatorVersion?: string
  signal?: AbortSignal
}

export interface ReceiptResult {
  envelope: DsseEnvelope
  dseq: bigint
  provider: string
  /** What the receipt says, in short. */
  summary: {chainId: string; leaseCreated: number; leaseClosed?: number; manifestVersion: string; images: ImageRecord[]; sdlSha256?: string; verify?: string; attestation?: string}
  /** Facts edge could not get (the provider unreachable for images, the SDL file gone). */
  missing: string[]
  /** Facts that disagree (an image the SDL pins that the provider says it does not run). */
  warnings: string[]
}

const ATTESTATION_CHECK = /^(quote|mock|snp|tdx|gpu)\./

export async function makeReceipt(ctx: TenantContext, request: ReceiptRequest): Promise<ReceiptResult> {
  if (!ctx.key) throw new Error('makeReceipt needs a context opened with sign: true')
  const deployment = await requireDeployment(ctx, request.dseq)
  const leases = (await ctx.market.leases({owner: ctx.owner, dseq: request.dseq})).filter((l) => !request.provider || l.id.provider === request.provider)
  const lease = leases.find(isLeaseLive) ?? leases[0]
  if (!lease) {
    throw new UsageError(`Deployment ${request.dseq} has ${request.provider ? `no lease with ${request.provider}` : 'no lease'}: there is nothing to make a receipt of.`, {code: 'no_lease'})
  }
  const [provider, block] = await Promise.all([ctx.market.provider(lease.id.provider), ctx.market.latestBlock()])
  const missing: string[] = []
  const warnings: string[] = []
  const images = await leaseImages(ctx, lease, provider?.hostUri, request.signal).then(
    (found) => {
      missing.push(...found.missing)
      warnings.push(...found.warnings)
      return found.images
    },
    (error: unknown) => {
      missing.push(`images: the provider did not say (${error instanceof Error ? error.message : String(error)})`)
      return [] as ImageRecord[]
    },
  )
  const sdlFile = request.sdlFile ?? ctx.ledger.get(ctx.network.name, ctx.owner, request.dseq)?.file
  let sdl: {bytes: Uint8Array; name: string} | undefined
  if (sdlFile && existsSync(sdlFile)) sdl = {bytes: readFileSync(sdlFile), name: basename(sdlFile)}
  else missing.push(sdlFile ? `sdl: ${sdlFile} no longer exists` : 'sdl: edge has no record of the SDL file')
  const checks = request.verify?.checks.filter((c) => c.provider === lease.id.provider) ?? []
  const strip = ({provider: _p, service, ...c}: (typeof checks)[number]) => ({...c, ...(service && !c.subject ? {subject: service} : service ? {subject: `${service} ${c.subject}`} : {})})
  const verifyChecks = checks.filter((c) => !ATTESTATION_CHECK.test(c.check)).map(strip)
  const attestationChecks = checks.filter((c) => ATTESTATION_CHECK.test(c.check)).map(strip)
  const attestation = request.verify?.leases.find((l) => l.provider === lease.id.provider)?.attestation
  const closed = lease.closedOn > 0 ? lease.closedOn : undefined
  const envelope = await createReceipt(
    {
      network: {chainId: ctx.network.chainId, name: ctx.network.name},
      provider: {address: lease.id.provider, ...(provider?.hostUri ? {hostUri: provider.hostUri} : {})},
      lease: {owner: lease.id.owner, dseq: lease.id.dseq, gseq: lease.id.gseq, oseq: lease.id.oseq, state: lease.state},
      heights: {deploymentCreated: deployment.createdAt, leaseCreated: lease.createdAt, ...(closed ? {leaseClosed: closed} : {}), observed: block.height},
      manifestVersion: deployment.hash,
      ...(sdl ? {sdl} : {}),
      images,
      price: {denom: lease.price.denom, perBlockScaled: lease.price.amount},
      ...(request.verify ? {verify: {status: worst(verifyChecks), checks: verifyChecks}} : {}),
      ...(request.verify && attestationChecks.length > 0 ? {attestation: {status: attestation?.mock ? 'mock' : worst(attestationChecks), checks: attestationChecks}} : {}),
      ...(request.outputs?.length ? {outputs: request.outputs} : {}),
      ...(request.redundancy ? {redundancy: request.redundancy} : {}),
      generator: {name: 'edge', version: request.generatorVersion ?? '0.0.0'},
    },
    secp256k1Signer(ctx.key.privkey, ctx.network.bech32Prefix),
  )
  return {
    envelope,
    dseq: request.dseq,
    provider: lease.id.provider,
    summary: {
      chainId: ctx.network.chainId,
      leaseCreated: lease.createdAt,
      ...(closed ? {leaseClosed: closed} : {}),
      manifestVersion: Buffer.from(deployment.hash).toString('hex'),
      images,
      ...(sdl ? {sdlSha256: sha256Hex(sdl.bytes)} : {}),
      ...(request.verify ? {verify: worst(verifyChecks)} : {}),
      ...(attestation ? {attestation: attestation.mock ? 'mock' : attestation.status} : {}),
    },
    missing,
    warnings,
  }
}

/**
 * Images as the provider runs them: the services of the manifest it applies, with the digests its
 * lease status reports (receipt-images.ts weighs them against digests the SDL pins).
 */
async function leaseImages(ctx: TenantContext, lease: Lease, hostUri: string | undefined, signal?: AbortSignal): Promise<ReceiptImages> {
  if (!hostUri || !isLeaseLive(lease)) throw new Error('the lease is not running')
  const client = providerClient(ctx, {owner: lease.id.provider, hostUri, attributes: []}, lease.id.dseq)
  const ref = {owner: lease.id.owner, provider: lease.id.provider, dseq: lease.id.dseq, gseq: lease.id.gseq, oseq: lease.id.oseq}
  const [manifest, status] = await Promise.all([
    client.leaseManifest(ref, signal),
    client.leaseStatus(ref, signal).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
  ])
  return receiptImages(manifestServices(manifest), status)
}

function worst(checks: ReadonlyArray<{status: string}>): 'pass' | 'fail' | 'warn' | 'skip' | 'mock' {
  const rank = ['skip', 'pass', 'warn', 'mock', 'fail'] as const
  let w = 0
  for (const c of checks) w = Math.max(w, rank.indexOf(c.status as (typeof rank)[number]))
  return rank[w]
}

/** Checks a receipt file against the market's chain (the network the command uses); without a market, only its signature and signer. */
export async function verifyReceiptFile(market: Pick<MarketQueries, 'chainId' | 'account' | 'leases' | 'deployment'> | undefined, file: string, options: {expectedSigner?: string} = {}): Promise<ReceiptVerdict> {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist.`, {hint: 'Give the file `edge receipt DSEQ --out FILE` wrote.'})
  return verifyReceipt(readFileSync(file, 'utf8'), {...(market ? {chain: receiptChainFromMarket(market)} : {}), ...(options.expectedSigner ? {expectedSigner: options.expectedSigner} : {})})
}
