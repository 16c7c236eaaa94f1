import type {Store} from '../types.js'
import {type IterateOptions, type KVReader, inRange} from './kv.js'

/**
 * Writes buffered on top of a parent layer, as the Cosmos SDK's cache store does: reads fall
 * through to the parent, `writeTo` applies the buffer to the layer below, and dropping the
 * overlay discards it. The block, each transaction and each query simulation get one.
 */
export class Overlay implements Store, KVReader {
  /** Written values; `null` marks a deletion. */
  private readonly writes = new Map<string, Uint8Array | null>()
  /** Keys in order, as of the last iteration; keys written since then wait in `pending`. */
  private sortedKeys: string[] = []
  private pending: string[] = []

  constructor(private readonly parent: KVReader) {}

  get size(): number {
    return this.writes.size
  }

  get(key: string): Uint8Array | undefined {
    const written = this.writes.get(key)
    if (written !== undefined) return written ?? undefined
    return this.parent.get(key)
  }

  has(key: string): boolean {
    return this.get(key) !== undefined
  }

  set(key: string, value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`state value for ${key} must be bytes`)
    if (!this.writes.has(key)) this.pending.push(key)
    this.writes.set(key, value)
  }

  delete(key: string): void {
    if (!this.writes.has(key)) this.pending.push(key)
    this.writes.set(key, null)
  }

  /** The buffered writes, in insertion order. */
  entries(): IterableIterator<[string, Uint8Array | null]> {
    return this.writes.entries()
  }

  /** Applies every buffered write to `target` (the layer below). */
  writeTo(target: {set(key: string, value: Uint8Array): void; delete(key: string): void}): void {
    for (const [key, value] of this.writes) {
      if (value === null) target.delete(key)
      else target.set(key, value)
    }
  }

  /**
   * Merges the parent's entries with this overlay's. The overlay part is a snapshot taken when
   * the iterator is created, so a handler may write while it iterates (as with the SDK's cache
   * iterators) without seeing its own writes mid-walk.
   */
  *iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]> {
    const reverse = Boolean(options?.reverse)
    const own = this.snapshot(prefix, options)
    const parent = this.parent.iterate(prefix, options)
    let p = parent.next()
    let i = 0
    while (i < own.length || !p.done) {
      let takeOwn: boolean
      if (i >= own.length) takeOwn = false
      else if (p.done) takeOwn = true
      else {
        const ownKey = own[i][0]
        const parentKey = p.value[0]
        if (ownKey === parentKey) {
          // The overlay shadows the parent's entry.
          p = parent.next()
          takeOwn = true
        } else takeOwn = reverse ? ownKey > parentKey : ownKey < parentKey
      }
      if (takeOwn) {
        const [key, value] = own[i++]
        if (value !== null) yield [key, value]
      } else {
        const entry = p.value as [string, Uint8Array]
        p = parent.next()
        yield entry
      }
    }
  }

  private snapshot(prefix: string, options?: IterateOptions): Array<[string, Uint8Array | null]> {
    if (this.writes.size === 0) return []
    const keys = this.sorted()
    const out: Array<[string, Uint8Array | null]> = []
    for (let i = lowerBound(keys, prefix); i < keys.length && keys[i].startsWith(prefix); i++) {
      const key = keys[i]
      if (inRange(key, prefix, options)) out.push([key, this.writes.get(key)!])
    }
    if (options?.reverse) out.reverse()
    return out
  }

  /**
   * The written keys in order. New keys are sorted among themselves and merged in (linear), so a
   * block overlay of thousands of keys is not re-sorted for every transaction that iterates.
   */
  private sorted(): string[] {
    if (this.pending.length === 0) return this.sortedKeys
    const fresh = this.pending.sort()
    this.pending = []
    const old = this.sortedKeys
    if (old.length === 0) {
      this.sortedKeys = fresh
      return fresh
    }
    // A few new keys: insert each in place (a native memmove) rather than copying the array.
    if (fresh.length <= 32) {
      for (const key of fresh) old.splice(lowerBound(old, key), 0, key)
      return old
    }
    const merged = new Array<string>(old.length + fresh.length)
    let i = 0
    let j = 0
    let k = 0
    while (i < old.length && j < fresh.length) merged[k++] = old[i] < fresh[j] ? old[i++] : fresh[j++]
    while (i < old.length) merged[k++] = old[i++]
    while (j < fresh.length) merged[k++] = fresh[j++]
    this.sortedKeys = merged
    return merged
  }
}

/** The index of the first of the sorted `keys` that is >= `key` (binary search). */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < key) lo = mid + 1
    else hi = mid
  }
  return lo
}
