/**
 * Just enough of the protobuf wire format to assemble a response from stored message bytes
 * without decoding them: a length-delimited field is its tag, its length as a varint, its bytes.
 */

/** A field of an assembled message: length-delimited bytes (an embedded message, string or bytes), or a varint. */
export type WireField = readonly [field: number, value: Uint8Array | number]

function varintSize(value: number): number {
  let size = 1
  for (let v = value; v > 0x7f; v = Math.floor(v / 128)) size++
  return size
}

function writeVarint(out: Uint8Array, pos: number, value: number): number {
  let v = value
  while (v > 0x7f) {
    out[pos++] = (v & 0x7f) | 0x80
    v = Math.floor(v / 128)
  }
  out[pos++] = v
  return pos
}

/**
 * The message made of `fields`, in order, written once into one buffer. A varint of 0 is left
 * out, as proto3 leaves out defaults.
 */
export function encodeFields(fields: readonly WireField[]): Uint8Array {
  let size = 0
  for (const [field, value] of fields) {
    if (typeof value === 'number') size += value === 0 ? 0 : varintSize(field << 3) + varintSize(value)
    else size += varintSize((field << 3) | 2) + varintSize(value.length) + value.length
  }
  const out = new Uint8Array(size)
  let pos = 0
  for (const [field, value] of fields) {
    if (typeof value === 'number') {
      if (value === 0) continue
      pos = writeVarint(out, pos, field << 3)
      pos = writeVarint(out, pos, value)
    } else {
      pos = writeVarint(out, pos, (field << 3) | 2)
      pos = writeVarint(out, pos, value.length)
      out.set(value, pos)
      pos += value.length
    }
  }
  return out
}
