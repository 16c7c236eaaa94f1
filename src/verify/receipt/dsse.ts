/**
 * DSSE (secure-systems-lab/dsse, v1): the signature covers the pre-authentication encoding
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN being the byte length
 * in ASCII decimal. The payload is signed as bytes, so how the JSON is formatted cannot change what
 * was signed, and the type is bound to it.
 */
import {sha256} from '@noble/hashes/sha256'

import type {DsseEnvelope} from './types.js'
import {type ReceiptSigner, verifyDigest} from './key.js'

const utf8 = new TextEncoder()

export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8.encode(payloadType)
  const head = utf8.encode(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `)
  const out = new Uint8Array(head.length + payload.length)
  out.set(head, 0)
  out.set(payload, head.length)
  return out
}

export async function signEnvelope(payloadType: string, payload: Uint8Array, signer: ReceiptSigner): Promise<DsseEnvelope> {
  const sig = await signer.signDigest(sha256(pae(payloadType, payload)))
  return {payloadType, payload: toBase64(payload), signatures: [{keyid: signer.address, sig: toBase64(sig)}]}
}

export function verifyEnvelopeSignature(envelope: DsseEnvelope, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verifyDigest(signature, sha256(pae(envelope.payloadType, payload)), publicKey)
}

export const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

/** Standard or URL-safe base64 (DSSE allows either); undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  // Buffer ignores junk; re-encoding catches input that did not round-trip.
  if (toBase64(bytes).replace(/=+$/, '') !== text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) return undefined
  return new Uint8Array(bytes)
}
