import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import type {ExposeDef, ExposeTo, HttpOptionsInput} from '../types.js'
import {NEXT_CASES, where} from './common.js'

const EXPOSE_KEYS = ['port', 'as', 'proto', 'to', 'accept', 'http_options'] as const
const TO_KEYS = ['global', 'service', 'ip'] as const
const HTTP_KEYS = ['max_body_size', 'proxy_buffer_size', 'read_timeout', 'send_timeout', 'next_tries', 'next_timeout', 'next_cases'] as const

export function decodeExpose(r: Reader, node: YNode, path: Path): ExposeDef | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: EXPOSE_KEYS, required: ['port'], emptyAsAbsent: ['accept', 'to', 'http_options', 'proto', 'as']})
  if (!entries) return undefined
  const expose: ExposeDef = {port: 0, as: 0, proto: '', to: [], accept: null, httpOptions: defaultHttpInput()}
  for (const e of entries) {
    const p = [...path, e.key]
    switch (e.key) {
      case 'port':
      case 'as': {
        const port = r.integer(e.value, p, where(p), {
          min: 1,
          max: 65535,
          hint: e.key === 'port' ? 'port is the port the container listens on (1–65535).' : 'as is the port the world sees (1–65535); as: 80 gives an HTTP hostname.',
        })
        if (port !== undefined) expose[e.key] = port
        break
      }
      case 'proto': {
        const proto = r.string(e.value, p, where(p))
        if (proto === undefined) break
        const hint = 'Use proto: tcp (the default) or proto: udp.'
        if (!['TCP', 'UDP', ''].includes(proto.toUpperCase())) {
          r.issues.error(p, 'bad-value', `${where(p)} is "${proto}", which is not a protocol Akash exposes.`, {hint})
          break
        }
        if (!['TCP', 'UDP', 'tcp', 'udp'].includes(proto)) {
          r.schemaOnly(p, 'bad-value', `${where(p)} is "${proto}"; the SDL schema allows TCP, UDP, tcp or udp.`, {hint})
        }
        expose.proto = proto
        break
      }
      case 'accept': {
        const hosts = r.strings(e.value, p, where(p))
        if (hosts) expose.accept = hosts
        break
      }
      case 'to': {
        const items = r.seq(e.value, p, where(p))
        items?.forEach((item, i) => {
          const to = decodeExposeTo(r, item, [...p, i])
          if (to) expose.to.push(to)
        })
        break
      }
      case 'http_options': {
        const options = decodeHttpOptions(r, e.value, p)
        if (options) expose.httpOptions = options
        break
      }
    }
  }
  return r.issues.errorCount > before ? undefined : expose
}

export function decodeExposeTo(r: Reader, node: YNode, path: Path): ExposeTo | undefined {
  const entries = r.map(node, path, where(path), {allowed: TO_KEYS})
  if (!entries) return undefined
  const to: ExposeTo = {service: '', global: false, ip: ''}
  let ok = true
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'global') {
      const v = r.bool(e.value, p, where(p))
      if (v === undefined) ok = false
      else to.global = v
    } else {
      const v = r.string(e.value, p, where(p), {minLength: e.key === 'ip' ? 1 : undefined, minLengthSchemaOnly: true})
      if (v === undefined) ok = false
      else to[e.key as 'service' | 'ip'] = v
    }
  }
  if (ok && to.ip !== '' && !to.global) {
    r.issues.error(path, 'ip-needs-global', `${where(path)} uses the IP endpoint "${to.ip}" but is not global.`, {
      hint: 'A leased IP is reachable from the internet only: add global: true to this entry.',
    })
    ok = false
  }
  return ok ? to : undefined
}

export function defaultHttpInput(): HttpOptionsInput {
  return {maxBodySize: 0, proxyBufferSize: 0, readTimeout: 0, sendTimeout: 0, nextTries: 0, nextTimeout: 0, nextCases: null}
}

export function decodeHttpOptions(r: Reader, node: YNode, path: Path): HttpOptionsInput | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: HTTP_KEYS, emptyAsAbsent: ['next_cases']})
  if (!entries) return undefined
  const out = defaultHttpInput()
  const limits: Record<string, [keyof HttpOptionsInput, number | undefined, string?]> = {
    max_body_size: ['maxBodySize', 104857600, 'The largest request body allowed is 100 MiB (104857600).'],
    proxy_buffer_size: ['proxyBufferSize', 1048576, 'The largest proxy buffer allowed is 1 MiB (1048576).'],
    read_timeout: ['readTimeout', 60000, 'Timeouts are in milliseconds, at most 60000 (60 s).'],
    send_timeout: ['sendTimeout', 60000, 'Timeouts are in milliseconds, at most 60000 (60 s).'],
    next_tries: ['nextTries', undefined],
    next_timeout: ['nextTimeout', undefined],
  }
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'next_cases') {
      const items = r.seq(e.value, p, where(p))
      if (!items) continue
      const cases: string[] = []
      items.forEach((item, i) => {
        const c = r.string(item, [...p, i], where([...p, i]), {enum: NEXT_CASES})
        if (c !== undefined) cases.push(c)
      })
      if (cases.includes('off') && items.length > 1) {
        r.issues.error(p, 'next-cases-off', `${where(p)} lists "off" together with other cases.`, {
          hint: 'Use next_cases: [off] alone to turn retries off, or list only the cases to retry on.',
        })
      }
      out.nextCases = cases
      continue
    }
    const [key, max, hint] = limits[e.key]
    const v = r.integer(e.value, p, where(p), {min: 0, max: max ?? 0xffffffff, hint})
    if (v !== undefined) (out[key] as number) = v
  }
  return r.issues.errorCount > before ? undefined : out
}
