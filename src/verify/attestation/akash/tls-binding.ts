import {KeyObject, X509Certificate, createHash, createPublicKey} from 'node:crypto'

/**
 * With `bind_tls`, the sidecar puts SHA-512(its TLS public key (SPKI DER) ‖ nonce) in REPORT_DATA
 * instead of the nonce, so the report also vouches for the key that terminates the tenant's TLS
 * session (provider `sidecar/attestation/tlsbinding.go`). SHA-512 is exactly the 64 bytes needed.
 */
export function tlsBoundReportData(tlsPublicKeyDer: Uint8Array, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha512').update(tlsPublicKeyDer).update(nonce).digest())
}

/** The SPKI DER of a certificate's, a key's or a PEM's public key, as the binding hashes it. */
export function spkiDer(source: X509Certificate | KeyObject | string | Uint8Array): Uint8Array {
  if (source instanceof Uint8Array) return source
  const key = source instanceof X509Certificate ? source.publicKey : source instanceof KeyObject ? source : source.includes('CERTIFICATE') ? new X509Certificate(source).publicKey : createPublicKey(source)
  return new Uint8Array(key.export({type: 'spki', format: 'der'}))
}

/** The GPU's SPDM nonce is 32 bytes: the sidecar passes it the first half of REPORT_DATA. */
export function gpuNonce(reportData: Uint8Array): Uint8Array {
  return reportData.subarray(0, 32)
}
