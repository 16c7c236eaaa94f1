import {EvidenceError} from './bytes.js'

/**
 * Just enough DER to read the vendor extensions node:crypto does not expose (AMD's VCEK TCB values,
 * Intel's SGX PCK extension, the TCG DICE FWID) and Intel's CRLs. Low-tag-number form only, which
 * is all X.509 uses.
 */
export interface Tlv {
  /** The identifier octet as it appears on the wire (class | constructed | number). */
  tag: number
  /** Header and contents, as signed. */
  raw: Uint8Array
  /** Contents only. */
  value: Uint8Array
}

export const Tag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const

/** `[n]` context-specific tag, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n
}

export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) throw new EvidenceError('DER value is truncated')
  const tag = bytes[offset]
  if ((tag & 0x1f) === 0x1f) throw new EvidenceError('DER high tag numbers are not supported')
  let length = bytes[offset + 1]
  let header = 2
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 4 || offset + 2 + count > bytes.length) throw new EvidenceError('DER length is malformed')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]
    header += count
  }
  const end = offset + header + length
  if (end > bytes.length) throw new EvidenceError('DER value is truncated')
  return {tag, raw: bytes.subarray(offset, end), value: bytes.subarray(offset + header, end)}
}

export function children(tlv: Tlv): Tlv[] {
  const out: Tlv[] = []
  let offset = 0
  while (offset < tlv.value.length) {
    const child = readTlv(tlv.value, offset)
    out.push(child)
    offset += child.raw.length
  }
  return out
}

export function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new EvidenceError(`${what}: expected DER tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`)
  return tlv
}

export function readInteger(tlv: Tlv): bigint {
  expectTag(tlv, Tag.integer, 'INTEGER')
  if (tlv.value.length === 0) throw new EvidenceError('INTEGER is empty')
  let n = 0n
  for (const b of tlv.value) n = (n << 8n) | BigInt(b)
  if (tlv.value[0] & 0x80) n -= 1n << BigInt(tlv.value.length * 8)
  return n
}

/** Serial numbers are compared as unsigned hex without leading zeros. */
export function integerHex(tlv: Tlv): string {
  expectTag(tlv, Tag.integer, 'INTEGER')
  const hex = Buffer.from(tlv.value).toString('hex').replace(/^0+/, '')
  return hex === '' ? '0' : hex
}

export function readOid(tlv: Tlv): string {
  expectTag(tlv, Tag.oid, 'OBJECT IDENTIFIER')
  const v = tlv.value
  if (v.length === 0) throw new EvidenceError('OBJECT IDENTIFIER is empty')
  const arcs: number[] = [Math.min(2, Math.floor(v[0] / 40)), v[0] - Math.min(2, Math.floor(v[0] / 40)) * 40]
  let n = 0
  for (let i = 1; i < v.length; i++) {
    n = n * 128 + (v[i] & 0x7f)
    if (!(v[i] & 0x80)) {
      arcs.push(n)
      n = 0
    }
  }
  return arcs.join('.')
}

export function readString(tlv: Tlv): string {
  return Buffer.from(tlv.value).toString('utf8')
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as used by X.509 and CRLs. */
export function readTime(tlv: Tlv): Date {
  const text = readString(tlv)
  const m = tlv.tag === Tag.utcTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : tlv.tag === Tag.generalizedTime ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null
  if (!m) throw new EvidenceError(`malformed DER time "${text}"`)
  let year = Number(m[1])
  if (tlv.tag === Tag.utcTime) year += year < 50 ? 2000 : 1900
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

/** Every TLV inside `tlv`, depth first; for vendor structures whose exact shape varies by version. */
export function descendants(tlv: Tlv): Tlv[] {
  if (!(tlv.tag & 0x20)) return []
  return children(tlv).flatMap((c) => [c, ...descendants(c)])
}
