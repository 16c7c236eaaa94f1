import {ByteReader, EvidenceError, toHex} from '../bytes.js'

/**
 * NVIDIA GPU evidence as NVML returns it: a DMTF SPDM 1.1 GET_MEASUREMENTS request followed by its
 * MEASUREMENTS response, whose last 96 bytes are an ECDSA P-384 signature (r‖s) over everything
 * before them. Anything after the signature (a CEC report, padding) is not signed and is ignored.
 */
const GET_MEASUREMENTS = 0xe0
const MEASUREMENTS = 0x60
const REQUEST_SIZE = 37
const NONCE_SIZE = 32
const SIGNATURE_SIZE = 96

/** NVIDIA's opaque-data field types (the ones a tenant can read meaning from). */
export const OpaqueType = {
  driverVersion: 3,
  gpuInfo: 4,
  vbiosVersion: 6,
  boardId: 14,
  chipSku: 15,
  project: 17,
  projectSku: 18,
  fwid: 20,
} as const

export interface MeasurementBlock {
  index: number
  /** DMTF measurement value type (low 7 bits) and raw digest. */
  valueType: number
  value: Uint8Array
}

export interface GpuEvidence {
  spdmVersion: number
  /** The requester's (tenant's) nonce, request bytes 4..36. */
  nonce: Uint8Array
  responderNonce: Uint8Array
  measurements: MeasurementBlock[]
  opaque: Map<number, Uint8Array>
  signedBytes: Uint8Array
  signature: Uint8Array
  trailingBytes: number
}

export function parseGpuEvidence(bytes: Uint8Array): GpuEvidence {
  const r = new ByteReader(bytes, 'GPU evidence')
  const version = r.u8(0)
  if (version !== 0x11 && version !== 0x12) throw new EvidenceError(`GPU evidence does not start with an SPDM 1.1/1.2 request (version byte 0x${version.toString(16)})`)
  if (r.u8(1) !== GET_MEASUREMENTS) throw new EvidenceError('GPU evidence does not start with GET_MEASUREMENTS')
  if (!(r.u8(2) & 0x01)) throw new EvidenceError('the GET_MEASUREMENTS request did not ask for a signature')
  const at = REQUEST_SIZE
  if (r.u8(at) !== version || r.u8(at + 1) !== MEASUREMENTS) throw new EvidenceError('no MEASUREMENTS response follows the request')
  const blockCount = r.u8(at + 4)
  const recordLength = r.u24(at + 5)
  const record = new ByteReader(r.slice(at + 8, recordLength), 'measurement record')
  const measurements: MeasurementBlock[] = []
  let offset = 0
  while (offset < recordLength) {
    const size = record.u16(offset + 2)
    const block = new ByteReader(record.slice(offset + 4, size), 'measurement block')
    measurements.push({index: record.u8(offset), valueType: block.u8(0) & 0x7f, value: block.slice(3, block.u16(1))})
    offset += 4 + size
  }
  if (measurements.length !== blockCount) throw new EvidenceError(`the response announces ${blockCount} measurement blocks but holds ${measurements.length}`)
  const nonceAt = at + 8 + recordLength
  const opaqueLength = r.u16(nonceAt + NONCE_SIZE)
  const opaqueAt = nonceAt + NONCE_SIZE + 2
  const signatureAt = opaqueAt + opaqueLength
  return {
    spdmVersion: version,
    nonce: r.slice(4, NONCE_SIZE),
    responderNonce: r.slice(nonceAt, NONCE_SIZE),
    measurements,
    opaque: parseOpaque(r.slice(opaqueAt, opaqueLength)),
    signedBytes: r.slice(0, signatureAt),
    signature: r.slice(signatureAt, SIGNATURE_SIZE),
    trailingBytes: bytes.length - signatureAt - SIGNATURE_SIZE,
  }
}

function parseOpaque(bytes: Uint8Array): Map<number, Uint8Array> {
  const r = new ByteReader(bytes, 'opaque data')
  const fields = new Map<number, Uint8Array>()
  for (let offset = 0; offset + 4 <= bytes.length; ) {
    const length = r.u16(offset + 2)
    fields.set(r.u16(offset), r.slice(offset + 4, length))
    offset += 4 + length
  }
  return fields
}

function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1').replace(/\0+$/, '')
}

/** VBIOS bytes [b0 … b7] read as NVIDIA prints them: b3.b2.b1.b0.b4, two hex digits each. */
function vbios(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes || bytes.length < 5) return undefined
  return [bytes[3], bytes[2], bytes[1], bytes[0], bytes[4]].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('.')
}

export function gpuFacts(e: GpuEvidence): Record<string, string> {
  const facts: Record<string, string | undefined> = {
    nonce: toHex(e.nonce),
    driver_version: text(e.opaque.get(OpaqueType.driverVersion)),
    vbios_version: vbios(e.opaque.get(OpaqueType.vbiosVersion)),
    project: text(e.opaque.get(OpaqueType.project)),
    project_sku: text(e.opaque.get(OpaqueType.projectSku)),
    chip_sku: text(e.opaque.get(OpaqueType.chipSku)),
    fwid: e.opaque.has(OpaqueType.fwid) ? toHex(e.opaque.get(OpaqueType.fwid) as Uint8Array) : undefined,
    measurement_blocks: String(e.measurements.length),
  }
  return Object.fromEntries(Object.entries(facts).filter((kv): kv is [string, string] => kv[1] !== undefined))
}
