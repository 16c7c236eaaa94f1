import {stringify} from 'yaml'

import {formatSdlDuration, MAX_HTTP_TIMEOUT_MS, parseSdlDuration, suggestSdlDuration} from '../durations.js'
import type {Reader} from '../reader.js'
import {formatPath, type Path, type YNode} from '../source.js'
import type {HttpOptionsInput, ProxyOptionsInput} from '../types.js'
import {field, NEXT_CASES, where} from './common.js'

/**
 * `expose[].http_options`, as chain-sdk 1.0.0-alpha.45's schema and manifest builder read it:
 * timeouts as milliseconds or duration strings ("30s"), nginx `proxy` tuning, and Go's
 * `proxy_buffer_size` (go/sdl v0.3.1), which alpha.45 replaced by `proxy.buffer_size`.
 */

const HTTP_KEYS = ['max_body_size', 'proxy', 'proxy_buffer_size', 'read_timeout', 'send_timeout', 'next_tries', 'next_timeout', 'next_cases'] as const
const PROXY_KEYS = ['buffer_size', 'buffering_disable', 'buffers_number', 'buffers_size', 'busy_buffers_size', 'connect_timeout'] as const
const UINT32_MAX = 0xffffffff
/** go/sdl v2.go upperLimitProxyBufferSize. */
const MAX_PROXY_BUFFER_SIZE = 1_048_576

export function defaultHttpInput(): HttpOptionsInput {
  return {maxBodySize: 0, proxyBufferSize: 0, readTimeout: 0, sendTimeout: 0, nextTries: 0, nextTimeout: 0, nextCases: null, proxy: null}
}

export function decodeHttpOptions(r: Reader, node: YNode, path: Path): HttpOptionsInput | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: HTTP_KEYS, emptyAsAbsent: ['next_cases', 'proxy']})
  if (!entries) return undefined
  const out = defaultHttpInput()
  for (const e of entries) {
    const p = [...path, e.key]
    switch (e.key) {
      case 'next_cases':
        out.nextCases = decodeNextCases(r, e.value, p) ?? null
        break
      case 'read_timeout':
      case 'send_timeout': {
        const ms = decodeTimeout(r, e.value, p)
        if (ms !== undefined) out[e.key === 'read_timeout' ? 'readTimeout' : 'sendTimeout'] = ms
        break
      }
      case 'proxy':
        out.proxy = decodeProxy(r, e.value, p) ?? null
        break
      case 'proxy_buffer_size': {
        const size = r.integer(e.value, p, where(p), {min: 0, max: MAX_PROXY_BUFFER_SIZE, hint: 'The largest proxy buffer allowed is 1 MiB (1048576).'})
        if (size === undefined) break
        replacedProxyBufferSize(r, node, p, size)
        out.proxyBufferSize = size
        break
      }
      case 'max_body_size': {
        const v = r.integer(e.value, p, where(p), {min: 0, max: 104_857_600, hint: 'The largest request body allowed is 100 MiB (104857600).'})
        if (v !== undefined) out.maxBodySize = v
        break
      }
      case 'next_tries':
      case 'next_timeout': {
        const v = r.integer(e.value, p, where(p), {min: 0, max: UINT32_MAX})
        if (v !== undefined) out[e.key === 'next_tries' ? 'nextTries' : 'nextTimeout'] = v
        break
      }
    }
  }
  return r.issues.errorCount > before ? undefined : out
}

function decodeNextCases(r: Reader, node: YNode, path: Path): string[] | undefined {
  const items = r.seq(node, path, where(path))
  if (!items) return undefined
  const cases: string[] = []
  items.forEach((item, i) => {
    const c = r.string(item, [...path, i], where([...path, i]), {enum: NEXT_CASES})
    if (c !== undefined) cases.push(c)
  })
  if (cases.includes('off') && items.length > 1) {
    r.issues.error(path, 'next-cases-off', `${where(path)} lists "off" together with other cases.`, {
      hint: 'Use next_cases: [off] alone to turn retries off, or list only the cases to retry on.',
    })
  }
  return cases
}

/** chain-sdk's httpTimeout: a whole number of milliseconds, or "30s"/"1500ms"/"2m"/"1h", within uint32 ms. */
function decodeTimeout(r: Reader, node: YNode, path: Path): number | undefined {
  const kind = r.kind(node)
  const text = r.text(node)
  const hint = 'Write milliseconds (30000) or one whole number with a unit: "30s", "1500ms", "2m".'
  let ms: bigint | undefined
  if (kind === 'number' && /^[0-9]+$/.test(text)) ms = BigInt(text)
  else if (kind === 'string') ms = parseSdlDuration(text)?.ms
  if (ms === undefined) {
    const suggestion = kind === 'string' || kind === 'number' ? suggestSdlDuration(text) : undefined
    r.issues.error(path, 'bad-duration', `${where(path)} is ${r.describe(node)}, which is not a timeout chain-sdk can read.`, {
      hint: suggestion ? `Did you mean "${suggestion}"? ${hint}` : hint,
    })
    return undefined
  }
  if (ms > BigInt(MAX_HTTP_TIMEOUT_MS)) {
    r.issues.error(path, 'out-of-range', `${where(path)} is ${formatSdlDuration(ms) ?? `${ms}ms`} (${ms} ms), more than a timeout can hold (${MAX_HTTP_TIMEOUT_MS} ms, about 49 days).`, {hint})
    return undefined
  }
  return Number(ms)
}

function decodeProxy(r: Reader, node: YNode, path: Path): ProxyOptionsInput | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: PROXY_KEYS})
  if (!entries) return undefined
  const out: ProxyOptionsInput = {bufferingDisable: false, bufferSize: 0, buffersNumber: 0, buffersSize: 0, busyBuffersSize: 0, connectTimeout: 0}
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'buffering_disable') {
      const v = r.bool(e.value, p, where(p))
      if (v !== undefined) out.bufferingDisable = v
      continue
    }
    const pairs = e.key === 'buffers_number' || e.key === 'buffers_size'
    const v = r.integer(e.value, p, where(p), {
      min: pairs ? 1 : 0,
      max: UINT32_MAX,
      hint: pairs ? 'buffers_number and buffers_size are nginx proxy_buffers <number> <size>: both at least 1, e.g. 8 and 16384.' : undefined,
    })
    if (v === undefined) continue
    if (e.key === 'buffer_size') out.bufferSize = v
    else if (e.key === 'buffers_number') out.buffersNumber = v
    else if (e.key === 'buffers_size') out.buffersSize = v
    else if (e.key === 'busy_buffers_size') out.busyBuffersSize = v
    else out.connectTimeout = v
  }
  // The schema's `dependencies` and chain-sdk's buildProxyOptions: nginx takes both or neither.
  const number = field(entries, 'buffers_number')
  const size = field(entries, 'buffers_size')
  if (Boolean(number) !== Boolean(size)) {
    const missing = number ? 'buffers_size' : 'buffers_number'
    r.issues.error(path, 'proxy-buffers-pair', `${where(path)} sets ${number ? 'buffers_number' : 'buffers_size'} without ${missing}; they are set together.`, {
      at: 'key',
      hint: `Add ${missing}: ${number ? '16384 (bytes per buffer)' : '8 (how many buffers)'}, or remove ${number ? 'buffers_number' : 'buffers_size'}.`,
    })
  }
  if (r.issues.errorCount > before) return undefined
  const unset = !out.bufferingDisable && out.bufferSize === 0 && out.buffersNumber === 0 && out.buffersSize === 0 && out.busyBuffersSize === 0 && out.connectTimeout === 0
  // An empty or all-zero block is unset, as chain-sdk reads it: the manifest (and its hash) stay as without it.
  return unset ? undefined : out
}

/**
 * `proxy_buffer_size` is the go/sdl v0.3.1 spelling; chain-sdk alpha.45 (Console) rejects it and
 * reads `proxy.buffer_size`. Strict rules make it an error, Go rules a warning; the fix rewrites the
 * whole http_options block.
 */
function replacedProxyBufferSize(r: Reader, httpNode: YNode, path: Path, size: number): void {
  const httpPath = path.slice(0, -1)
  const current = (r.src.deref(httpNode) as {toJSON?: () => unknown} | null)?.toJSON?.()
  let fix
  if (current && typeof current === 'object' && !Array.isArray(current)) {
    const {proxy_buffer_size: _replaced, ...rest} = current as Record<string, unknown>
    const proxy = rest.proxy && typeof rest.proxy === 'object' ? (rest.proxy as Record<string, unknown>) : {}
    if (size > 0) rest.proxy = {...proxy, buffer_size: proxy.buffer_size ?? size}
    fix = {description: 'Move proxy_buffer_size to proxy.buffer_size', path: formatPath(httpPath), yaml: stringify(rest)}
  }
  r.schemaOnly(path, 'proxy-buffer-size-replaced', `${where(path)} is the older spelling of proxy.buffer_size, which chain-sdk 1.0.0-alpha.45 and Console no longer read.`, {
    at: 'key',
    hint: `Write proxy: {buffer_size: ${size}} under http_options instead.`,
    ...(fix ? {fix} : {}),
  })
}
