import {goCompare} from '../go-compat.js'
import type {Reader} from '../reader.js'
import {formatPath, type Path, type YNode} from '../source.js'
import type {Attribute, ComputeProfile} from '../types.js'
import {gpuRamKey, parseGpuRam, parseGpuUnits} from '../units.js'
import {ATTRIBUTE_KEY, field, where} from './common.js'

export function decodeGpu(r: Reader, node: YNode, path: Path): ComputeProfile['gpu'] | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: ['units', 'attributes'], closedBy: 'go'})
  if (!entries) return undefined
  let units = 0n
  let unitsText: string
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
  const decoded = attrEntry ? decodeGpuAttributes(r, attrEntry.value, [...path, 'attributes']) : undefined
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
  return {
    units: Number(units),
    attributes: decoded?.attributes ?? null,
    ...(decoded?.interconnectGroup ? {interconnectGroup: decoded.interconnectGroup} : {}),
  }
}

function decodeGpuAttributes(r: Reader, node: YNode, path: Path): {attributes: Attribute[]; interconnectGroup?: string} | undefined {
  const before = r.issues.errorCount
  const entries = r.map(node, path, where(path), {allowed: ['vendor', 'interconnect'], required: ['vendor'], closedBy: 'go'})
  const vendor = entries && field(entries, 'vendor')
  const interconnect = entries && field(entries, 'interconnect')
  const interconnectGroup = interconnect ? decodeInterconnect(r, interconnect.value, [...path, 'interconnect']) : undefined
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
  // The group is the sole opt-in signal on chain: providers read it from the GPU attributes.
  if (interconnectGroup) attrs.push({key: INTERCONNECT_GROUP_KEY, value: interconnectGroup})
  attrs.sort((a, b) => goCompare(a.key, b.key))
  return {attributes: attrs, ...(interconnectGroup ? {interconnectGroup} : {})}
}

/** The GPU attribute that carries the interconnect group (go/sdl gpu.go GPUAttributeInterconnectGroup). */
export const INTERCONNECT_GROUP_KEY = 'interconnect/group'
/** The group `interconnect: []` joins; reserved, so it cannot be written as a name. */
export const INTERCONNECT_GROUP_AUTO = 'auto'

/**
 * `gpu.attributes.interconnect`: `[]` joins the placement's implicit group ("auto"),
 * `{group: <name>}` a named one. The bare `true` of earlier drafts is refused, as Akash's parser does.
 */
function decodeInterconnect(r: Reader, node: YNode, path: Path): string | undefined {
  const kind = r.kind(node)
  const forms = 'Write interconnect: [] to join the placement\'s shared group, or interconnect: {group: <name>} for a named one.'
  if (kind === 'seq') {
    if (r.src.items(node).length === 0) return INTERCONNECT_GROUP_AUTO
    r.issues.error(path, 'bad-interconnect', `${where(path)} is a list with entries; only the empty list [] is accepted.`, {
      hint: `Use {group: <name>} to name a group. ${forms}`,
    })
    return undefined
  }
  if (kind !== 'map') {
    const bare = kind === 'boolean' || kind === 'string' || kind === 'number' || kind === 'null'
    r.issues.error(path, 'bad-interconnect', `${where(path)} is ${r.describe(node)}; a bare value (including true) is no longer accepted.`, {
      hint: forms,
      ...(bare ? {fix: {description: 'Join the placement\'s shared interconnect group', path: formatPath(path), yaml: '[]\n'}} : {}),
    })
    return undefined
  }
  const entries = r.map(node, path, where(path), {allowed: ['group'], required: ['group']})
  const group = entries && field(entries, 'group')
  if (!group) return undefined
  const gp = [...path, 'group']
  const name = r.string(group.value, gp, where(gp), {minLength: 1})
  if (name === undefined) return undefined
  if (name === INTERCONNECT_GROUP_AUTO) {
    r.issues.error(gp, 'interconnect-group-reserved', `${where(gp)} is "auto", a name reserved for services that write interconnect: [].`, {
      hint: 'Pick another name (e.g. group: train), or write interconnect: [] to join the shared group.',
    })
    return undefined
  }
  return name
}
