import {X509Certificate} from 'node:crypto'

import {isAccAddress} from './jwt.js'

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'

export interface OnChainCertificate {
  state: 'valid' | 'revoked'
  certPem: string
}

export type ClientCertResult = {ok: true; owner: string} | {ok: false; message: string}

/**
 * Legacy mTLS: the tenant's certificate must be self-signed with CN = its address (issuer CN the
 * same), be on chain under its serial and not revoked, be signed by the on-chain key, be within its
 * validity and allow client auth (chain-sdk go/util/tls ValidatePeerCertificates). Unlike Akash,
 * the check runs after the handshake so a bad certificate gets a 401 naming the problem instead
 * of a bare TLS failure (field.md pain 6).
 */
export async function verifyClientCertificate(
  cert: X509Certificate,
  lookup: (owner: string, serial: string) => Promise<OnChainCertificate | undefined>,
  now: Date = new Date(),
): Promise<ClientCertResult> {
  const cn = commonName(cert.subject)
  if (!cn || !isAccAddress(cn)) return {ok: false, message: 'tls: invalid certificate subject common name (must be an akash address)'}
  if (commonName(cert.issuer) !== cn) return {ok: false, message: 'tls: certificate issuer must equal its subject'}
  let serial: string
  try {
    serial = BigInt('0x' + cert.serialNumber).toString()
  } catch {
    return {ok: false, message: 'tls: invalid certificate serial number'}
  }
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    return {ok: false, message: `tls: client certificate ${serial} is not valid now (valid ${cert.validFrom} to ${cert.validTo})`}
  }
  const eku = cert.keyUsage
  if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH_OID)) return {ok: false, message: 'tls: client certificate does not allow client authentication'}
  const onChain = await lookup(cn, serial)
  if (!onChain) return {ok: false, message: `tls: client certificate ${serial} of ${cn} is not on chain (publish it with MsgCreateCertificate)`}
  if (onChain.state !== 'valid') return {ok: false, message: `tls: client certificate ${serial} of ${cn} is revoked`}
  let chainCert: X509Certificate
  try {
    chainCert = new X509Certificate(onChain.certPem)
  } catch {
    return {ok: false, message: 'tls: failed to decode onchain certificate'}
  }
  if (!cert.verify(chainCert.publicKey)) return {ok: false, message: `tls: client certificate ${serial} is not signed by the on-chain key`}
  return {ok: true, owner: cn}
}

/** `CN=…` out of Node's multi-line distinguished name. */
export function commonName(dn: string | undefined): string | undefined {
  if (!dn) return undefined
  for (const line of dn.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3)
  }
  return undefined
}
