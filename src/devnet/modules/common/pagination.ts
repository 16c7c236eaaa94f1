/**
 * Pagination over several key ranges in turn, as node's custom Akash list queries do (they walk
 * one state after another and resume from an opaque next_key). Unlike `paginate()` (the Cosmos
 * `FilteredPaginate`), `total` is the number of items returned, which is what node v2.1 reports
 * for these queries.
 */
import type {PageRequest, PageResponse, Store} from '../../types.js'
import {Grpc, queryStatus} from './errors.js'

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000
const SEP = '\u0000'

export interface MultiPage<T> {
  items: T[]
  pagination: PageResponse
}

/**
 * Walks `prefixes` in order (reverse order and descending keys with `page.reverse`), keeping
 * what `decode` returns. The next_key names the prefix index and the store key to resume at.
 */
export function paginatePrefixes<T>(
  store: Store,
  prefixes: readonly string[],
  page: PageRequest | undefined,
  decode: (key: string, value: Uint8Array) => T | undefined,
): MultiPage<T> {
  const limitRaw = page?.limit === undefined ? 0 : Number(page.limit.toString())
  const limit = Math.min(limitRaw > 0 ? limitRaw : DEFAULT_LIMIT, MAX_LIMIT)
  let offset = page?.offset === undefined ? 0 : Number(page.offset.toString())
  const reverse = Boolean(page?.reverse)
  const order = prefixes.map((prefix, index) => ({prefix, index}))
  if (reverse) order.reverse()

  let startAt = 0
  let resumeKey: string | undefined
  if (page?.key && page.key.length > 0) {
    const raw = new TextDecoder().decode(page.key)
    const cut = raw.indexOf(SEP)
    const index = cut > 0 ? Number(raw.slice(0, cut)) : Number.NaN
    const pos = order.findIndex((o) => o.index === index)
    // A key from another query (or another filter) names no walk of this one.
    if (pos < 0) throw queryStatus(Grpc.invalidArgument, 'invalid pagination key: pass the next_key of the previous page of this same query')
    startAt = pos
    resumeKey = raw.slice(cut + 1)
    offset = 0
  }

  const items: T[] = []
  let nextKey: string | undefined
  scan: for (let pos = startAt; pos < order.length; pos++) {
    const {prefix, index} = order[pos]
    const start = pos === startAt ? resumeKey : undefined
    for (const [key, value] of store.iterate(prefix, {reverse, start})) {
      const item = decode(key, value)
      if (item === undefined) continue
      if (offset > 0) {
        offset--
        continue
      }
      if (items.length === limit) {
        nextKey = `${index}${SEP}${key}`
        break scan
      }
      items.push(item)
    }
  }

  return {
    items,
    pagination: {
      nextKey: nextKey === undefined ? new Uint8Array() : new TextEncoder().encode(nextKey),
      total: BigInt(items.length),
    },
  }
}
