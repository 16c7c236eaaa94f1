import {timingSafeEqual} from 'node:crypto'

/** Malformed evidence; verifiers turn it into a failed `*.parse` check. */
export class EvidenceError extends Error {}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function fromHex(text: string, what = 'hex value'): Uint8Array {
  const clean = text.trim()
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new EvidenceError(`${what} is not hex`)
  return new Uint8Array(Buffer.from(clean, 'hex'))
}

/**
 * Node's decoder silently skips bad characters; evidence that is not clean base64 must be refused,
 * not half-decoded into something that then fails for a misleading reason.
 */
export function fromBase64(text: string, what = 'base64 value'): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  const standard = /^[A-Za-z0-9+/]*={0,2}$/.test(clean)
  const url = /^[A-Za-z0-9_-]*={0,2}$/.test(clean)
  if ((!standard && !url) || clean.replace(/=+$/, '').length % 4 === 1) throw new EvidenceError(`${what} is not valid base64`)
  return new Uint8Array(Buffer.from(clean, standard ? 'base64' : 'base64url'))
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

export function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}

/** Bounds-checked little-endian reads over a byte slice; every read past the end is an EvidenceError. */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get length(): number {
    return this.bytes.length
  }

  slice(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new EvidenceError(`${this.what} is truncated: needs bytes [${offset}, ${offset + length}) but has ${this.bytes.length}`)
    }
    return this.bytes.subarray(offset, offset + length)
  }

  u8(offset: number): number {
    return this.slice(offset, 1)[0]
  }

  u16(offset: number): number {
    const b = this.slice(offset, 2)
    return b[0] | (b[1] << 8)
  }

  u24(offset: number): number {
    const b = this.slice(offset, 3)
    return b[0] | (b[1] << 8) | (b[2] << 16)
  }

  u32(offset: number): number {
    const b = this.slice(offset, 4)
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0
  }

  u64(offset: number): bigint {
    const b = this.slice(offset, 8)
    return Buffer.from(b).readBigUInt64LE(0)
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
