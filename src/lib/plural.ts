/** "1 bid", "2 bids", "0 providers": a count with its noun, instead of the "bid(s)" a reader has to decode. */
export function count(n: number | bigint, singular: string, plural = `${singular}s`): string {
  return `${n} ${BigInt(n) === 1n ? singular : plural}`
}
