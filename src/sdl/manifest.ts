import {createHash} from 'node:crypto'

import {goCompare} from './go-compat.js'
import type {Manifest} from './types.js'

/**
 * The provider's view of a manifest. The PUT body is Go's `sdk.SortJSON(json.Marshal(manifest))`:
 * keys sorted byte-wise at every level, no spaces, and `<`, `>`, `&`, U+2028, U+2029 escaped as Go
 * escapes them. The version hash (`MsgCreateDeployment.hash`) is the SHA-256 of those bytes, and the
 * provider recomputes it, so this must be exact.
 */
export function sortedJson(value: unknown): string {
  return goEscape(encodeSorted(value))
}

function encodeSorted(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : encodeSorted(v))).join(',')}]`
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('manifest numbers must be finite')
      return JSON.stringify(value)
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      const obj = value as Record<string, unknown>
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort(goCompare)
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encodeSorted(obj[k])}`).join(',')}}`
    }
    default:
      throw new TypeError(`cannot encode ${typeof value} in a manifest`)
  }
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
}

function goEscape(json: string): string {
  // These characters only occur inside JSON strings, so replacing them everywhere is safe.
  return json.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c])
}

export interface ManifestVersion {
  /** Lowercase hex of the SHA-256. */
  hex: string
  /** The 32 bytes that go into MsgCreateDeployment.hash. */
  bytes: Uint8Array
}

export function manifestToSortedJson(manifest: Manifest): string {
  return sortedJson(manifest)
}

export function versionOf(sorted: string): ManifestVersion {
  const digest = createHash('sha256').update(sorted, 'utf8').digest()
  return {hex: digest.toString('hex'), bytes: new Uint8Array(digest)}
}
