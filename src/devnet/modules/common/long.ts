/** uint64 fields arrive as `Long` (signed when built with fromPartial from a number). */
import Long from 'long'

export type U64Like = Long | number | string | bigint | undefined | null

export function u64(value: U64Like): bigint {
  if (value === undefined || value === null) return 0n
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(Math.trunc(value))
  if (typeof value === 'string') return value === '' ? 0n : BigInt(value)
  return BigInt(value.toUnsigned().toString())
}

export function toLong(value: bigint | number): Long {
  return Long.fromString(value.toString(), true)
}

/** int64 fields (heights) the codecs also carry as Long. */
export function toSignedLong(value: bigint | number): Long {
  return Long.fromString(value.toString(), false)
}

export function i64(value: U64Like): bigint {
  if (value === undefined || value === null) return 0n
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(Math.trunc(value))
  if (typeof value === 'string') return value === '' ? 0n : BigInt(value)
  return BigInt(value.toSigned().toString())
}
