import {goCompare} from '../go-compat.js'
import type {Reader} from '../reader.js'
import type {Path, YNode} from '../source.js'
import type {Attribute, ComputeProfile} from '../types.js'
import {gpuRamKey, parseGpuRam, parseGpuUnits} from '../units.js'
import {ATTRIBUTE_KEY, field, where} from './common.js'

export function decodeGpu(r: Reader, node: YNode, path: Path): ComputeProfile['gpu'] | undefined {
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

export function decodeGpuAttributes(r: Reader, node: YNode, path: Path): Attribute[] | undefined {
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
