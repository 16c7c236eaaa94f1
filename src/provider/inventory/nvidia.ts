import type {GpuConfig} from '../config/provider-config.js'

/** The query edge runs; the columns are what `parseNvidiaSmi` reads, in this order. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total,pci.bus_id', '--format=csv,noheader,nounits']

/**
 * One line per GPU: `0, GPU-5f…, NVIDIA H100 80GB HBM3, 81559, 00000000:19:00.0`. The model is
 * turned into Akash's naming (lower-case, vendor and form-factor words dropped), VRAM into `80Gi`
 * rounded to the marketed size, and the interface guessed from the name (SXM parts say so; HBM
 * parts without "PCIe" are SXM; everything else is PCIe).
 */
export function parseNvidiaSmi(output: string): GpuConfig[] {
  const gpus: GpuConfig[] = []
  for (const line of output.split('\n')) {
    if (!line.trim()) continue
    const cols = line.split(',').map((c) => c.trim())
    if (cols.length < 4) continue
    const index = Number(cols[0])
    if (!Number.isInteger(index)) continue
    const name = cols[2]
    const mib = Number(cols[3])
    const gpu: GpuConfig = {index, vendor: 'nvidia', model: akashModelName(name)}
    if (cols[1] && cols[1] !== '[N/A]') gpu.uuid = cols[1]
    if (Number.isFinite(mib) && mib > 0) gpu.ram = vramGi(mib)
    gpu.interface = guessInterface(name)
    gpus.push(gpu)
  }
  return gpus
}

/** "NVIDIA GeForce RTX 4090" → "rtx4090", "NVIDIA H100 80GB HBM3" → "h100", "Tesla T4" → "t4". */
export function akashModelName(name: string): string {
  let n = name.toLowerCase()
  n = n.replace(/\b(nvidia|geforce|tesla|quadro)\b/g, ' ')
  // Memory size, memory type and form factor are separate attributes, not part of the model.
  n = n.replace(/\b\d+\s*gb\b/g, ' ').replace(/\b(hbm\d*e?|pcie|sxm\d*|nvl|gddr\d+x?)\b/g, ' ')
  n = n.replace(/[^a-z0-9 ]/g, ' ').trim()
  const words = n.split(/\s+/).filter(Boolean)
  // "rtx 4090" → "rtx4090", "a100" stays, "rtx a6000" → "a6000" (Akash's list names it so).
  if (words[0] === 'rtx' && words[1] && /^a\d+/.test(words[1])) return words.slice(1).join('')
  return words.join('')
}

/** 81559 MiB → "80Gi": the nearest marketed size (8, 10, 12, 16, 20, 24, 32, 40, 48, 80, 94, 141…). */
export function vramGi(mib: number): string {
  const gib = mib / 1024
  const sizes = [1, 2, 4, 6, 8, 10, 11, 12, 16, 20, 22, 24, 32, 40, 48, 64, 80, 94, 96, 120, 128, 141, 144, 180, 192, 288]
  let best = Math.round(gib)
  let bestDiff = Infinity
  for (const s of sizes) {
    const diff = Math.abs(s - gib)
    if (diff < bestDiff && diff / s < 0.08) {
      best = s
      bestDiff = diff
    }
  }
  return `${best}Gi`
}

export function guessInterface(name: string): 'pcie' | 'sxm' {
  const n = name.toLowerCase()
  if (n.includes('sxm')) return 'sxm'
  if (n.includes('pcie')) return 'pcie'
  if (/\bhbm/.test(n) && /\b(h100|h200|a100|b200|gh200)\b/.test(n)) return 'sxm'
  return 'pcie'
}
