/**
 * The tenant's key, as receipts use it: a Cosmos secp256k1 key. The address is bech32(prefix,
 * ripemd160(sha256(compressed pubkey))), as the chain derives it, so anyone can check that a
 * public key belongs to an address without trusting the receipt. Signatures are ECDSA over
 * SHA-256 with a low S, 64 bytes r‖s: what ES256K (RFC 8812) and Cosmos transactions use.
 */
import {fromBech32, toBech32} from '@cosmjs/encoding'
import {secp256k1} from '@noble/curves/secp256k1'
import {ripemd160} from '@noble/hashes/ripemd160'
import {sha256} from '@noble/hashes/sha256'

export interface ReceiptSigner {
  /** bech32 account address (`akash1…`). */
  readonly address: string
  /** Compressed secp256k1 public key, 33 bytes. */
  readonly publicKey: Uint8Array
  /** Signs a 32-byte SHA-256 digest: 64 bytes r‖s, low S. */
  signDigest(digest: Uint8Array): Uint8Array | Promise<Uint8Array>
}

export function addressOf(publicKey: Uint8Array, prefix = 'akash'): string {
  return toBech32(prefix, ripemd160(sha256(publicKey)))
}

/** The bech32 prefix of an address (`akash`), or undefined when it is not bech32. */
export function prefixOf(address: string): string | undefined {
  try {
    return fromBech32(address).prefix
  } catch {
    return undefined
  }
}

/**
 * A signer over a private key held in a closure: the key is not a property, so the signer cannot
 * leak it through JSON, logging or object inspection. The caller derives the key (config/mnemonic.ts
 * `deriveKey`) and should drop its own reference after this call.
 */
export function secp256k1Signer(privateKey: Uint8Array, prefix = 'akash'): ReceiptSigner {
  if (!secp256k1.utils.isValidPrivateKey(privateKey)) throw new Error('not a valid secp256k1 private key')
  const key = new Uint8Array(privateKey)
  const publicKey = secp256k1.getPublicKey(key, true)
  const address = addressOf(publicKey, prefix)
  return Object.freeze({
    address,
    publicKey,
    signDigest: (digest: Uint8Array) => secp256k1.sign(digest, key, {lowS: true}).toCompactRawBytes(),
    toJSON: () => ({address}),
  })
}

/** Verifies a 64-byte r‖s signature (high S refused, as Cosmos refuses it) over a digest. */
export function verifyDigest(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return signature.length === 64 && secp256k1.verify(signature, digest, publicKey, {lowS: true})
  } catch {
    return false
  }
}

/** A 33-byte compressed key that is a point on the curve. */
export function isPublicKey(bytes: Uint8Array): boolean {
  if (bytes.length !== 33) return false
  try {
    secp256k1.ProjectivePoint.fromHex(bytes)
    return true
  } catch {
    return false
  }
}
