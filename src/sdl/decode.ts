import {parseLegacyDec} from './dec.js'
import type {Reader} from './reader.js'
import {formatPath, type MapEntry, type Path, type YNode} from './source.js'
import {sortVolumesLikeGo} from './storage-order.js'
import type {
  Attribute,
  ComputeProfile,
  ExposeDef,
  ExposeTo,
  HttpOptionsInput,
  PlacementProfile,
  PriceDef,
  SdlModel,
  SdlVersion,
  ServiceDef,
  ServiceDeployment,
  StorageParamsDef,
  VolumeDef,
} from './types.js'
import {gpuRamKey, parseBytes, parseCpuMillis, parseGpuRam, parseGpuUnits} from './units.js'

/**
 * Structure and Go-decoding rules in one pass: the JSON schema Akash ships with its SDL
 * (go/sdl/sdl-input.schema.yaml, which Console and chain-sdk enforce) and the stricter reads the Go
 * parser makes (units, decimals, storage attributes, GPU attributes). Cross-references between
 * sections are checked later (semantic.ts).
 */

const TOP_KEYS = ['version', 'services', 'profiles', 'deployment', 'endpoints', 'include', 'reclamation'] as const
const SERVICE_KEYS = ['image', 'command', 'args', 'env', 'expose', 'dependencies', 'params', 'credentials'] as const
const EXPOSE_KEYS = ['port', 'as', 'proto', 'to', 'accept', 'http_options'] as const
const TO_KEYS = ['global', 'service', 'ip'] as const
const HTTP_KEYS = ['max_body_size', 'proxy_buffer_size', 'read_timeout', 'send_timeout', 'next_tries', 'next_timeout', 'next_cases'] as const
export const NEXT_CASES = ['error', 'timeout', '500', '502', '503', '504', '403', '404', '429', 'off'] as const
const PARAMS_KEYS = ['storage', 'permissions', 'tee'] as const
const CREDENTIAL_KEYS = ['host', 'email', 'username', 'password'] as const
const RESOURCE_KEYS = ['cpu', 'gpu', 'memory', 'storage'] as const
const PLACEMENT_KEYS = ['attributes', 'pricing', 'signedBy'] as const
export const STORAGE_CLASSES = ['default', 'beta1', 'beta2', 'beta3', 'ram'] as const
export const PRICE_DENOMS = ['uakt', 'uact'] as const

const ENDPOINT_NAME = /^[a-z]+[-_0-9a-z]+$/
/** sdk.ValidateDenom. */
const COSMOS_DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/
/** Akash's attribute key rule (go/node/types/attributes/v1), wildcard form. */
export const ATTRIBUTE_KEY = /^([a-zA-Z][\w/.-]{1,126}[\w*]?)$/

const BOOL_WORDS: Record<string, 'true' | 'false'> = {true: 'true', on: 'true', yes: 'true', false: 'false', off: 'false', no: 'false'}

const where = (path: Path): string => formatPath(path) || 'The SDL'

function field(entries: MapEntry[], key: string): MapEntry | undefined {
  return entries.find((e) => e.key === key)
}

export function decodeSdl(r: Reader): SdlModel | undefined {
  const errorsBefore = r.issues.errorCount
  const root = r.src.root
  if (r.isNull(root)) {
    r.issues.error([], 'empty', 'The SDL file is empty.', {
      hint: 'Run `edge init` to write one from a template, or start with version, services, profiles and deployment.',
    })
    return undefined
  }
  const top = r.map(root, [], 'The SDL', {allowed: TOP_KEYS, required: ['version', 'services', 'profiles', 'deployment'], closedBy: 'go', emptyAsAbsent: ['endpoints', 'include']})
  if (!top) return undefined

  const version = decodeVersion(r, field(top, 'version'))
  const model: SdlModel = {
    version: version ?? '2.0',
    services: {},
    compute: {},
    placement: {},
    deployment: {},
    endpoints: {},
  }

  const services = field(top, 'services')
  if (services) {
    for (const e of r.named(services.value, ['services'], 'services') ?? []) {
      const svc = decodeService(r, e.value, ['services', e.key])
      if (svc) model.services[e.key] = svc
    }
  }

  const profiles = field(top, 'profiles')
  if (profiles) decodeProfiles(r, profiles.value, model)

  const deployment = field(top, 'deployment')
  if (deployment) decodeDeployment(r, deployment.value, model)

  const endpoints = field(top, 'endpoints')
  if (endpoints) decodeEndpoints(r, endpoints.value, model)

  const include = field(top, 'include')
  if (include) {
    const list = r.strings(include.value, ['include'], 'include')
    if (list) model.include = list
  }

  const reclamation = field(top, 'reclamation')
  if (reclamation) {
    const rec = decodeReclamation(r, reclamation.value)
    if (rec) model.reclamation = rec
  }

  if (r.issues.errorCount > errorsBefore || !version) return undefined
  return model
}

function decodeVersion(r: Reader, entry: MapEntry | undefined): SdlVersion | undefined {
  if (!entry) return undefined
  const path = ['version']
  const kind = r.kind(entry.value)
  const text = r.text(entry.value)
  if (kind === 'string' && (text === '2.0' || text === '2.1')) return text
  // Go reads the version with semver.ParseTolerant: "2" is 2.0.0, and anything from 2.1 up is 2.1.
  const semver = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim())
  const goVersion: SdlVersion | undefined = semver
    ? compareSemver(semver, [2, 0, 0]) === 0
      ? '2.0'
      : compareSemver(semver, [2, 1, 0]) >= 0
        ? '2.1'
        : undefined
    : undefined
  const hint = `Write version: "${goVersion ?? '2.0'}" (2.1 also merges services that share a compute profile).`
  if (!goVersion || (kind !== 'string' && kind !== 'number')) {
    r.issues.error(path, 'unsupported-version', `version is ${r.describe(entry.value)}; Akash reads SDL version "2.0" or "2.1".`, {hint})
    return undefined
  }
  if (kind === 'number') {
    r.schemaOnly(path, 'wrong-type', `version must be the text "2.0" or "2.1" in quotes, not the number ${text}.`, {hint})
  } else {
    r.schemaOnly(path, 'unsupported-version', `version is "${text}"; the SDL schema allows only "2.0" and "2.1" (Akash's Go parser reads it as ${goVersion}).`, {hint})
  }
  return goVersion
}

function compareSemver(m: RegExpExecArray, v: [number, number, number]): number {
  const parts = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
  for (let i = 0; i < 3; i++) if (parts[i] !== v[i]) return parts[i] < v[i] ? -1 : 1
  return 0
}

// ---------------------------------------------------------------------------------------------
// services

function decodeService(r: Reader, node: YNode, path: Path): ServiceDef | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: SERVICE_KEYS, required: ['image'], emptyAsAbsent: ['dependencies', 'params', 'credentials']})
  if (!entries) return undefined
  const svc: ServiceDef = {image: '', command: null, args: null, env: null, expose: [], dependencies: []}
  for (const e of entries) {
    const p = [...path, e.key]
    switch (e.key) {
      case 'image': {
        const image = r.string(e.value, p, where(p), {minLength: 1})
        if (image !== undefined) svc.image = image
        break
      }
      case 'command':
      case 'args':
      case 'env': {
        const list = r.strings(e.value, p, where(p), {nullable: true})
        if (list !== undefined) svc[e.key] = list
        break
      }
      case 'expose': {
        const items = r.seq(e.value, p, where(p), {nullable: true})
        items?.forEach((item, i) => {
          const expose = decodeExpose(r, item, [...p, i])
          if (expose) svc.expose.push(expose)
        })
        break
      }
      case 'dependencies': {
        const items = r.seq(e.value, p, where(p))
        items?.forEach((item, i) => {
          const dep = r.map(item, [...p, i], where([...p, i]), {allowed: ['service']})
          const s = dep && field(dep, 'service')
          if (s) {
            const name = r.string(s.value, [...p, i, 'service'], where([...p, i, 'service']))
            if (name !== undefined) svc.dependencies.push(name)
          }
        })
        break
      }
      case 'params': {
        const params = decodeParams(r, e.value, p)
        if (params) svc.params = params
        break
      }
      case 'credentials': {
        const credentials = decodeCredentials(r, e.value, p)
        if (credentials) svc.credentials = credentials
        break
      }
    }
  }
  return r.issues.errorCount > before ? undefined : svc
}

function decodeExpose(r: Reader, node: YNode, path: Path): ExposeDef | undefined {
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

function decodeExposeTo(r: Reader, node: YNode, path: Path): ExposeTo | undefined {
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

function defaultHttpInput(): HttpOptionsInput {
  return {maxBodySize: 0, proxyBufferSize: 0, readTimeout: 0, sendTimeout: 0, nextTries: 0, nextTimeout: 0, nextCases: null}
}

function decodeHttpOptions(r: Reader, node: YNode, path: Path): HttpOptionsInput | undefined {
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

function decodeParams(r: Reader, node: YNode, path: Path): ServiceDef['params'] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: PARAMS_KEYS, emptyAsAbsent: ['permissions']})
  if (!entries) return undefined
  const params: NonNullable<ServiceDef['params']> = {storage: {}}
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'storage') {
      if (r.isNull(e.value)) {
        r.schemaOnly(p, 'wrong-type', `${where(p)} is empty.`, {hint: 'Name each volume to mount: storage: {data: {mount: /data}}, or remove storage.'})
        continue
      }
      for (const vol of r.named(e.value, p, where(p)) ?? []) {
        const vp = [...p, vol.key]
        if (r.isNull(vol.value)) {
          r.issues.error(vp, 'mount-missing', `${where(vp)} has no mount path.`, {at: 'key', hint: 'Add mount: an absolute path inside the container, e.g. mount: /data.'})
          continue
        }
        const fields = r.map(vol.value, vp, where(vp), {allowed: ['mount', 'readOnly']})
        if (!fields) continue
        const sp: StorageParamsDef = {mount: '', readOnly: false}
        const mount = field(fields, 'mount')
        const readOnly = field(fields, 'readOnly')
        if (mount) {
          const m = r.string(mount.value, [...vp, 'mount'], where([...vp, 'mount']), {minLength: 1})
          if (m !== undefined && !m.startsWith('/')) {
            r.issues.error([...vp, 'mount'], 'mount-not-absolute', `${where([...vp, 'mount'])} is "${m}", which is not an absolute path.`, {
              hint: `Mount points start with "/", e.g. mount: /${m.replace(/^\.?\/*/, '')}.`,
            })
          } else if (m !== undefined) sp.mount = m
        } else {
          r.issues.error(vp, 'mount-missing', `${where(vp)} has no mount path.`, {at: 'key', hint: 'Add mount: an absolute path inside the container, e.g. mount: /data.'})
        }
        if (readOnly) {
          const ro = r.bool(readOnly.value, [...vp, 'readOnly'], where([...vp, 'readOnly']))
          if (ro !== undefined) sp.readOnly = ro
        }
        params.storage[vol.key] = sp
      }
    } else if (e.key === 'permissions') {
      const perm = r.map(e.value, p, where(p), {allowed: ['read'], emptyAsAbsent: ['read']})
      if (!perm) continue
      params.permissions = {read: null}
      const read = field(perm, 'read')
      if (read) {
        const items = r.seq(read.value, [...p, 'read'], where([...p, 'read']))
        const list: string[] = []
        items?.forEach((item, i) => {
          const ip = [...p, 'read', i]
          const v = r.string(item, ip, where(ip), {enum: ['deployment', 'logs', 'events'], enumSchemaOnly: true})
          if (v !== undefined) list.push(v)
        })
        params.permissions.read = list
      }
    } else if (e.key === 'tee') {
      const tee = r.string(e.value, p, where(p), {enum: ['cpu', 'cpu-gpu'], enumHint: 'Use tee: cpu (confidential CPU) or tee: cpu-gpu (confidential CPU and GPU).'})
      if (tee !== undefined) params.tee = tee
    }
  }
  return r.issues.errorCount > before ? undefined : params
}

function decodeCredentials(r: Reader, node: YNode, path: Path): ServiceDef['credentials'] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: CREDENTIAL_KEYS, required: ['host', 'username', 'password']})
  if (!entries) return undefined
  const out = {host: '', email: '', username: '', password: ''}
  // The schema's minimum lengths; Go only insists that host, username and password are not blank.
  const minimum: Record<string, number> = {host: 1, username: 1, password: 6, email: 5}
  for (const e of entries) {
    const p = [...path, e.key]
    const key = e.key as keyof typeof out
    const kind = r.kind(e.value)
    // Never echo a credential value in a message.
    if (kind === 'map' || kind === 'seq' || kind === 'other') {
      r.issues.error(p, 'wrong-type', `${where(p)} must be text.`, {hint: 'Put the value in quotes.'})
      continue
    }
    if (kind !== 'string') r.schemaOnly(p, 'wrong-type', `${where(p)} must be text.`, {hint: 'Put the value in quotes.'})
    const v = kind === 'null' ? '' : r.text(e.value)
    if (key !== 'email' && v.trim() === '') {
      r.issues.error(p, 'blank', `${where(p)} is empty.`, {hint: `Set ${key} to the registry ${key === 'host' ? 'host, e.g. docker.io' : key}.`})
      continue
    }
    if (v.length < minimum[key]) {
      r.schemaOnly(p, 'too-short', `${where(p)} must be at least ${minimum[key]} characters long.`, {
        hint: key === 'email' ? 'Use the full e-mail address of the registry account, or leave email out.' : undefined,
      })
    }
    out[key] = v
  }
  return r.issues.errorCount > before ? undefined : out
}

// ---------------------------------------------------------------------------------------------
// profiles

function decodeProfiles(r: Reader, node: YNode, model: SdlModel): void {
  const entries = r.map(node, ['profiles'], 'profiles', {allowed: ['compute', 'placement'], required: ['compute', 'placement']})
  if (!entries) return
  const compute = field(entries, 'compute')
  if (compute) {
    for (const e of r.named(compute.value, ['profiles', 'compute'], 'profiles.compute') ?? []) {
      const profile = decodeCompute(r, e.value, ['profiles', 'compute', e.key])
      if (profile) model.compute[e.key] = profile
    }
  }
  const placement = field(entries, 'placement')
  if (placement) {
    for (const e of r.named(placement.value, ['profiles', 'placement'], 'profiles.placement') ?? []) {
      const profile = decodePlacement(r, e.value, ['profiles', 'placement', e.key])
      if (profile) model.placement[e.key] = profile
    }
  }
}

function decodeCompute(r: Reader, node: YNode, path: Path): ComputeProfile | undefined {
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

function decodeCpu(r: Reader, node: YNode, path: Path): ComputeProfile['cpu'] | undefined {
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
          hint: 'The only CPU attribute is arch (e.g. arch: amd64).',
        })
        ok = false
        continue
      }
      const v = r.string(a.value, [...p, a.key], where([...p, a.key]))
      if (v === undefined) ok = false
      else list.push({key: a.key, value: v})
    }
    if (list.length > 0) out.attributes = list
  }
  return ok ? out : undefined
}

function decodeGpu(r: Reader, node: YNode, path: Path): ComputeProfile['gpu'] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: ['units', 'attributes'], closedBy: 'go'})
  if (!entries) return undefined
  let units = 0n
  let unitsText = '0'
  const unitsEntry = field(entries, 'units')
  if (unitsEntry) {
    const p = [...path, 'units']
    const kind = r.kind(unitsEntry.value)
    unitsText = r.text(unitsEntry.value)
    if (kind !== 'string' && kind !== 'number') {
      r.issues.error(p, 'wrong-type', `${where(p)} must be a whole number of GPUs, not ${r.describe(unitsEntry.value)}.`)
    } else {
      const parsed = parseGpuUnits(unitsText)
      if (!parsed.ok) {
        r.issues.error(p, 'bad-gpu-units', `${where(p)} is "${unitsText}", which is not a whole number of GPUs.`, {
          hint: 'GPUs are counted in whole devices: units: 1.',
        })
      } else units = parsed.value
    }
  }
  const attrEntry = field(entries, 'attributes')
  let attributes: Attribute[] | null = null
  if (attrEntry) attributes = decodeGpuAttributes(r, attrEntry.value, [...path, 'attributes']) ?? null
  if (r.issues.errorCount > before) return undefined

  if (units > 0n && !attrEntry) {
    r.issues.error(path, 'gpu-needs-attributes', `${where(path)} asks for ${units} GPU${units === 1n ? '' : 's'} but names no vendor.`, {
      hint: 'Add attributes: {vendor: {nvidia: [{model: h100}]}} (or nvidia: with no list for any NVIDIA model).',
    })
    return undefined
  }
  if (attrEntry && units === 0n) {
    r.issues.error([...path, 'units'], 'gpu-attributes-without-units', `${where(path)} names GPU attributes but asks for 0 GPUs.`, {
      hint: 'Set units: 1 (or more), or remove the gpu section.',
    })
    return undefined
  }
  if (units > 0xffffffffn) {
    r.issues.error([...path, 'units'], 'out-of-range', `${where([...path, 'units'])} is ${units}, far more GPUs than one service can have.`)
    return undefined
  }
  return {units: Number(units), attributes}
}

function decodeGpuAttributes(r: Reader, node: YNode, path: Path): Attribute[] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: ['vendor'], required: ['vendor'], closedBy: 'go'})
  const vendor = entries && field(entries, 'vendor')
  if (!vendor) return undefined
  const vp = [...path, 'vendor']
  const vendors = r.map(vendor.value, vp, where(vp), {
    allowed: ['nvidia'],
    hints: {
      amd: 'Akash SDL can request NVIDIA GPUs only (vendor: nvidia).',
      intel: 'Akash SDL can request NVIDIA GPUs only (vendor: nvidia).',
    },
  })
  if (!vendors) return undefined
  if (r.src.entries(vendor.value).length === 0) {
    r.schemaOnly(vp, 'gpu-no-vendor', `${where(vp)} names no vendor.`, {hint: 'Add nvidia: with a list of models, e.g. nvidia: [{model: a100}].'})
  }
  const nvidia = field(vendors, 'nvidia')
  const attrs: Attribute[] = []
  if (nvidia) {
    const np = [...vp, 'nvidia']
    const models = r.seq(nvidia.value, np, where(np), {nullable: true}) ?? []
    models.forEach((m, i) => {
      const mp = [...np, i]
      const fields = r.map(m, mp, where(mp), {allowed: ['model', 'ram', 'interface'], emptyAsAbsent: ['ram', 'interface']})
      if (!fields) return
      let key = 'vendor/nvidia/model/'
      const model = field(fields, 'model')
      if (model) {
        const v = r.string(model.value, [...mp, 'model'], where([...mp, 'model']))
        if (v === undefined) return
        key += v
      }
      const ram = field(fields, 'ram')
      if (ram) {
        const rp = [...mp, 'ram']
        const v = r.string(ram.value, rp, where(rp))
        if (v === undefined) return
        const parsed = parseGpuRam(v)
        if (!parsed.ok) {
          r.issues.error(rp, 'bad-gpu-ram', `${where(rp)} is "${v}", which is not a GPU memory size.`, {
            hint: 'Write GPU memory with a binary suffix: ram: 80Gi.',
          })
          return
        }
        key += `/ram/${gpuRamKey(parsed.value)}`
      }
      const iface = field(fields, 'interface')
      if (iface) {
        const ip = [...mp, 'interface']
        const v = r.string(iface.value, ip, where(ip), {enum: ['pcie', 'sxm']})
        if (v === undefined) return
        key += `/interface/${v}`
      }
      if (!ATTRIBUTE_KEY.test(key)) {
        r.issues.error(mp, 'bad-gpu-model', `${where(mp)} makes the attribute "${key}", which Akash does not accept.`, {
          hint: 'GPU model names are lowercase letters, digits, "-" and "." (e.g. rtx4090, a100, h100).',
        })
        return
      }
      if (attrs.some((a) => a.key === key)) {
        r.issues.error(mp, 'duplicate-gpu-model', `${where(mp)} repeats the GPU "${key.slice('vendor/nvidia/model/'.length)}".`, {
          hint: 'List each model (with its ram/interface) once.',
        })
        return
      }
      attrs.push({key, value: 'true'})
    })
  }
  if (r.issues.errorCount > before) return undefined
  if (attrs.length === 0) attrs.push({key: 'vendor/nvidia/model/*', value: 'true'})
  attrs.sort((a, b) => goCompare(a.key, b.key))
  return attrs
}

function decodeSize(r: Reader, node: YNode, path: Path, what: 'memory' | 'storage'): bigint | undefined {
  const example = what === 'memory' ? '512Mi' : '1Gi'
  const kind = r.kind(node)
  if (kind !== 'string' && kind !== 'number') {
    r.issues.error(path, 'wrong-type', `${where(path)} must be a size with a unit such as ${example}, not ${r.describe(node)}.`)
    return undefined
  }
  const text = r.text(node)
  const parsed = parseBytes(text)
  if (!parsed.ok) {
    const lower = /^\d+(\.\d+)?\s*(kb|mb|gb|tb|ki?b|mib|gib|mi|gi|ti|m|g|t)$/i.test(text)
    r.issues.error(path, parsed.reason === 'negative' ? 'negative-size' : 'bad-size', `${where(path)} is "${text}", which is not a size Akash can read.`, {
      hint: lower
        ? `Use Akash's units, case-sensitive: Ki, Mi, Gi, Ti (powers of 1024) or k, M, G, T (powers of 1000), e.g. ${example}.`
        : `Write a number and a unit, e.g. ${example}.`,
    })
    return undefined
  }
  if (kind === 'number') {
    r.schemaOnly(path, 'wrong-type', `${where(path)} is the number ${text}; the SDL schema wants a size in quotes or with a unit.`, {
      hint: `Add a unit, e.g. ${example}, or quote the byte count: "${text}".`,
    })
  }
  return parsed.value
}

function decodeStorage(r: Reader, node: YNode, path: Path): VolumeDef[] | undefined {
  const before = r.issues.errorCount
  const kind = r.kind(node)
  const volumes: Array<{vol: VolumeDef; path: Path}> = []
  if (kind === 'map') {
    const vol = decodeVolume(r, node, path)
    if (vol) volumes.push({vol: {...vol, name: 'default'}, path})
  } else if (kind === 'seq') {
    r.src.items(node).forEach((item, i) => {
      const vol = decodeVolume(r, item, [...path, i])
      if (vol) volumes.push({vol, path: [...path, i]})
    })
  } else {
    r.issues.error(path, 'wrong-type', `${where(path)} must be a volume (size: 1Gi) or a list of volumes, not ${r.describe(node)}.`)
    return undefined
  }
  const seen = new Map<string, Path>()
  for (const {vol, path: p} of volumes) {
    if (seen.has(vol.name)) {
      r.issues.error(p, 'duplicate-volume', `${where(path)} has two volumes named "${vol.name}".`, {
        hint: vol.name === 'default' ? 'Only one volume may go without a name (it is called "default"); name the others.' : 'Give each volume its own name.',
      })
    }
    seen.set(vol.name, p)
  }
  if (r.issues.errorCount > before) return undefined
  return sortVolumesLikeGo(volumes.map((v) => v.vol))
}

function decodeVolume(r: Reader, node: YNode, path: Path): VolumeDef | undefined {
  const entries = r.map(node, path, where(path), {allowed: ['name', 'size', 'attributes'], required: ['size'], emptyAsAbsent: ['attributes']})
  if (!entries) return undefined
  const vol: VolumeDef = {name: 'default', bytes: 0n, attributes: null}
  let ok = true
  const name = field(entries, 'name')
  if (name) {
    const v = r.string(name.value, [...path, 'name'], where([...path, 'name']))
    if (v === undefined) ok = false
    else if (v !== '') vol.name = v
  }
  const size = field(entries, 'size')
  if (size) {
    const bytes = decodeSize(r, size.value, [...path, 'size'], 'storage')
    if (bytes === undefined) ok = false
    else vol.bytes = bytes
  }
  const attributes = field(entries, 'attributes')
  if (attributes) {
    const attrs = decodeStorageAttributes(r, attributes.value, [...path, 'attributes'])
    if (attrs === undefined) ok = false
    else vol.attributes = attrs
  }
  return ok ? vol : undefined
}

function decodeStorageAttributes(r: Reader, node: YNode, path: Path): Attribute[] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: ['class', 'persistent'], schemaRequired: ['class', 'persistent'], closedBy: 'go'})
  if (!entries) return undefined
  const classEntry = field(entries, 'class')
  const persistentEntry = field(entries, 'persistent')
  const cp = [...path, 'class']
  const pp = [...path, 'persistent']
  for (const e of [classEntry, persistentEntry]) {
    if (!e) continue
    const k = r.kind(e.value)
    if (k === 'map' || k === 'seq' || k === 'other') {
      r.issues.error([...path, e.key], 'wrong-type', `${where([...path, e.key])} must be a single value, not ${r.describe(e.value)}.`)
      return undefined
    }
  }
  let cls = classEntry ? (r.string(classEntry.value, cp, where(cp)) ?? '') : ''
  const rawPersistent = persistentEntry ? r.text(persistentEntry.value) : 'false'
  if (persistentEntry && !['boolean', 'string'].includes(r.kind(persistentEntry.value))) {
    r.schemaOnly(pp, 'wrong-type', `${where(pp)} must be true or false, not ${r.describe(persistentEntry.value)}.`)
  }
  // Go's order of checks (go/sdl/storage.go), on the raw text before "yes"/"on" are normalised.
  if (cls === '') {
    if (rawPersistent === 'true') cls = 'default'
  } else if (cls === 'ram') {
    if (rawPersistent !== 'false') {
      r.issues.error(pp, 'ram-persistent', `${where(path)} asks for persistent RAM storage, which cannot exist.`, {
        hint: 'Set persistent: false for class: ram (it is a memory-backed volume that starts empty).',
      })
      return undefined
    }
  } else if (rawPersistent === 'false') {
    r.issues.error(pp, 'class-needs-persistent', `${where(path)} has class: ${cls} but is not persistent; only persistent volumes (and ram) have a class.`, {
      hint: 'Set persistent: true to keep the data across restarts, or remove the attributes for plain ephemeral storage.',
    })
    return undefined
  }
  const persistent = BOOL_WORDS[rawPersistent]
  if (!persistent) {
    r.issues.error(pp, 'bad-value', `${where(pp)} is "${rawPersistent}", which is not true or false.`, {hint: 'Write persistent: true or persistent: false.'})
    return undefined
  }
  if (cls !== '' && !(STORAGE_CLASSES as readonly string[]).includes(cls)) {
    r.issues.error(cp, 'bad-value', `${where(cp)} is "${cls}", which is not a storage class.`, {
      hint: 'Storage classes: beta1 (HDD), beta2 (SSD), beta3 (NVMe), default, or ram (memory-backed, not persistent).',
    })
    return undefined
  }
  if (cls !== 'ram' && cls !== '' && persistentEntry && rawPersistent !== 'true' && r.kind(persistentEntry.value) !== 'boolean') {
    r.schemaOnly(pp, 'bad-value', `${where(pp)} is "${rawPersistent}"; the SDL schema wants true for class ${cls}.`, {hint: 'Write persistent: true.'})
  }
  if (r.issues.errorCount > before) return undefined
  const attrs: Attribute[] = []
  if (cls !== '') attrs.push({key: 'class', value: cls})
  attrs.push({key: 'persistent', value: persistent})
  return attrs
}

function decodePlacement(r: Reader, node: YNode, path: Path): PlacementProfile | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: PLACEMENT_KEYS, required: ['pricing'], emptyAsAbsent: ['attributes', 'signedBy']})
  if (!entries) return undefined
  const out: PlacementProfile = {attributes: null, signedBy: {allOf: null, anyOf: null}, pricing: {}}
  for (const e of entries) {
    const p = [...path, e.key]
    if (e.key === 'attributes') {
      const list: Attribute[] = []
      for (const a of r.named(e.value, p, where(p)) ?? []) {
        const ap = [...p, a.key]
        const k = r.kind(a.value)
        if (k === 'map' || k === 'seq' || k === 'other') {
          r.issues.error(ap, 'wrong-type', `${where(ap)} must be a single value, not ${r.describe(a.value)}.`, {
            hint: 'Placement attributes are exact key: value matches, e.g. region: us-west.',
          })
          continue
        }
        list.push({key: a.key, value: r.text(a.value)})
      }
      if (list.length > 0) out.attributes = list.sort((a, b) => goCompare(a.key, b.key))
    } else if (e.key === 'signedBy') {
      const sb = r.map(e.value, p, where(p), {allowed: ['allOf', 'anyOf'], emptyAsAbsent: ['allOf', 'anyOf']})
      for (const s of sb ?? []) {
        const list = r.strings(s.value, [...p, s.key], where([...p, s.key]))
        if (list) out.signedBy[s.key as 'allOf' | 'anyOf'] = list
      }
    } else if (e.key === 'pricing') {
      for (const pr of r.named(e.value, p, where(p)) ?? []) {
        const price = decodePrice(r, pr.value, [...p, pr.key])
        if (price) out.pricing[pr.key] = price
      }
    }
  }
  return r.issues.errorCount > before ? undefined : out
}

function decodePrice(r: Reader, node: YNode, path: Path): PriceDef | undefined {
  const entries = r.map(node, path, where(path), {allowed: ['denom', 'amount'], required: ['denom', 'amount']})
  if (!entries) return undefined
  const denomEntry = field(entries, 'denom')
  const amountEntry = field(entries, 'amount')
  let amount: bigint | undefined
  let amountText = ''
  if (amountEntry) {
    const ap = [...path, 'amount']
    const kind = r.kind(amountEntry.value)
    amountText = r.text(amountEntry.value)
    if (kind !== 'string' && kind !== 'number') {
      r.issues.error(ap, 'wrong-type', `${where(ap)} must be a number, not ${r.describe(amountEntry.value)}.`)
    } else {
      const dec = parseLegacyDec(amountText)
      if (!dec.ok) {
        r.issues.error(ap, 'bad-amount', `${where(ap)} is ${kind === 'string' ? `"${amountText}"` : amountText}, which ${dec.problem}.`, {
          hint: 'Write the per-block price as digits with at most 18 decimal places, e.g. amount: 1000.',
        })
      } else if (dec.value < 0n) {
        r.issues.error(ap, 'negative-amount', `${where(ap)} is negative.`, {hint: 'A price must be more than 0.'})
      } else if (dec.value === 0n) {
        r.issues.error(ap, 'zero-amount', `${where(ap)} is 0; Akash does not accept a zero price.`, {
          hint: 'Set the most you will pay per block, e.g. amount: 1000 (uact; 1,000,000 uact = 1 ACT ≈ 1 USD).',
        })
      } else {
        if (kind === 'string' && !/^[0-9]+(\.[0-9]+)?$/.test(amountText)) {
          r.schemaOnly(ap, 'bad-amount', `${where(ap)} is "${amountText}", which the SDL schema does not accept.`, {hint: 'Write plain digits, e.g. amount: 1000.'})
        }
        amount = dec.value
      }
    }
  }
  let denom: string | undefined
  if (denomEntry) {
    const dp = [...path, 'denom']
    const d = r.string(denomEntry.value, dp, where(dp))
    if (d !== undefined) {
      const fix = {description: 'Price in uact', path: formatPath(path), yaml: `denom: uact\namount: ${amountText || '1000'}\n`}
      const hint = 'Price in uact (Akash Compute Token: 1 ACT ≈ 1 USD, 1,000,000 uact = 1 ACT).'
      if (!COSMOS_DENOM.test(d)) {
        r.issues.error(dp, 'bad-denom', `${where(dp)} is "${d}", which is not a denom.`, {hint, fix})
      } else {
        if (!(PRICE_DENOMS as readonly string[]).includes(d)) {
          const ibc = d.startsWith('ibc/')
          r.schemaOnly(
            dp,
            ibc ? 'denom-ibc' : 'bad-denom',
            ibc
              ? `${where(dp)} is the IBC denom "${d}" (axlUSDC), which Akash no longer accepts for new deployments.`
              : `${where(dp)} is "${d}", which is not a denom Akash prices leases in.`,
            {hint, fix},
          )
        }
        denom = d
      }
    }
  }
  if (denom === undefined || amount === undefined) return undefined
  return {denom, amount}
}

// ---------------------------------------------------------------------------------------------
// deployment, endpoints, reclamation

function decodeDeployment(r: Reader, node: YNode, model: SdlModel): void {
  for (const svc of r.named(node, ['deployment'], 'deployment') ?? []) {
    const sp = ['deployment', svc.key]
    const placements = r.named(svc.value, sp, where(sp))
    if (!placements) continue
    const out: Record<string, ServiceDeployment> = {}
    let ok = true
    for (const pl of placements) {
      const pp = [...sp, pl.key]
      const fields = r.map(pl.value, pp, where(pp), {allowed: ['profile', 'count'], required: ['profile', 'count']})
      if (!fields) {
        ok = false
        continue
      }
      const profileEntry = field(fields, 'profile')
      const countEntry = field(fields, 'count')
      const profile = profileEntry && r.string(profileEntry.value, [...pp, 'profile'], where([...pp, 'profile']))
      const count =
        countEntry &&
        r.integer(countEntry.value, [...pp, 'count'], where([...pp, 'count']), {
          min: 1,
          max: 0xffffffff,
          hint: 'count is how many instances of the service to run; at least 1.',
        })
      if (profile === undefined || count === undefined) {
        ok = false
        continue
      }
      out[pl.key] = {profile, count}
    }
    if (ok) model.deployment[svc.key] = out
  }
}

function decodeEndpoints(r: Reader, node: YNode, model: SdlModel): void {
  for (const ep of r.named(node, ['endpoints'], 'endpoints') ?? []) {
    const p = ['endpoints', ep.key]
    if (!ENDPOINT_NAME.test(ep.key)) {
      r.issues.error(p, 'bad-endpoint-name', `The endpoint name "${ep.key}" is not allowed.`, {
        at: 'key',
        hint: 'Endpoint names are at least two characters: lowercase letters first, then lowercase letters, digits, "-" or "_" (e.g. myip).',
      })
      continue
    }
    const fields = r.map(ep.value, p, where(p), {allowed: ['kind'], required: ['kind']})
    const kind = fields && field(fields, 'kind')
    if (!kind) continue
    const k = r.string(kind.value, [...p, 'kind'], where([...p, 'kind']), {enum: ['ip'], enumHint: 'The only endpoint kind is ip (a leased IP address).'})
    if (k !== undefined) model.endpoints[ep.key] = {kind: k}
  }
}

function decodeReclamation(r: Reader, node: YNode): SdlModel['reclamation'] | undefined {
  const fields = r.map(node, ['reclamation'], 'reclamation', {allowed: ['min_window'], required: ['min_window']})
  const mw = fields && field(fields, 'min_window')
  if (!mw) return undefined
  const p = ['reclamation', 'min_window']
  const s = r.string(mw.value, p, where(p))
  if (s === undefined) return undefined
  const m = /^([1-9][0-9]*)(s|m|h)$/.exec(s)
  if (m) return {minWindow: s, seconds: Number(m[1]) * {s: 1, m: 60, h: 3600}[m[2] as 's' | 'm' | 'h']}
  const goSeconds = parseGoDuration(s)
  if (goSeconds === undefined || goSeconds <= 0) {
    r.issues.error(p, 'bad-window', `${where(p)} is "${s}", which is not a positive duration.`, {
      hint: 'Write one whole number and one unit, e.g. "90m", "24h" or "3600s".',
    })
    return undefined
  }
  r.schemaOnly(p, 'bad-window', `${where(p)} is "${s}"; the SDL schema wants one whole number and one unit (s, m or h).`, {
    hint: `Write "${Number.isInteger(goSeconds / 60) ? `${goSeconds / 60}m` : `${Math.ceil(goSeconds)}s`}".`,
  })
  return {minWindow: s, seconds: goSeconds}
}

/** Go's time.ParseDuration, in seconds ("1h30m" → 5400). */
export function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = {ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600}
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return undefined
  let total = 0
  while (rest !== '') {
    const match = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest)
    if (!match) return undefined
    total += Number(match[1]) * units[match[2]]
    rest = rest.slice(match[0].length)
  }
  return sign * total
}

/** Go's string order (byte-wise UTF-8), which sort.Strings uses. */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return Buffer.compare(ba, bb)
}
