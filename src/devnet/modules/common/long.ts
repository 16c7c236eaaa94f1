/**
 * uint64 and int64 fields, which chain-sdk's codecs carry as `bigint` (alpha.45; `Long` before).
 * Requests built with `fromPartial` from JSON or by hand may still hold a number or a string.
 */
export type U64Like = number | string | bigint | undefined | null

export function u64(value: U64Like): bigint {
  if (value === undefined || value === null) return 0n
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(Math.trunc(value))
  return value === '' ? 0n : BigInt(value)
}

/** int64 fields (heights, sequences). */
export const i64 = u64
