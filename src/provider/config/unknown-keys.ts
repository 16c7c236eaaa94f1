/**
 * Finds the keys of a parsed config file that its validator never read: a typo such as
 * `capacity.cpuMilis` would otherwise pass silently, leaving the default in force. The validator
 * is the schema: whatever it reads (present or not) is a known key, so a field added there needs
 * no second list here.
 */
import {closest} from '../../lib/closest.js'

type Reads = Map<string, Set<string>>

/** Wraps `raw` so that every key the validator reads, at every depth, is recorded. */
export function recordReads<T>(raw: T): {value: T; unknownKeys(): Array<{path: string; suggestion?: string}>} {
  const reads: Reads = new Map()
  const value = track(raw, '', reads) as T
  return {value, unknownKeys: () => unknown(raw, '', reads)}
}

function isContainer(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object'
}

function track(target: unknown, path: string, reads: Reads): unknown {
  if (!isContainer(target)) return target
  const seen = reads.get(path) ?? new Set<string>()
  reads.set(path, seen)
  return new Proxy(target, {
    get(obj, key, receiver) {
      const v = Reflect.get(obj, key, receiver)
      if (typeof key !== 'string' || (Array.isArray(obj) && (key === 'length' || typeof v === 'function'))) return v
      seen.add(key)
      return track(v, childPath(path, key, Array.isArray(obj)), reads)
    },
    // Object.entries / Object.keys: a free-form map (attributes, prices per model) takes every key.
    ownKeys(obj) {
      const keys = Reflect.ownKeys(obj)
      for (const k of keys) if (typeof k === 'string') seen.add(k)
      return keys
    },
  })
}

function childPath(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`
  return path ? `${path}.${key}` : key
}

function unknown(raw: unknown, path: string, reads: Reads): Array<{path: string; suggestion?: string}> {
  if (!isContainer(raw)) return []
  const seen = reads.get(path)
  // A section the validator never opened (it gave up earlier) is not judged.
  if (!seen) return []
  const out: Array<{path: string; suggestion?: string}> = []
  const inArray = Array.isArray(raw)
  for (const key of Object.keys(raw)) {
    const child = childPath(path, key, inArray)
    if (!inArray && !seen.has(key)) {
      const suggestion = closest(key, [...seen])
      out.push({path: child, ...(suggestion ? {suggestion: childPath(path, suggestion, false)} : {})})
      continue
    }
    out.push(...unknown(raw[key], child, reads))
  }
  return out
}
