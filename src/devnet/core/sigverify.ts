import {type KeyObject, createPublicKey, verify} from 'node:crypto'

import {SignDoc} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

/** secp256k1's group order n, and n/2: the SDK rejects signatures whose s is above it. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n

// DER SubjectPublicKeyInfo header for an id-ecPublicKey on secp256k1 with a compressed point.
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex')

const keyCache = new Map<string, KeyObject | null>()

function keyObject(pubKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubKey).toString('hex')
  let key = keyCache.get(id)
  if (key === undefined) {
    try {
      key = pubKey.length === 33 ? createPublicKey({key: Buffer.concat([SPKI_PREFIX, pubKey]), format: 'der', type: 'spki'}) : null
    } catch {
      key = null
    }
    if (keyCache.size > 20_000) keyCache.clear()
    keyCache.set(id, key)
  }
  return key
}

function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false
  const s = BigInt('0x' + Buffer.from(signature.subarray(32)).toString('hex'))
  return s > 0n && s <= HALF_ORDER
}

/** The SIGN_MODE_DIRECT sign bytes: the encoded SignDoc. */
export function directSignBytes(bodyBytes: Uint8Array, authInfoBytes: Uint8Array, chainId: string, accountNumber: bigint): Uint8Array {
  return SignDoc.encode(
    SignDoc.fromPartial({bodyBytes, authInfoBytes, chainId, accountNumber: BigInt(accountNumber)}),
  ).finish()
}

/**
 * Verifies a 64-byte r‖s secp256k1 signature over SHA-256(signBytes), rejecting high-s
 * signatures as the SDK does. OpenSSL does the curve arithmetic (several times faster than
 * pure JS on this path, which every transaction takes).
 */
export function verifySecp256k1(pubKey: Uint8Array, signBytes: Uint8Array, signature: Uint8Array): boolean {
  if (!isLowS(signature)) return false
  const key = keyObject(pubKey)
  if (!key) return false
  try {
    return verify('sha256', signBytes, {key, dsaEncoding: 'ieee-p1363'}, signature)
  } catch {
    return false
  }
}

/** The same check on libuv's thread pool, so CheckTx can verify off the main thread. */
export function verifySecp256k1Async(pubKey: Uint8Array, signBytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isLowS(signature)) return Promise.resolve(false)
  const key = keyObject(pubKey)
  if (!key) return Promise.resolve(false)
  return new Promise((resolve) => {
    try {
      verify('sha256', signBytes, {key, dsaEncoding: 'ieee-p1363'}, signature, (error, ok) => resolve(!error && ok))
    } catch {
      resolve(false)
    }
  })
}

/**
 * Signatures already verified (in CheckTx), by tx hash and signer: DeliverTx of the same bytes
 * with the same account number and public key need not verify again.
 */
export class VerifiedSignatures {
  private readonly seen = new Map<string, string>()

  private static id(txHash: string, index: number): string {
    return `${txHash}/${index}`
  }

  private static fact(chainId: string, accountNumber: bigint, pubKey: Uint8Array): string {
    return `${chainId}/${accountNumber}/${Buffer.from(pubKey).toString('hex')}`
  }

  remember(txHash: string, index: number, chainId: string, accountNumber: bigint, pubKey: Uint8Array): void {
    if (this.seen.size > 100_000) this.seen.clear()
    this.seen.set(VerifiedSignatures.id(txHash, index), VerifiedSignatures.fact(chainId, accountNumber, pubKey))
  }

  has(txHash: string, index: number, chainId: string, accountNumber: bigint, pubKey: Uint8Array): boolean {
    return this.seen.get(VerifiedSignatures.id(txHash, index)) === VerifiedSignatures.fact(chainId, accountNumber, pubKey)
  }

  forget(txHash: string, signers: number): void {
    for (let i = 0; i < signers; i++) this.seen.delete(VerifiedSignatures.id(txHash, i))
  }
}
