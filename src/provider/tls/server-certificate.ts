import {X509Certificate, createPrivateKey, webcrypto} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {join} from 'node:path'

import {UsageError} from '../../errors.js'
import type {Sealer} from '../state/sealing.js'

export interface ServerCertificate {
  certPem: string
  /** PKCS#8 PEM; held in memory only (sealed on disk). */
  keyPem: string
  /** The chain's form of the serial: a decimal integer. */
  serial: string
  notAfter: Date
  /** Where it came from: generated here, reused from disk, or the operator's files. */
  source: 'generated' | 'stored' | 'files'
}

/** What the certificate module needs from the chain. */
export interface CertificateChain {
  /** Valid on-chain certificates of an owner with this serial. */
  certificateState(owner: string, serial: string): Promise<'valid' | 'revoked' | 'missing'>
  /** MsgCreateCertificate (cert PEM, public key PEM as "EC PUBLIC KEY"). */
  publish(certPem: string, pubkeyPem: string): Promise<void>
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000
const VALID_DAYS = 365

/**
 * A self-signed server certificate as Akash providers use (chain-sdk go/util/tls): ECDSA P-256,
 * subject and issuer CN = the provider address plus Akash's auth-version OID, serial = the
 * creation time in nanoseconds, client and server auth, SANs for the host URI's host — published
 * on chain with MsgCreateCertificate so tenants can check it by serial.
 */
export async function generateServerCertificate(address: string, hosts: string[], now = new Date()): Promise<{certPem: string; keyPem: string; pubkeyPem: string; serial: string; notAfter: Date}> {
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const alg = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'}
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair
  const serial = BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000))
  const notAfter = new Date(now.getTime() + VALID_DAYS * 24 * 3600 * 1000)
  const names = [...new Set(hosts.filter(Boolean))]
  const extensions: InstanceType<typeof x509.Extension>[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]),
  ]
  if (names.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(names.map((n) => ({type: isIP(n) ? 'ip' : 'dns', value: n}) as const)))
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString(16).padStart(2, '0'),
    name: [{CN: [address]}, {'2.23.133.2.6': ['v0.0.1']}],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: alg,
    keys,
    extensions,
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey)
  return {
    certPem: cert.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    pubkeyPem: x509.PemConverter.encode(spki, 'EC PUBLIC KEY'),
    serial: serial.toString(),
    notAfter,
  }
}

export interface EnsureCertificateOptions {
  /** Directory for `server.crt` and the sealed key. */
  dir: string
  address: string
  hosts: string[]
  sealer: Sealer
  chain: CertificateChain
  /** The operator's own certificate (PEM files): used as given, never published. */
  files?: {certFile: string; keyFile: string}
  now?: () => Date
  onEvent?: (event: {type: 'certificate.generated' | 'certificate.published' | 'certificate.reused'; serial: string}) => void
}

/**
 * The certificate the gateway serves. Reuses the stored one while its key unseals, it covers the
 * hosts, it is not near expiry and the chain still lists it as valid (republishing it when the
 * chain lost it, e.g. after `edge dev reset`); otherwise makes a new one and publishes it. The
 * private key is never written in the clear: it is sealed with a key derived from the provider's
 * mnemonic.
 */
export async function ensureServerCertificate(options: EnsureCertificateOptions): Promise<ServerCertificate> {
  const now = options.now ?? (() => new Date())
  if (options.files) return loadGivenCertificate(options.files)
  mkdirSync(options.dir, {recursive: true, mode: 0o700})
  const certPath = join(options.dir, 'server.crt')
  const keyPath = join(options.dir, 'server.key.sealed')
  const pubPath = join(options.dir, 'server.pub')

  if (existsSync(certPath) && existsSync(keyPath) && existsSync(pubPath)) {
    const certPem = readFileSync(certPath, 'utf8')
    const pubkeyPem = readFileSync(pubPath, 'utf8')
    const cert = new X509Certificate(certPem)
    const serial = BigInt('0x' + cert.serialNumber).toString()
    const key = options.sealer.open(readFileSync(keyPath, 'utf8'), `${options.address}/${serial}`)
    const fresh = new Date(cert.validTo).getTime() - now().getTime() > RENEW_BEFORE_MS
    const covers = options.hosts.every((h) => !h || certCovers(cert, h))
    const ours = cert.subject.split('\n').includes(`CN=${options.address}`)
    if (key && fresh && covers && ours) {
      const state = await options.chain.certificateState(options.address, serial)
      if (state === 'valid' || state === 'missing') {
        if (state === 'missing') {
          await options.chain.publish(certPem, pubkeyPem)
          options.onEvent?.({type: 'certificate.published', serial})
        } else {
          options.onEvent?.({type: 'certificate.reused', serial})
        }
        return {certPem, keyPem: key.toString('utf8'), serial, notAfter: new Date(cert.validTo), source: 'stored'}
      }
    }
  }

  const made = await generateServerCertificate(options.address, options.hosts, now())
  options.onEvent?.({type: 'certificate.generated', serial: made.serial})
  await options.chain.publish(made.certPem, made.pubkeyPem)
  options.onEvent?.({type: 'certificate.published', serial: made.serial})
  writeAtomic(keyPath, options.sealer.seal(made.keyPem, `${options.address}/${made.serial}`))
  writeAtomic(pubPath, made.pubkeyPem)
  writeAtomic(certPath, made.certPem)
  return {certPem: made.certPem, keyPem: made.keyPem, serial: made.serial, notAfter: made.notAfter, source: 'generated'}
}

function loadGivenCertificate(files: {certFile: string; keyFile: string}): ServerCertificate {
  let certPem: string
  let keyPem: string
  try {
    certPem = readFileSync(files.certFile, 'utf8')
    keyPem = readFileSync(files.keyFile, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read the gateway certificate: ${(error as Error).message}`, {
      hint: 'Check gateway.certFile and gateway.keyFile in the provider config.',
    })
  }
  const hint = 'gateway.certFile must be a PEM certificate and gateway.keyFile its PEM private key.'
  let cert: X509Certificate
  try {
    cert = new X509Certificate(certPem)
  } catch (error) {
    throw new UsageError(`${files.certFile} is not a PEM certificate: ${(error as Error).message}`, {hint})
  }
  // Checked here rather than by the TLS server, whose "key values mismatch" names neither file.
  let matches: boolean
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem))
  } catch (error) {
    throw new UsageError(`${files.keyFile} is not a PEM private key: ${(error as Error).message}`, {hint})
  }
  if (!matches) throw new UsageError(`${files.keyFile} is not the private key of ${files.certFile}.`, {hint})
  return {certPem, keyPem, serial: BigInt('0x' + cert.serialNumber).toString(), notAfter: new Date(cert.validTo), source: 'files'}
}

function certCovers(cert: X509Certificate, host: string): boolean {
  try {
    return isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined
  } catch {
    return false
  }
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, content, {mode: 0o600})
  renameSync(tmp, path)
}
