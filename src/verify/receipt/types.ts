/**
 * The receipt format: an in-toto Statement v1 (in-toto/attestation spec/v1/statement.md) whose
 * predicate is edge's own, in a DSSE envelope (spec/v1/envelope.md) signed with the tenant's
 * secp256k1 key. See README.md for the field-by-field description and an example.
 */
import type {VerifyCheck, VerifyStatus} from '../check.js'
import type {AgreementReport} from '../redundant/agreement.js'
import type {DseqText} from '../../protocol/json-fields.js'

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
/**
 * edge's predicate type. A URI that names the format and its version; it is an identifier, not a
 * location that must resolve. A change that breaks readers gets a new version (`/v2`); adding
 * optional fields does not.
 */
export const PREDICATE_TYPE = 'https://edge.dev/receipt/v1'
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json'

export interface Subject {
  name: string
  /** Algorithm → lowercase hex, e.g. `{sha256: '…'}`. */
  digest: Record<string, string>
}

export interface ImageRecord {
  service: string
  /** The reference as written in the SDL (`nginx:1.27`, `ghcr.io/x/y@sha256:…`). */
  image: string
  /** `sha256:<hex>` where known. */
  digest?: string
  /**
   * Whose word the digest is: the provider's (what it reports its containers run; where the SDL
   * pins a digest too, they agree), or the SDL's (pinned; the provider did not confirm it).
   */
  digestSource?: 'sdl' | 'provider'
  /** A provider's digest: `manifest`, the repository's manifest digest (what `image@sha256:` pins), or `config`, the image id. */
  digestOf?: 'manifest' | 'config'
  /** `sha256:<hex>`: what the provider reports it runs where that differs from the digest the SDL pins. */
  providerDigest?: string
  /** The provider runs host processes and ignores the image: no digest describes what ran. */
  notRun?: true
}

export interface ReceiptPredicate {
  network: {chainId: string; name?: string}
  /** The signer: the lease's owner. `pubkey` is the compressed secp256k1 key, base64 (as Cosmos shows it). */
  tenant: {address: string; pubkey: string}
  provider: {address: string; hostUri?: string}
  lease: {owner: string; dseq: DseqText; gseq: number; oseq: number; provider: string; state?: string}
  /** Block heights. `observed`: the chain's height when the receipt was made. */
  heights: {deploymentCreated?: number; leaseCreated: number; leaseClosed?: number; observed?: number}
  /** The manifest version hash (MsgCreateDeployment.hash), lowercase hex. */
  manifest: {version: string}
  sdl?: {sha256: string; name?: string}
  images: ImageRecord[]
  /** Per-block price as a decimal of the base denom (`1.5` uact/block); USD per hour where known. */
  price: {denom: string; perBlock: string; usdPerHour?: string}
  verify?: {status: VerifyStatus; checks: VerifyCheck[]}
  attestation?: {status: string; checks: VerifyCheck[]}
  outputs?: Array<{name: string; sha256: string; provider?: string}>
  redundancy?: AgreementReport
  createdAt: string
  generator: {name: string; version: string}
}

export interface ReceiptStatement {
  _type: typeof STATEMENT_TYPE
  subject: Subject[]
  predicateType: typeof PREDICATE_TYPE
  predicate: ReceiptPredicate
}

export interface DsseSignature {
  /** The signer's bech32 address (`akash1…`). */
  keyid: string
  /** Base64 of the 64-byte r‖s ECDSA signature (low S) over SHA-256(PAE). */
  sig: string
}

export interface DsseEnvelope {
  payloadType: string
  /** Base64 of the statement's JSON bytes. */
  payload: string
  signatures: DsseSignature[]
}
