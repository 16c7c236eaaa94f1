import {KeyObject, X509Certificate, webcrypto} from 'node:crypto'

import * as x509 from '@peculiar/x509'

/**
 * A look-alike PKI: certificates with the vendor's names, signed by keys nobody trusts. What a
 * provider who wants to fake evidence could make, so the verifiers must refuse it.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto)

const EC = {name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384'}

export interface Forged {
  cert: X509Certificate
  pem: string
  privateKey: KeyObject
  keys: CryptoKeyPair
  x509: x509.X509Certificate
}

let serial = 1

async function make(name: string, issuer: Forged | undefined, ca: boolean, extensions: x509.Extension[] = [], notAfter = new Date('2049-01-01')): Promise<Forged> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair
  const common = {
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    notBefore: new Date('2020-01-01'),
    notAfter,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(ca, undefined, true), ...(ca ? [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)] : []), ...extensions],
  }
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({...common, subject: `CN=${name}`, issuer: issuer.x509.subject, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey})
    : await x509.X509CertificateGenerator.createSelfSigned({...common, name: `CN=${name}`, keys})
  const pem = cert.toString('pem')
  return {cert: new X509Certificate(pem), pem, privateKey: KeyObject.from(keys.privateKey), keys, x509: cert}
}

export function forgeRoot(name: string): Promise<Forged> {
  return make(name, undefined, true)
}

export function forgeCa(name: string, issuer: Forged): Promise<Forged> {
  return make(name, issuer, true)
}

export function forgeLeaf(name: string, issuer: Forged, extensions: x509.Extension[] = []): Promise<Forged> {
  return make(name, issuer, false, extensions)
}

/** A CRL from `issuer` that revokes the given serials (hex). */
export async function forgeCrl(issuer: Forged, revokedSerials: string[], thisUpdate: Date, nextUpdate: Date): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.x509.subject,
    thisUpdate,
    nextUpdate,
    entries: revokedSerials.map((serialNumber) => ({serialNumber, revocationDate: thisUpdate})),
    signingAlgorithm: EC,
    signingKey: issuer.keys.privateKey,
  })
  return new Uint8Array(crl.rawData)
}

export {x509}
