/**
 * The GPU part of the probe output: the driver's procfs, the PCI functions with NVIDIA's vendor id,
 * the device nodes, and nvidia-smi's lines, each kept apart so the comparison can set one against
 * another.
 */
import {type GpuModelInfo, modelOfDeviceId, normalizeBusId, normalizeDeviceId} from './gpu-models.js'
import {dropUndefined, toInt} from './values.js'

export interface KernelGpu {
  /** The directory name under /proc/driver/nvidia/gpus: the PCI address. */
  bus: string
  model?: string
  /** Undefined when the driver shows `GPU-????????-…` (the GPU was not initialised yet). */
  uuid?: string
  busType?: string
  minor?: number
  vbios?: string
}

export interface PciGpu {
  address: string
  /** `0x030200` */
  classCode: string
  /** `2330` */
  deviceId: string
  subsystemDevice?: string
  known?: GpuModelInfo
}

export interface SmiGpu {
  name: string
  memoryMiB?: number
  uuid?: string
  busId?: string
}

export interface GpuFacts {
  procfs: boolean
  driver?: string
  kernel: KernelGpu[]
  devNodes: string[]
  pciSysfs: boolean
  /** NVIDIA functions of PCI class 0x03xxxx (display/3D controllers): GPUs, not NVSwitches. */
  pci: PciGpu[]
  /** Other NVIDIA functions (NVSwitch bridges, audio), as evidence. */
  pciOther: PciGpu[]
  smi: {present: boolean; path?: string; exitCode?: number; gpus: SmiGpu[]; errors: string[]}
}

export function parseGpus(lines: Array<[string, string]>, one: Map<string, string>): GpuFacts {
  const kernel: KernelGpu[] = []
  for (let i = 0; one.has(`gpu.kernel.${i}.bus`); i++) {
    const info = new Map<string, string>()
    for (const [k, v] of lines) {
      if (k !== `gpu.kernel.${i}.info`) continue
      const colon = v.indexOf(':')
      if (colon > 0) info.set(v.slice(0, colon).trim().toLowerCase(), v.slice(colon + 1).trim())
    }
    const uuid = info.get('gpu uuid')
    kernel.push(
      dropUndefined({
        bus: normalizeBusId(info.get('bus location') || one.get(`gpu.kernel.${i}.bus`)!),
        model: info.get('model') || undefined,
        uuid: uuid && !uuid.includes('?') ? uuid : undefined,
        busType: info.get('bus type') || undefined,
        minor: toInt(info.get('device minor')),
        vbios: info.get('video bios') && !info.get('video bios')!.includes('?') ? info.get('video bios') : undefined,
      }),
    )
  }

  const pciAll: PciGpu[] = []
  for (let i = 0; one.has(`pci.${i}.addr`); i++) {
    const deviceId = normalizeDeviceId(one.get(`pci.${i}.device`) ?? '')
    const known = modelOfDeviceId(deviceId)
    pciAll.push(
      dropUndefined({
        address: normalizeBusId(one.get(`pci.${i}.addr`)!),
        classCode: (one.get(`pci.${i}.class`) ?? '').toLowerCase(),
        deviceId,
        subsystemDevice: one.get(`pci.${i}.subsystem_device`) ? normalizeDeviceId(one.get(`pci.${i}.subsystem_device`)!) : undefined,
        known,
      }),
    )
  }
  const isGpu = (p: PciGpu) => /^0x03[0-9a-f]{4}$/.test(p.classCode)

  const smiPath = one.get('smi.path')
  const smi: GpuFacts['smi'] = {present: Boolean(smiPath), gpus: [], errors: []}
  if (smiPath) smi.path = smiPath
  const smiExit = toInt(one.get('smi.exit'))
  if (smiExit !== undefined) smi.exitCode = smiExit
  for (const [k, v] of lines) {
    if (k !== 'smi.line') continue
    const parsed = parseSmiLine(v)
    if (parsed) smi.gpus.push(parsed)
    else smi.errors.push(v.trim())
  }

  return {
    procfs: one.get('gpu.procfs') === 'present',
    ...(one.get('gpu.driver') ? {driver: one.get('gpu.driver')} : {}),
    kernel,
    devNodes: lines.filter(([k]) => k === 'gpu.dev').map(([, v]) => v.trim()),
    pciSysfs: one.get('pci.sysfs') === 'present',
    pci: pciAll.filter(isGpu),
    pciOther: pciAll.filter((p) => !isGpu(p)),
    smi,
  }
}

/** `NVIDIA H100 80GB HBM3, 81559 MiB, GPU-5f…, 00000000:19:00.0` (name, memory.total, uuid, pci.bus_id). */
export function parseSmiLine(line: string): SmiGpu | undefined {
  const cols = line.split(',').map((c) => c.trim())
  if (cols.length < 4) return undefined
  // A name with a comma in it would shift the columns; the last three are fixed, so read from the right.
  const busId = cols.at(-1)!
  const uuid = cols.at(-2)!
  const memory = cols.at(-3)!
  const name = cols.slice(0, -3).join(', ')
  if (!/^GPU-/i.test(uuid) && !/:/.test(busId)) return undefined
  const mib = /^(\d+(?:\.\d+)?)\s*(MiB)?$/i.exec(memory)
  return dropUndefined({
    name,
    memoryMiB: mib ? Number(mib[1]) : undefined,
    uuid: /^GPU-/i.test(uuid) ? uuid : undefined,
    busId: /:/.test(busId) ? normalizeBusId(busId) : undefined,
  })
}

