import type {PageRequest, PageResponse, Store} from './types.js'

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000

/** Fixed-width decimal so that string order is numeric order (uint64 fits in 20 digits). */
export function padUint(value: bigint | number | string): string {
  return value.toString().padStart(20, '0')
}

/**
 * Walks `prefix` in key order and pages the entries that `accept` keeps, as the Cosmos SDK's
 * `FilteredPaginate` does: `key` resumes after the last key of the previous page, `offset`
 * skips matches, `countTotal` counts every match, and so does a request without a limit (the
 * SDK's `initPageRequestDefaults`; the REST gateway's requests usually have none).
 */
export function paginate<T>(
  store: Store,
  prefix: string,
  page: PageRequest | undefined,
  decode: (key: string, value: Uint8Array) => T | undefined,
): {items: T[]; pagination: PageResponse} {
  const limitRaw = page?.limit === undefined ? 0 : Number(page.limit.toString())
  const limit = Math.min(limitRaw > 0 ? limitRaw : DEFAULT_LIMIT, MAX_LIMIT)
  const offset = page?.offset === undefined ? 0 : Number(page.offset.toString())
  const reverse = Boolean(page?.reverse)
  const resumeKey = page?.key && page.key.length > 0 ? new TextDecoder().decode(page.key) : undefined
  const countTotal = (Boolean(page?.countTotal) || limitRaw <= 0) && !resumeKey

  const items: T[] = []
  let skipped = 0
  let total = 0
  let nextKey: string | undefined
  for (const [key, value] of store.iterate(prefix, {reverse, start: resumeKey})) {
    const item = decode(key, value)
    if (item === undefined) continue
    if (!resumeKey && skipped < offset) {
      skipped++
      total++
      continue
    }
    if (items.length === limit) {
      nextKey ??= key
      if (!countTotal) break
      total++
      continue
    }
    items.push(item)
    total++
  }
  return {
    items,
    pagination: {
      nextKey: nextKey === undefined ? new Uint8Array() : new TextEncoder().encode(nextKey),
      total: BigInt(countTotal ? total : 0),
    },
  }
}
