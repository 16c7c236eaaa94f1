import type {Store} from '../types.js'

export interface IterateOptions {
  reverse?: boolean
  /** First key to return (inclusive); with `reverse`, the greatest key to return. */
  start?: string
}

/** A readable layer of ordered state: the committed database or an overlay on top of it. */
export interface KVReader {
  get(key: string): Uint8Array | undefined
  iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]>
}

/**
 * The smallest string greater than every string that starts with `prefix`, or undefined when
 * there is none (empty prefix, or one made only of U+FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  let end = prefix
  while (end.length > 0 && end.charCodeAt(end.length - 1) === 0xffff) end = end.slice(0, -1)
  if (end.length === 0) return undefined
  return end.slice(0, -1) + String.fromCharCode(end.charCodeAt(end.length - 1) + 1)
}

/** Whether `key` falls in the range that `iterate(prefix, options)` walks. */
export function inRange(key: string, prefix: string, options?: IterateOptions): boolean {
  if (!key.startsWith(prefix)) return false
  if (options?.start === undefined) return true
  return options.reverse ? key <= options.start : key >= options.start
}

/** A read-only Store over a reader: queries use it so that a handler cannot write by mistake. */
export class ReadOnlyStore implements Store {
  constructor(private readonly reader: KVReader) {}

  get(key: string): Uint8Array | undefined {
    return this.reader.get(key)
  }

  has(key: string): boolean {
    return this.reader.get(key) !== undefined
  }

  set(): void {
    throw new Error('state is read-only in queries')
  }

  delete(): void {
    throw new Error('state is read-only in queries')
  }

  iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]> {
    return this.reader.iterate(prefix, options)
  }
}
