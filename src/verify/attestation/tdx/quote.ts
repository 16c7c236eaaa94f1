import {ByteReader, EvidenceError} from '../bytes.js'

/**
 * Intel TDX DCAP quote, versions 4 and 5 (Intel "TDX DCAP Quote Generation Library and Quote
 * Verification Library" data structures). Everything is little-endian.
 */
export const TDREPORT_SIZE = 1024

const HEADER_SIZE = 48
const TDX_TEE_TYPE = 0x81
const ECDSA_P256 = 2
const CERT_QE_REPORT = 6
const CERT_PCK_CHAIN = 5
const QE_REPORT_SIZE = 384

export interface TdReportBody {
  teeTcbSvn: Uint8Array
  mrSeam: Uint8Array
  mrSignerSeam: Uint8Array
  seamAttributes: Uint8Array
  tdAttributes: Uint8Array
  xfam: Uint8Array
  mrTd: Uint8Array
  mrConfigId: Uint8Array
  mrOwner: Uint8Array
  mrOwnerConfig: Uint8Array
  rtmrs: [Uint8Array, Uint8Array, Uint8Array, Uint8Array]
  reportData: Uint8Array
  /** TDX 1.5 bodies (quote v5, body type 3) only. */
  teeTcbSvn2?: Uint8Array
  mrServiceTd?: Uint8Array
}

/** The quoting enclave's SGX report, signed by the PCK key. */
export interface QeReport {
  bytes: Uint8Array
  cpuSvn: Uint8Array
  miscSelect: number
  attributes: Uint8Array
  mrEnclave: Uint8Array
  mrSigner: Uint8Array
  isvProdId: number
  isvSvn: number
  reportData: Uint8Array
}

export interface TdxQuote {
  version: 4 | 5
  /** 2 = TDX 1.0, 3 = TDX 1.5 (v5 only; v4 is always TDX 1.0). */
  bodyType: number
  qeVendorId: Uint8Array
  body: TdReportBody
  /** Header and body: what the attestation key signs. */
  signedBytes: Uint8Array
  /** r‖s, P-256. */
  signature: Uint8Array
  /** Raw X‖Y of the P-256 attestation key. */
  attestationKey: Uint8Array
  qeReport: QeReport
  qeReportSignature: Uint8Array
  qeAuthData: Uint8Array
  /** PEM: PCK leaf, PCK Platform/Processor CA, SGX Root CA. */
  pckChainPem: string
  /** Bytes after the signature data; real quotes carry zero padding, which is ignored. */
  trailingBytes: number
}

/**
 * A 1024-byte TDREPORT from /dev/tdx_guest (REPORTTYPE 0x81 first) is MAC'd for the local CPU only;
 * nobody else can check it.
 */
export function looksLikeTdReport(bytes: Uint8Array): boolean {
  return bytes.length === TDREPORT_SIZE && bytes[0] === TDX_TEE_TYPE
}

export function parseTdxQuote(bytes: Uint8Array): TdxQuote {
  if (looksLikeTdReport(bytes)) throw new EvidenceError('this is a 1024-byte TDREPORT, not a remotely verifiable quote: the provider read /dev/tdx_guest instead of asking the quoting enclave (configfs-tsm) for a DCAP quote')
  const r = new ByteReader(bytes, 'TDX quote')
  const version = r.u16(0)
  if (version !== 4 && version !== 5) throw new EvidenceError(`TDX quote version ${version} is not supported (4 or 5)`)
  if (r.u16(2) !== ECDSA_P256) throw new EvidenceError(`attestation key type ${r.u16(2)} is not ECDSA P-256`)
  if (r.u32(4) !== TDX_TEE_TYPE) throw new EvidenceError(`TEE type 0x${r.u32(4).toString(16)} is not TDX (0x81)`)
  let bodyType = 2
  let bodyOffset = HEADER_SIZE
  let bodySize = 584
  if (version === 5) {
    bodyType = r.u16(48)
    bodySize = r.u32(50)
    bodyOffset = 54
    if (!((bodyType === 2 && bodySize === 584) || (bodyType === 3 && bodySize === 648))) throw new EvidenceError(`quote v5 body type ${bodyType} of ${bodySize} bytes is not a TDX report body`)
  }
  const body = parseBody(r, bodyOffset, bodyType === 3)
  const signedEnd = bodyOffset + bodySize
  const sigLength = r.u32(signedEnd)
  const s = new ByteReader(r.slice(signedEnd + 4, sigLength), 'TDX quote signature data')
  const outerType = s.u16(128)
  if (outerType !== CERT_QE_REPORT) throw new EvidenceError(`certification data type ${outerType} is not supported (expected 6: QE report with the PCK chain)`)
  const outer = new ByteReader(s.slice(134, s.u32(130)), 'QE report certification data')
  const authLength = outer.u16(QE_REPORT_SIZE + 64)
  const innerAt = QE_REPORT_SIZE + 64 + 2 + authLength
  const innerType = outer.u16(innerAt)
  if (innerType !== CERT_PCK_CHAIN) throw new EvidenceError(`inner certification data type ${innerType} is not supported (expected 5: PEM PCK chain)`)
  return {
    version,
    bodyType,
    qeVendorId: r.slice(12, 16),
    body,
    signedBytes: r.slice(0, signedEnd),
    signature: s.slice(0, 64),
    attestationKey: s.slice(64, 64),
    qeReport: parseQeReport(outer.slice(0, QE_REPORT_SIZE)),
    qeReportSignature: outer.slice(QE_REPORT_SIZE, 64),
    qeAuthData: outer.slice(QE_REPORT_SIZE + 66, authLength),
    pckChainPem: Buffer.from(outer.slice(innerAt + 6, outer.u32(innerAt + 2))).toString('latin1'),
    trailingBytes: bytes.length - (signedEnd + 4 + sigLength),
  }
}

function parseBody(r: ByteReader, at: number, v15: boolean): TdReportBody {
  const field = (offset: number, size: number) => r.slice(at + offset, size)
  return {
    teeTcbSvn: field(0, 16),
    mrSeam: field(16, 48),
    mrSignerSeam: field(64, 48),
    seamAttributes: field(112, 8),
    tdAttributes: field(120, 8),
    xfam: field(128, 8),
    mrTd: field(136, 48),
    mrConfigId: field(184, 48),
    mrOwner: field(232, 48),
    mrOwnerConfig: field(280, 48),
    rtmrs: [field(328, 48), field(376, 48), field(424, 48), field(472, 48)],
    reportData: field(520, 64),
    ...(v15 ? {teeTcbSvn2: field(584, 16), mrServiceTd: field(600, 48)} : {}),
  }
}

function parseQeReport(bytes: Uint8Array): QeReport {
  const r = new ByteReader(bytes, 'QE report')
  return {
    bytes,
    cpuSvn: r.slice(0, 16),
    miscSelect: r.u32(16),
    attributes: r.slice(48, 16),
    mrEnclave: r.slice(64, 32),
    mrSigner: r.slice(128, 32),
    isvProdId: r.u16(256),
    isvSvn: r.u16(258),
    reportData: r.slice(320, 64),
  }
}

/** TD_ATTRIBUTES bit 0 (TUD.DEBUG): the host VMM can read and write the TD's state. */
export function tdDebug(body: TdReportBody): boolean {
  return Boolean(body.tdAttributes[0] & 0x01)
}
