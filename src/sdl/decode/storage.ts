import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import {sortVolumesLikeGo} from '../storage-order.js'
import type {Attribute, VolumeDef} from '../types.js'
import {BOOL_WORDS, field, STORAGE_CLASSES, where} from './common.js'
import {decodeSize} from './size.js'

export function decodeStorage(r: Reader, node: YNode, path: Path): VolumeDef[] | undefined {
  const before = r.issues.errorCount
  const kind = r.kind(node)
  const volumes: Array<{vol: VolumeDef; path: Path}> = []
  if (kind === 'map') {
    const vol = decodeVolume(r, node, path)
    if (vol) volumes.push({vol: {...vol, name: 'default', ...(vol.name === 'default' && vol.unnamed ? {unnamed: true} : {})}, path})
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

export function decodeVolume(r: Reader, node: YNode, path: Path): VolumeDef | undefined {
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
  if (vol.name === 'default' && !(name && r.text(name.value) === 'default')) vol.unnamed = true
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

export function decodeStorageAttributes(r: Reader, node: YNode, path: Path): Attribute[] | undefined {
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
