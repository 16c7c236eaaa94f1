/**
 * NVIDIA PCI device ids → the GPU model, its memory and its form factor. The device id is read
 * from `/sys/bus/pci/devices/<addr>/device`, which the GPU's own configuration space supplies. A
 * fake `nvidia-smi` (a shell script, a patched NVML) cannot change it, so an id that disagrees
 * with what the driver or nvidia-smi says is a lie somewhere.
 *
 * Ids and names: pci.ids (github.com/pciutils/pciids, commit c1c12547, 2026-08-22), vendor 10de.
 * Memory and form factor: the name pci.ids gives (SXM5 80GB, PCIe, NVL…), or the product's datasheet
 * where the product exists in one form only (L40S, RTX 4090, A10, T4, L4, A40, RTX A6000: PCIe cards).
 * Only ids whose name in pci.ids says which product they are are listed; an unknown id is reported
 * as unknown, never guessed.
 */
import {akashModelName} from '../../provider/inventory/nvidia.js'

export type GpuInterface = 'pcie' | 'sxm'

export interface GpuModelInfo {
  /** Akash's model name (`h100`, `rtx4090`), as SDL `gpu.attributes.vendor.nvidia[].model` writes it. */
  model: string
  /** pci.ids's name for the device id. */
  name: string
  /** Marketed memory in GB, as Akash's `ram: 80Gi` writes it. */
  vramGiB: number
  interface: GpuInterface
}

const g = (model: string, name: string, vramGiB: number, iface: GpuInterface): GpuModelInfo => ({model, name, vramGiB, interface: iface})

export const NVIDIA_PCI_DEVICES: Readonly<Record<string, GpuModelInfo>> = {
  // Hopper
  '2330': g('h100', 'H100 SXM5 80GB', 80, 'sxm'),
  '2331': g('h100', 'H100 PCIe', 80, 'pcie'),
  '2339': g('h100', 'H100 SXM5 94GB', 94, 'sxm'),
  '2338': g('h100', 'H100 SXM5 96GB', 96, 'sxm'),
  '2337': g('h100', 'H100 SXM5 64GB', 64, 'sxm'),
  '2335': g('h200', 'H200 SXM 141GB', 141, 'sxm'),
  '233b': g('h200', 'H200 NVL', 141, 'pcie'),
  // Ampere
  '20b0': g('a100', 'A100 SXM4 40GB', 40, 'sxm'),
  '20b2': g('a100', 'A100 SXM4 80GB', 80, 'sxm'),
  '20b1': g('a100', 'A100 PCIe 40GB', 40, 'pcie'),
  '20f1': g('a100', 'A100 PCIe 40GB', 40, 'pcie'),
  '20b5': g('a100', 'A100 PCIe 80GB', 80, 'pcie'),
  '20b7': g('a30', 'A30 PCIe', 24, 'pcie'),
  '2236': g('a10', 'A10', 24, 'pcie'),
  '2237': g('a10g', 'A10G', 24, 'pcie'),
  '2235': g('a40', 'A40', 48, 'pcie'),
  '2230': g('a6000', 'RTX A6000', 48, 'pcie'),
  '2204': g('rtx3090', 'GeForce RTX 3090', 24, 'pcie'),
  // Ada
  '26b9': g('l40s', 'L40S', 48, 'pcie'),
  '26b5': g('l40', 'L40', 48, 'pcie'),
  '27b8': g('l4', 'L4', 24, 'pcie'),
  '2684': g('rtx4090', 'GeForce RTX 4090', 24, 'pcie'),
  // Turing, Volta
  '1eb8': g('t4', 'Tesla T4', 16, 'pcie'),
  '1db1': g('v100', 'Tesla V100 SXM2 16GB', 16, 'sxm'),
  '1db5': g('v100', 'Tesla V100 SXM2 32GB', 32, 'sxm'),
  '1db4': g('v100', 'Tesla V100 PCIe 16GB', 16, 'pcie'),
  '1db6': g('v100', 'Tesla V100 PCIe 32GB', 32, 'pcie'),
  // Blackwell
  '2b85': g('rtx5090', 'GeForce RTX 5090', 32, 'pcie'),
}

/** `0x2330` / `2330` → the model, or undefined for an id not in the table. */
export function modelOfDeviceId(deviceId: string): GpuModelInfo | undefined {
  return NVIDIA_PCI_DEVICES[normalizeDeviceId(deviceId)]
}

export function normalizeDeviceId(deviceId: string): string {
  return deviceId.trim().toLowerCase().replace(/^0x/, '').padStart(4, '0')
}

/** A product name as the driver or nvidia-smi writes it → Akash's model name (`NVIDIA H100 80GB HBM3` → `h100`). */
export function modelOfName(name: string): string {
  return akashModelName(name)
}

/**
 * PCI addresses in one form: nvidia-smi writes an 8-digit domain (`00000000:19:00.0`), sysfs and
 * the driver's procfs write 4 (`0000:19:00.0`), some tools upper-case the hex.
 */
export function normalizeBusId(busId: string): string {
  const m = /^(?:([0-9a-f]+):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(busId.trim())
  if (!m) return busId.trim().toLowerCase()
  const domain = (m[1] ?? '0').toLowerCase().replace(/^0+(?=[0-9a-f]{4}$)/, '').padStart(4, '0').slice(-4)
  return `${domain}:${m[2].toLowerCase()}:${m[3].toLowerCase()}.${m[4]}`
}
