import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import type {ExposeDef, ExposeTo} from '../types.js'
import {where} from './common.js'
import {decodeHttpOptions, defaultHttpInput} from './http-options.js'

const EXPOSE_KEYS = ['port', 'as', 'proto', 'to', 'accept', 'http_options'] as const
const TO_KEYS = ['global', 'service', 'ip'] as const

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
