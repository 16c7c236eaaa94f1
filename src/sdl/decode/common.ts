import type {MapEntry, Path} from '../source.js'
import {formatPath} from '../source.js'

/** Shared pieces of the section decoders. */

export const NEXT_CASES = ['error', 'timeout', '500', '502', '503', '504', '403', '404', '429', 'off'] as const
export const STORAGE_CLASSES = ['default', 'beta1', 'beta2', 'beta3', 'ram'] as const
export const PRICE_DENOMS = ['uakt', 'uact'] as const

/** Akash's attribute key rule (go/node/types/attributes/v1), wildcard form. */
export const ATTRIBUTE_KEY = /^([a-zA-Z][\w/.-]{1,126}[\w*]?)$/

export const BOOL_WORDS: Record<string, 'true' | 'false'> = {true: 'true', on: 'true', yes: 'true', false: 'false', off: 'false', no: 'false'}

/** How a path reads at the start of a sentence. */
export const where = (path: Path): string => formatPath(path) || 'The SDL'

export function field(entries: MapEntry[], key: string): MapEntry | undefined {
  return entries.find((e) => e.key === key)
}
