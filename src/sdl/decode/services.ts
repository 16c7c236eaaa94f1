import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import type {ServiceDef, StorageParamsDef} from '../types.js'
import {field, where} from './common.js'
import {decodeExpose} from './expose.js'

const SERVICE_KEYS = ['image', 'command', 'args', 'env', 'expose', 'dependencies', 'params', 'credentials'] as const
const PARAMS_KEYS = ['storage', 'permissions', 'tee'] as const
const CREDENTIAL_KEYS = ['host', 'email', 'username', 'password'] as const

export function decodeService(r: Reader, node: YNode, path: Path): ServiceDef | undefined {
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

export function decodeParams(r: Reader, node: YNode, path: Path): ServiceDef['params'] | undefined {
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

export function decodeCredentials(r: Reader, node: YNode, path: Path): ServiceDef['credentials'] | undefined {
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
