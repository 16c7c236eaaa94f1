/**
 * Building and signing a receipt. The statement's subjects are the things the receipt is about,
 * each by digest (the manifest, the SDL, images with a known digest, outputs); the predicate is what happened to
 * them on which lease. The signer fills in the tenant, so a receipt cannot name one key and be
 * signed by another.
 */
import {sha256} from '@noble/hashes/sha256'

import {decHuman} from '../../sdl/dec.js'
import type {VerifyCheck, VerifyStatus} from '../check.js'
import type {AgreementReport} from '../redundant/agreement.js'
import {signEnvelope, toBase64} from './dsse.js'
import type {ReceiptSigner} from './key.js'
import {type DsseEnvelope, type ImageRecord, PAYLOAD_TYPE, PREDICATE_TYPE, type ReceiptPredicate, type ReceiptStatement, STATEMENT_TYPE, type Subject} from './types.js'

export interface ReceiptInput {
  network: {chainId: string; name?: string}
  provider: {address: string; hostUri?: string}
  lease: {owner: string; dseq: bigint | string; gseq: number; oseq: number; state?: string}
  heights: ReceiptPredicate['heights']
  /** The manifest version hash: 32 bytes, or 64 hex digits. */
  manifestVersion: Uint8Array | string
  /** The SDL file's bytes (hashed here) or its SHA-256 hex. */
  sdl?: {bytes?: Uint8Array | string; sha256?: string; name?: string}
  images?: ImageRecord[]
  /** Per-block price, base denom × 10^18 (as protocol/money.ts holds it); USD per hour × 10^18 where known. */
  price: {denom: string; perBlockScaled: bigint; usdPerHourScaled?: bigint}
  verify?: {status: VerifyStatus; checks: VerifyCheck[]}
  attestation?: {status: string; checks: VerifyCheck[]}
  outputs?: Array<{name: string; sha256: string; provider?: string}>
  redundancy?: AgreementReport
  createdAt?: Date
  generator?: {name: string; version: string}
}

export const sha256Hex = (data: Uint8Array | string) => Buffer.from(sha256(typeof data === 'string' ? new TextEncoder().encode(data) : data)).toString('hex')

const HEX64 = /^[0-9a-f]{64}$/

function hex32(value: Uint8Array | string, what: string): string {
  const hex = typeof value === 'string' ? value.toLowerCase().replace(/^sha256:/, '') : Buffer.from(value).toString('hex')
  if (!HEX64.test(hex)) throw new Error(`${what} must be a SHA-256 (32 bytes or 64 hex digits)`)
  return hex
}

export function buildReceiptStatement(input: ReceiptInput, tenant: {address: string; publicKey: Uint8Array}): ReceiptStatement {
  const version = hex32(input.manifestVersion, 'the manifest version')
  const sdlHash = input.sdl?.sha256 ? hex32(input.sdl.sha256, 'the SDL hash') : input.sdl?.bytes !== undefined ? sha256Hex(input.sdl.bytes) : undefined
  const images = (input.images ?? []).map((i) => ({
    ...i,
    ...(i.digest ? {digest: `sha256:${hex32(i.digest, `the digest of ${i.image}`)}`} : {}),
    ...(i.providerDigest ? {providerDigest: `sha256:${hex32(i.providerDigest, `the provider's digest of ${i.image}`)}`} : {}),
  }))
  const outputs = (input.outputs ?? []).map((o) => ({...o, sha256: hex32(o.sha256, `the hash of output ${o.name}`)}))

  const subject: Subject[] = [{name: 'manifest', digest: {sha256: version}}]
  if (sdlHash) subject.push({name: input.sdl?.name ? `sdl:${input.sdl.name}` : 'sdl', digest: {sha256: sdlHash}})
  // An image's subject is named by its reference (without a pinned digest); an image id is not
  // what `image@sha256:` resolves to, so a config digest's subject says so in its name.
  for (const i of images) {
    if (!i.digest) continue
    const name = i.image.replace(/@sha256:[0-9a-f]+$/i, '')
    subject.push({name: i.digestOf === 'config' ? `image-config:${name}` : name, digest: {sha256: i.digest.slice('sha256:'.length)}})
  }
  for (const o of outputs) subject.push({name: `output:${o.name}${o.provider ? `@${o.provider}` : ''}`, digest: {sha256: o.sha256}})

  const predicate: ReceiptPredicate = {
    network: {chainId: input.network.chainId, ...(input.network.name ? {name: input.network.name} : {})},
    tenant: {address: tenant.address, pubkey: toBase64(tenant.publicKey)},
    provider: {address: input.provider.address, ...(input.provider.hostUri ? {hostUri: input.provider.hostUri} : {})},
    lease: {
      owner: input.lease.owner,
      dseq: input.lease.dseq.toString(),
      gseq: input.lease.gseq,
      oseq: input.lease.oseq,
      provider: input.provider.address,
      ...(input.lease.state ? {state: input.lease.state} : {}),
    },
    heights: input.heights,
    manifest: {version},
    ...(sdlHash ? {sdl: {sha256: sdlHash, ...(input.sdl?.name ? {name: input.sdl.name} : {})}} : {}),
    images,
    price: {
      denom: input.price.denom,
      perBlock: decHuman(input.price.perBlockScaled),
      ...(input.price.usdPerHourScaled !== undefined ? {usdPerHour: decHuman(input.price.usdPerHourScaled)} : {}),
    },
    ...(input.verify ? {verify: input.verify} : {}),
    ...(input.attestation ? {attestation: input.attestation} : {}),
    ...(outputs.length > 0 ? {outputs} : {}),
    ...(input.redundancy ? {redundancy: input.redundancy} : {}),
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    generator: input.generator ?? {name: 'edge', version: 'unknown'},
  }
  return {_type: STATEMENT_TYPE, subject, predicateType: PREDICATE_TYPE, predicate}
}

/** Builds the statement for this signer and signs it: the receipt file's content. */
export async function createReceipt(input: ReceiptInput, signer: ReceiptSigner): Promise<DsseEnvelope> {
  if (input.lease.owner !== signer.address) {
    throw new Error(`the lease is owned by ${input.lease.owner}; a receipt for it must be signed by that key, not ${signer.address}`)
  }
  const statement = buildReceiptStatement(input, signer)
  return signEnvelope(PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(statement)), signer)
}

/** The envelope as the receipt file holds it (pretty JSON; the signed bytes are inside `payload`). */
export function serializeReceipt(envelope: DsseEnvelope): string {
  return `${JSON.stringify(envelope, null, 2)}\n`
}

/** The statement inside an envelope, decoded without any check (for display; verify first). */
export function decodeStatement(envelope: DsseEnvelope): unknown {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'))
}
