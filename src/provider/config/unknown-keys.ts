/**
 * Finds the keys of a parsed config file that its validator never read: a typo such as
 * `capacity.cpuMilis` would otherwise pass silently, leaving the default in force. The validator
 * is the schema: whatever it reads (present or not) is a known key, so a field added there needs
 * no second list here.
 */

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

/** The known key nearest to a typo (case-insensitive edit distance at most a third of its length, and 3). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.min(3, Math.max(1, Math.floor(word.length / 3)))
  for (const candidate of candidates) {
    if (candidate === word) continue
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d <= bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]
}
