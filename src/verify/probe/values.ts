/** Readers for the probe's text values: whatever does not parse is undefined, never an exception. */

export function toInt(text: string | undefined): number | undefined {
  const t = (text ?? '').trim()
  return /^-?\d+$/.test(t) ? Number(t) : undefined
}

export function toBig(text: string | undefined): bigint | undefined {
  const t = (text ?? '').trim()
  return /^\d+$/.test(t) ? BigInt(t) : undefined
}

export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k]
  return o
}
