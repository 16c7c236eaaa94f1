/**
 * Provider TLS verification, as Akash's own clients do it (chain-sdk go/provider/client):
 * 1. a certificate that is valid under the system's CAs for the host name is accepted (PKI);
 * 2. otherwise the provider must present one self-signed certificate whose subject and issuer
 *    CN are the provider's account address and whose serial number is registered on chain for
 *    that address (cert module); the presented certificate must be that on-chain certificate
 *    and be within its validity period.
 * edge additionally requires the CN to be the provider it is talking to (Akash's Go client only
 * checks that the CN is *an* address), so a provider cannot stand in for another.
 *
 * The check runs once per endpoint, on a handshake that carries no data. Every later connection
 * (HTTPS and websockets) then pins the result through ordinary TLS options: the on-chain
 * certificate becomes the only trusted root and the CN is checked again in
 * `checkServerIdentity`, so no token is ever sent to a server that was not verified.
 */
import {X509Certificate} from 'node:crypto'
import {isIP} from 'node:net'
import * as tls from 'node:tls'

import {ProviderError} from '../errors.js'
import type {Certificate} from '../market/market.js'

export interface CertificateSource {
  certificates(owner: string, serial?: string): Promise<Certificate[]>
}

/** TLS options every connection to a verified provider uses. */
export interface PinnedTls {
  servername?: string
  ca?: string[]
  rejectUnauthorized: true
  minVersion: tls.SecureVersion
  checkServerIdentity: (host: string, cert: tls.PeerCertificate) => Error | undefined
}

export interface TrustedEndpoint {
  provider: string
  /** https://host:port, without a trailing slash. */
  baseUrl: string
  host: string
  port: number
  mode: 'pki' | 'chain'
  /** Decimal serial, as the cert module stores it. */
  serial: string
  fingerprint256: string
  validTo: string
  tls: PinnedTls
}

export interface TrustOptions {
  provider: string
  hostUri: string
  certificates: CertificateSource
  /** Extra roots trusted for the PKI path (tests; a private CA). */
  extraCa?: string[]
  timeoutMs?: number
  now?: () => Date
}

export function parseHostUri(hostUri: string): {host: string; port: number; baseUrl: string} {
  let url: URL
  try {
    url = new URL(hostUri)
  } catch {
    throw new ProviderError(`The provider's host URI "${hostUri}" is not a URL.`, {code: 'provider_bad_uri'})
  }
  if (url.protocol !== 'https:') {
    throw new ProviderError(`The provider's host URI "${hostUri}" is not https.`, {
      code: 'provider_bad_uri',
      hint: 'Akash providers serve their API over TLS; this provider record is misconfigured.',
    })
  }
  const port = url.port ? Number(url.port) : 443
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return {host, port, baseUrl: `https://${url.host}`}
}

/** Hex serial (node's X509Certificate) → the decimal string the cert module stores. */
export function serialToDecimal(hex: string): string {
  return BigInt('0x' + hex.replace(/[^0-9a-fA-F]/g, '')).toString()
}

function commonName(dn: string): string | undefined {
  for (const line of dn.split('\n')) {
    const m = /^CN=(.*)$/.exec(line.trim())
    if (m) return m[1]
  }
  return undefined
}

function presentedCertificate(hostUri: string, options: TrustOptions): Promise<{authorized: boolean; der: Buffer; error?: string}> {
  const {host, port} = parseHostUri(hostUri)
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ...(isIP(host) ? {} : {servername: host}),
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      ...(options.extraCa ? {ca: [...tls.rootCertificates, ...options.extraCa]} : {}),
    })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new ProviderError(`The provider at ${hostUri} did not complete a TLS handshake in ${options.timeoutMs ?? 5000} ms.`, {code: 'provider_unreachable'}))
    }, options.timeoutMs ?? 5000)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const peer = socket.getPeerCertificate(true)
      let authorized = socket.authorized
      let error = socket.authorizationError ? String(socket.authorizationError) : undefined
      // Node checks the chain but leaves the host name to checkServerIdentity.
      if (authorized && peer?.raw) {
        const mismatch = tls.checkServerIdentity(host, peer)
        if (mismatch) {
          authorized = false
          error = mismatch.message
        }
      }
      socket.end()
      if (!peer?.raw) reject(new ProviderError(`The provider at ${hostUri} presented no certificate.`, {code: 'provider_tls'}))
      else resolve({authorized, der: peer.raw, ...(error ? {error} : {})})
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(
        new ProviderError(`Cannot reach the provider at ${hostUri}: ${error.message}`, {
          code: 'provider_unreachable',
          hint: 'The provider may be down or its host URI wrong; pick another bid or try again later.',
          cause: error,
        }),
      )
    })
  })
}

function tlsError(provider: string, hostUri: string, reason: string): ProviderError {
  return new ProviderError(`The provider at ${hostUri} failed TLS verification: ${reason}.`, {
    code: 'provider_tls',
    hint: `edge only talks to a provider whose certificate is published on chain for ${provider} (or is valid under public CAs). Do not trust this endpoint; choose another provider.`,
    details: {provider, hostUri, reason},
  })
}

/** Verifies the provider's certificate and returns the TLS options that pin it. */
export async function establishTrust(options: TrustOptions): Promise<TrustedEndpoint> {
  const {provider, hostUri} = options
  const {host, port, baseUrl} = parseHostUri(hostUri)
  const presented = await presentedCertificate(hostUri, options)
  const leaf = new X509Certificate(presented.der)
  const servername = isIP(host) ? undefined : host
  const base = {provider, baseUrl, host, port, serial: serialToDecimal(leaf.serialNumber), fingerprint256: leaf.fingerprint256, validTo: leaf.validTo}

  if (presented.authorized) {
    return {
      ...base,
      mode: 'pki',
      tls: {
        ...(servername ? {servername} : {}),
        ...(options.extraCa ? {ca: [...tls.rootCertificates, ...options.extraCa]} : {}),
        rejectUnauthorized: true,
        minVersion: 'TLSv1.3',
        checkServerIdentity: (h, cert) => tls.checkServerIdentity(h, cert),
      },
    }
  }

  const cn = commonName(leaf.subject)
  if (!cn || !/^[a-z]+1[02-9ac-hj-np-z]{38,}$/.test(cn)) {
    throw tlsError(provider, hostUri, `the certificate is not publicly trusted (${presented.error ?? 'unknown issuer'}) and its CN "${cn ?? ''}" is not an account address`)
  }
  if (cn !== provider) throw tlsError(provider, hostUri, `the certificate belongs to ${cn}, not to ${provider}`)
  if (commonName(leaf.issuer) !== cn) throw tlsError(provider, hostUri, 'the certificate is not self-issued by the provider')
  const now = (options.now ?? (() => new Date()))()
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) {
    throw tlsError(provider, hostUri, `the certificate is outside its validity period (${leaf.validFrom} – ${leaf.validTo})`)
  }

  const onChain = (await options.certificates.certificates(provider, base.serial)).filter((c) => c.serial === base.serial)
  const valid = onChain.find((c) => c.state === 'valid')
  if (!valid) {
    throw tlsError(
      provider,
      hostUri,
      onChain.length > 0 ? `certificate serial ${base.serial} was revoked on chain` : `certificate serial ${base.serial} is not registered on chain for ${provider}`,
    )
  }
  let chainCert: X509Certificate
  try {
    chainCert = new X509Certificate(valid.cert)
  } catch {
    throw tlsError(provider, hostUri, 'the on-chain certificate cannot be parsed')
  }
  if (!leaf.raw.equals(chainCert.raw) && !leaf.verify(chainCert.publicKey)) {
    throw tlsError(provider, hostUri, 'the presented certificate does not match the one registered on chain')
  }

  return {
    ...base,
    mode: 'chain',
    tls: {
      ...(servername ? {servername} : {}),
      ca: [valid.cert],
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
      // The on-chain certificate is the only root, so the chain check already pins it; the CN
      // check keeps a provider from presenting another provider's registered certificate.
      checkServerIdentity: (_h, cert) =>
        cert.subject?.CN === provider ? undefined : new Error(`certificate CN ${String(cert.subject?.CN)} is not ${provider}`),
    },
  }
}
