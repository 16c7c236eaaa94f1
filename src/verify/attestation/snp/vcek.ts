import {X509Certificate} from 'node:crypto'

import {EvidenceError} from '../bytes.js'
import {Tag, expectTag, readInteger, readString, readTlv} from '../der.js'
import {commonName, extensionValue, sha256Hex} from '../x509.js'
import {AMD_ARKS} from './amd-roots.js'
import {AMD_SIGNING_KEYS} from './amd-signing-keys.js'
import type {AmdProduct} from './report.js'

/** AMD's X.509 extensions on VCEK/VLEK certificates (KDS spec 57230, "VCEK Certificate Extensions"). */
const OID = {
  productName: '1.3.6.1.4.1.3704.1.2',
  blSpl: '1.3.6.1.4.1.3704.1.3.1',
  teeSpl: '1.3.6.1.4.1.3704.1.3.2',
  snpSpl: '1.3.6.1.4.1.3704.1.3.3',
  ucodeSpl: '1.3.6.1.4.1.3704.1.3.8',
  fmcSpl: '1.3.6.1.4.1.3704.1.3.9',
  hwid: '1.3.6.1.4.1.3704.1.4',
  cspId: '1.3.6.1.4.1.3704.1.5',
} as const

export interface AmdKeyCertificate {
  cert: X509Certificate
  kind: 'VCEK' | 'VLEK' | 'unknown'
  product?: AmdProduct
  /** The chip the key belongs to (VCEK only); compared with the report's CHIP_ID. */
  hwid?: Uint8Array
  spl: {bootloader?: number; tee?: number; snp?: number; microcode?: number; fmc?: number}
  /** Cloud provider that the VLEK was issued to. */
  cspId?: string
}

export function readAmdKeyCertificate(cert: X509Certificate): AmdKeyCertificate {
  const cn = commonName(cert)
  const kind = cn === 'SEV-VCEK' ? 'VCEK' : cn === 'SEV-VLEK' ? 'VLEK' : 'unknown'
  const spl = (oid: string) => {
    const value = extensionValue(cert, oid)
    return value === undefined ? undefined : Number(readInteger(expectTag(readTlv(value), Tag.integer, `extension ${oid}`)))
  }
  const text = (oid: string) => {
    const value = extensionValue(cert, oid)
    return value === undefined ? undefined : readString(readTlv(value))
  }
  return {
    cert,
    kind,
    product: productOf(text(OID.productName) ?? commonName(cert, 'issuer')),
    hwid: hwid(extensionValue(cert, OID.hwid)),
    spl: {bootloader: spl(OID.blSpl), tee: spl(OID.teeSpl), snp: spl(OID.snpSpl), microcode: spl(OID.ucodeSpl), fmc: spl(OID.fmcSpl)},
    cspId: text(OID.cspId),
  }
}

/** KDS has issued the HWID both as the raw 64 bytes and wrapped in an OCTET STRING; accept both. */
function hwid(value: Uint8Array | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (value[0] === Tag.octetString && value.length >= 2 && readTlv(value).raw.length === value.length) return readTlv(value).value
  return value
}

/** "Milan-B0", "SEV-Milan", "SEV-VLEK-Genoa", "ARK-Turin" → the product family. */
export function productOf(name: string): AmdProduct | undefined {
  for (const p of ['Milan', 'Genoa', 'Turin'] as const) if (name.includes(p)) return p
  return undefined
}

let anchors: X509Certificate[] | undefined
let signers: X509Certificate[] | undefined

/** The pinned ARKs, each checked against its fingerprint so an edit to the PEM text cannot go unnoticed. */
export function amdRoots(): X509Certificate[] {
  anchors ??= Object.entries(AMD_ARKS).map(([name, {pem, sha256}]) => {
    const cert = new X509Certificate(pem)
    if (sha256Hex(cert) !== sha256) throw new EvidenceError(`the pinned ARK-${name} does not match its fingerprint`)
    return cert
  })
  return anchors
}

/** The bundled ASKs and ASVKs (verified against the ARKs like any other intermediate). */
export function amdSigningKeys(): X509Certificate[] {
  signers ??= Object.values(AMD_SIGNING_KEYS).flatMap(({ask, asvk}) => [new X509Certificate(ask), new X509Certificate(asvk)])
  return signers
}
