import {type Reader, suggest} from '../reader.js'
import type {Path, YNode} from '../source.js'
import type {Attribute, ComputeProfile} from '../types.js'
import {parseCpuMillis} from '../units.js'
import {field, where} from './common.js'
import {decodeGpu} from './gpu.js'
import {decodeSize} from './size.js'
import {decodeStorage} from './storage.js'

const RESOURCE_KEYS = ['cpu', 'gpu', 'memory', 'storage'] as const
/** `cpu.attributes.arch` in chain-sdk alpha.45's schema (Go's GOARCH names). */
export const CPU_ARCHES = ['amd64', 'arm64'] as const
const ARCH_ALIASES: Record<string, string> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  x86: 'amd64',
  intel: 'amd64',
  amd: 'amd64',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm: 'arm64',
  armv8: 'arm64',
}

export function decodeCompute(r: Reader, node: YNode, path: Path): ComputeProfile | undefined {
  const before = r.issues.errorCount
  const top = r.map(node, path, where(path), {allowed: ['resources'], required: ['resources']})
  const res = top && field(top, 'resources')
  if (!res) return undefined
  const rp = [...path, 'resources']
  const entries = r.map(res.value, rp, where(rp), {allowed: RESOURCE_KEYS, required: ['cpu', 'memory', 'storage']})
  if (!entries) return undefined
  const profile: ComputeProfile = {cpu: {millis: 0, attributes: null}, memory: {bytes: 0n}, storage: []}
  for (const e of entries) {
    const p = [...rp, e.key]
    switch (e.key) {
      case 'cpu': {
        const cpu = decodeCpu(r, e.value, p)
        if (cpu) profile.cpu = cpu
        break
      }
      case 'gpu': {
        const gpu = decodeGpu(r, e.value, p)
        if (gpu) profile.gpu = gpu
        break
      }
      case 'memory': {
        const fields = r.map(e.value, p, where(p), {allowed: ['size'], required: ['size']})
        const size = fields && field(fields, 'size')
        if (size) {
          const bytes = decodeSize(r, size.value, [...p, 'size'], 'memory')
          if (bytes !== undefined) profile.memory = {bytes}
        }
        break
      }
      case 'storage': {
        const volumes = decodeStorage(r, e.value, p)
        if (volumes) profile.storage = volumes
        break
      }
    }
  }
  return r.issues.errorCount > before ? undefined : profile
}

export function decodeCpu(r: Reader, node: YNode, path: Path): ComputeProfile['cpu'] | undefined {
  const entries = r.map(node, path, where(path), {allowed: ['units', 'attributes'], required: ['units'], emptyAsAbsent: ['attributes']})
  if (!entries) return undefined
  let ok = true
  const out: ComputeProfile['cpu'] = {millis: 0, attributes: null}
  const units = field(entries, 'units')
  if (units) {
    const p = [...path, 'units']
    const kind = r.kind(units.value)
    const text = r.text(units.value)
    const hint = 'Write CPUs as a number (0.5, 1, 2) or millicores (500m).'
    const parsed = kind === 'string' || kind === 'number' ? parseCpuMillis(text) : undefined
    if (!parsed || !parsed.ok) {
      r.issues.error(p, 'bad-cpu', `${where(p)} is ${kind === 'string' ? `"${text}"` : r.describe(units.value)}, which is not a CPU amount.`, {hint})
      ok = false
    } else if (parsed.value === 0) {
      r.issues.error(p, 'cpu-zero', `${where(p)} is ${text}, which is less than one millicore; a service needs some CPU.`, {hint: 'Use at least 0.01 (10m).'})
      ok = false
    } else {
      if (kind === 'string' && !/^[0-9]+(\.[0-9]+)?[a-zA-Z]*$/.test(text)) {
        r.schemaOnly(p, 'bad-cpu', `${where(p)} is "${text}", which the SDL schema does not accept as CPU units.`, {hint})
      }
      out.millis = parsed.value
    }
  }
  const attributes = field(entries, 'attributes')
  if (attributes) {
    const p = [...path, 'attributes']
    const list: Attribute[] = []
    for (const a of r.named(attributes.value, p, where(p)) ?? []) {
      if (a.key !== 'arch') {
        r.issues.error([...p, a.key], 'unknown-field', `${where(p)} has an unsupported attribute "${a.key}".`, {
          at: 'key',
          hint: suggest(a.key, ['arch']) || 'The only CPU attribute is arch (amd64 or arm64).',
        })
        ok = false
        continue
      }
      // Go reads any text; chain-sdk alpha.45's schema allows amd64 and arm64 only.
      const ap = [...p, a.key]
      const raw = r.kind(a.value) === 'string' ? r.text(a.value) : undefined
      const alias = raw === undefined ? undefined : ARCH_ALIASES[raw.trim().toLowerCase()]
      const v = r.string(a.value, ap, where(ap), {
        enum: CPU_ARCHES,
        enumSchemaOnly: true,
        enumHint: alias ? `Did you mean "${alias}"? Akash names architectures as Go does: amd64 or arm64.` : 'Akash names CPU architectures as Go does: amd64 or arm64.',
      })
      if (v === undefined) ok = false
      else list.push({key: a.key, value: v})
    }
    if (list.length > 0) out.attributes = list
  }
  return ok ? out : undefined
}
