/**
 * GPUs: what the kernel shows against what nvidia-smi claims and what the lease pays for.
 *
 * Sources, from hardest to easiest to fake inside a container:
 * - the PCI device id in sysfs (the card's configuration space; sysfs is not namespaced, so it
 *   lists the whole host's GPUs, a lower bound on what the host has);
 * - the NVIDIA driver's procfs (`/proc/driver/nvidia/gpus/<bus>/information`): the container
 *   runtime shows only the GPUs given to this container there, with their device nodes;
 * - nvidia-smi, which is any program named nvidia-smi on the PATH.
 * A provider that owns the host can fake all of them (a VM can present any PCI id), which is why
 * the demand tests exist; these checks catch the cheap lies (issue 14: a shim claiming 8 GPUs).
 */
import {type VerifyCheck, failCheck, passCheck, plural, skipCheck, warnCheck} from '../check.js'
import type {GpuClaim, LeaseClaim} from './claim.js'
import {modelOfName, normalizeBusId} from './gpu-models.js'
import type {KernelGpu, PciGpu, ProbeFacts} from './parse.js'

export function compareGpus(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck[] {
  const g = facts.gpu
  const paid = claim.gpu.units
  if (paid === 0) return []
  const kernel = g.kernel
  const pciByBus = new Map(g.pci.map((p) => [p.address, p]))
  const checks: VerifyCheck[] = []
  const base = {paid_gpus: paid, kernel_gpus: kernel.length, device_nodes: g.devNodes.length, pci_gpus: g.pci.length, smi_gpus: g.smi.gpus.length, driver: g.driver}

  if (!g.procfs) {
    checks.push(failCheck('probe.gpu_kernel', `the lease pays for ${plural(paid, 'GPU')}; the container has no NVIDIA driver interface (/proc/driver/nvidia is absent)`, base))
  } else if (kernel.length < paid) {
    checks.push(failCheck('probe.gpu_kernel', `the lease pays for ${plural(paid, 'GPU')}; the kernel lists ${kernel.length} (/proc/driver/nvidia/gpus)`, base))
  } else {
    checks.push(passCheck('probe.gpu_kernel', `the kernel lists ${plural(kernel.length, 'GPU')} (/proc/driver/nvidia/gpus); the lease pays for ${paid}`, base))
  }

  // A GPU is usable only through its /dev/nvidiaN node; the runtime creates nodes for the GPUs it gives.
  if (g.procfs && g.devNodes.length < Math.min(paid, kernel.length || paid)) {
    checks.push(failCheck('probe.gpu_devices', `the lease pays for ${plural(paid, 'GPU')}; the container has device nodes for ${g.devNodes.length} (${g.devNodes.join(', ') || 'none'})`, base))
  }

  if (!g.pciSysfs) {
    checks.push(skipCheck('probe.gpu_pci', 'the container cannot read /sys/bus/pci', base))
  } else if (g.pci.length < paid) {
    checks.push(failCheck('probe.gpu_pci', `the lease pays for ${plural(paid, 'GPU')}; the PCI bus has ${plural(g.pci.length, 'NVIDIA GPU')}`, base))
  } else {
    const missing = kernel.filter((k) => !pciByBus.has(k.bus))
    if (missing.length > 0) {
      checks.push(failCheck('probe.gpu_pci', `the driver lists ${missing.map((k) => k.bus).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not NVIDIA GPUs on the PCI bus`, base))
    } else {
      checks.push(passCheck('probe.gpu_pci', `the PCI bus has ${plural(g.pci.length, 'NVIDIA GPU')}, every one the driver lists among them`, base))
    }
  }

  checks.push(compareSmi(facts))
  checks.push(...compareModels(kernel, pciByBus, claim.gpu.accept, paid))
  return checks
}

function compareSmi(facts: ProbeFacts): VerifyCheck {
  const {kernel, smi} = facts.gpu
  const evidence = {smi_path: smi.path, smi_exit: smi.exitCode, smi_gpus: smi.gpus.length, kernel_gpus: kernel.length}
  if (!smi.present) return skipCheck('probe.gpu_smi', 'nvidia-smi is not in the image; GPUs were counted from the kernel interfaces only', evidence)
  if (smi.exitCode !== 0 && smi.gpus.length === 0) {
    return warnCheck('probe.gpu_smi', `nvidia-smi failed (exit ${smi.exitCode ?? '?'}): ${smi.errors[0] ?? 'no output'}`, evidence)
  }
  if (smi.gpus.length > kernel.length) {
    return failCheck('probe.gpu_smi', `nvidia-smi claims ${plural(smi.gpus.length, 'GPU')}, the kernel lists ${kernel.length}`, evidence)
  }
  const problems: string[] = []
  const byBus = new Map(kernel.map((k) => [k.bus, k]))
  const kernelUuids = new Set(kernel.map((k) => k.uuid?.toLowerCase()).filter(Boolean))
  for (const s of smi.gpus) {
    const k = s.busId ? byBus.get(normalizeBusId(s.busId)) : undefined
    if (s.busId && !k) problems.push(`nvidia-smi names a GPU at ${s.busId}, where the kernel lists none`)
    if (s.uuid && kernelUuids.size > 0 && !kernelUuids.has(s.uuid.toLowerCase())) problems.push(`nvidia-smi names ${s.uuid}, which the kernel does not list`)
    if (k?.model && s.name && modelOfName(k.model) !== modelOfName(s.name)) {
      problems.push(`nvidia-smi calls the GPU at ${k.bus} "${s.name}", the kernel calls it "${k.model}"`)
    }
  }
  if (problems.length > 0) return failCheck('probe.gpu_smi', problems.join('; '), evidence)
  if (smi.gpus.length < kernel.length) {
    return warnCheck('probe.gpu_smi', `nvidia-smi shows ${smi.gpus.length} of the ${plural(kernel.length, 'GPU')} the kernel lists`, evidence)
  }
  return passCheck('probe.gpu_smi', `nvidia-smi agrees with the kernel (${plural(kernel.length, 'GPU')}, same bus ids, names and UUIDs)`, evidence)
}

/** What one GPU is, from the best source at hand; the PCI id wins over names. */
interface Observed {
  bus: string
  model?: string
  name?: string
  deviceId?: string
  vramGiB?: number
  interface?: 'pcie' | 'sxm'
  /** The driver's name and the PCI id disagree. */
  conflict?: string
}

function observe(k: KernelGpu, pci: PciGpu | undefined): Observed {
  const fromName = k.model ? modelOfName(k.model) : undefined
  const known = pci?.known
  const o: Observed = {bus: k.bus, model: known?.model ?? fromName, name: k.model, deviceId: pci?.deviceId, vramGiB: known?.vramGiB, interface: known?.interface}
  if (known && fromName && fromName !== known.model) o.conflict = `the driver calls the GPU at ${k.bus} "${k.model}", its PCI id 10de:${pci!.deviceId} says ${known.name}`
  return o
}

function compareModels(kernel: KernelGpu[], pciByBus: Map<string, PciGpu>, accept: GpuClaim[], paid: number): VerifyCheck[] {
  if (kernel.length === 0) return []
  const observed = kernel.map((k) => observe(k, pciByBus.get(k.bus)))
  const evidence: Record<string, string> = {}
  observed.forEach((o, i) => {
    evidence[`gpu${i}`] = [o.model ?? 'unknown', o.name && `"${o.name}"`, o.deviceId && `10de:${o.deviceId}`, o.vramGiB && `${o.vramGiB}Gi`, o.interface].filter(Boolean).join(' ')
  })
  const models = accept.filter((a) => a.model !== '*')
  const wanted = models.map(describe).join(' or ')
  const checks: VerifyCheck[] = []

  const conflicts = observed.filter((o) => o.conflict).map((o) => o.conflict!)
  const unknown = observed.filter((o) => !o.model)
  // A lease is satisfied by `paid` GPUs that each fit one accepted model; extra GPUs do not matter.
  const fits = (o: Observed, pred: (o: Observed, a: GpuClaim) => boolean) => accept.length === 0 || accept.some((a) => pred(o, a))
  const modelOk = (o: Observed, a: GpuClaim) => a.model === '*' || o.model === a.model
  const wrongModel = models.length > 0 ? observed.filter((o) => o.model && !fits(o, modelOk)) : []
  if (conflicts.length > 0) checks.push(failCheck('probe.gpu_model', conflicts.join('; '), evidence))
  else if (models.length > 0 && observed.length - wrongModel.length < paid && wrongModel.length > 0) {
    const list = wrongModel.map((o) => `the GPU at ${o.bus} is ${o.model}${o.deviceId ? ` (PCI 10de:${o.deviceId})` : ''}`).join('; ')
    checks.push(failCheck('probe.gpu_model', `the lease pays for ${wanted}; ${list}`, evidence))
  } else if (unknown.length === observed.length) {
    checks.push(skipCheck('probe.gpu_model', 'the driver names no model and the PCI ids are not known to edge', evidence))
  } else {
    checks.push(passCheck('probe.gpu_model', models.length > 0 ? `the GPUs are ${wanted}` : `the lease accepts any NVIDIA GPU; found ${[...new Set(observed.map((o) => o.model ?? 'unknown'))].join(', ')}`, evidence))
  }

  const ramClaims = accept.filter((a) => a.ramGiB !== undefined)
  if (ramClaims.length > 0) {
    const small = observed.filter((o) => o.vramGiB !== undefined && !ramClaims.some((a) => o.vramGiB! >= a.ramGiB!))
    const wantedRam = [...new Set(ramClaims.map((a) => `${a.ramGiB}Gi`))].join(' or ')
    if (small.length > 0 && observed.length - small.length < paid) {
      checks.push(failCheck('probe.gpu_vram', `the lease pays for GPUs with ${wantedRam}; ${small.map((o) => `the GPU at ${o.bus} (PCI 10de:${o.deviceId}) has ${o.vramGiB}Gi`).join('; ')}`, evidence))
    } else if (observed.every((o) => o.vramGiB === undefined)) {
      checks.push(skipCheck('probe.gpu_vram', `the PCI ids do not tell the memory size; the demand test measures it (the lease pays for ${wantedRam})`, evidence))
    } else checks.push(passCheck('probe.gpu_vram', `the PCI ids are of ${wantedRam} parts`, evidence))
  }

  const ifaceClaims = accept.filter((a) => a.interface !== undefined)
  if (ifaceClaims.length > 0) {
    const wrong = observed.filter((o) => o.interface !== undefined && !ifaceClaims.some((a) => a.interface === o.interface))
    const wantedIface = [...new Set(ifaceClaims.map((a) => a.interface))].join(' or ')
    if (wrong.length > 0 && observed.length - wrong.length < paid) {
      checks.push(failCheck('probe.gpu_interface', `the lease pays for ${wantedIface} GPUs; ${wrong.map((o) => `the GPU at ${o.bus} is ${o.interface}`).join('; ')}`, evidence))
    } else if (observed.every((o) => o.interface === undefined)) {
      checks.push(skipCheck('probe.gpu_interface', `the PCI ids do not tell the form factor (the lease pays for ${wantedIface})`, evidence))
    } else checks.push(passCheck('probe.gpu_interface', `the GPUs are ${wantedIface} parts`, evidence))
  }
  return checks
}

function describe(c: GpuClaim): string {
  return [c.model, c.ramGiB !== undefined ? `${c.ramGiB}Gi` : '', c.interface ?? ''].filter(Boolean).join(' ')
}
