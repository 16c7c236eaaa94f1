/**
 * Reference figures for the GPU demand test: dense 16-bit tensor throughput and memory bandwidth
 * per model, from NVIDIA's datasheets. Datasheets quote tensor TFLOPS "with sparsity" (2:4); the
 * figures here are the dense ones (half of those), because a plain matmul is dense. For 16-bit
 * matmuls PyTorch accumulates in FP32, so GeForce cards (half-rate FP32 accumulate) use the
 * "FP16 Tensor with FP32 accumulate" figure.
 *
 * The bounds are deliberately low, so an honest card on a warm, power-capped, busy machine passes:
 * a cuBLAS bf16 8192² matmul reaches ~60–80 % of the dense peak on datacenter cards and a copy
 * kernel ~80–90 % of the memory bandwidth. A card FAILS only below 35 % of its model's dense peak
 * (40 % of bandwidth), which a card one class down cannot reach: an A10 (125 TF) cannot pass as an
 * A100 (fail < 109), an A100 (312) cannot pass as an H100 SXM (fail < 346), an RTX 4090 (1 TB/s)
 * cannot pass as an H100 SXM on bandwidth (fail < 1340 GB/s). Limits of this: an A100 can reach the
 * H100 PCIe compute bound (265), so a lease that names no interface compares an H100 with its PCIe
 * figures and relies on the PCI id, the VRAM and bandwidth to tell them apart. WARN below 55 %.
 * The T4 is a 70 W card whose sustained clocks sit far under boost; its bounds are halved.
 *
 * Sources (figures as printed; dense = sparse / 2):
 * - H100 SXM5 / PCIe: NVIDIA H100 Tensor Core GPU datasheet: BF16 1,979 / 1,513 TFLOPS with
 *   sparsity; 3.35 / 2.0 TB/s.
 * - H200 SXM / NVL: NVIDIA H200 datasheet: BF16 1,979 / 1,671 TFLOPS with sparsity; 4.8 TB/s.
 * - A100 (SXM4, PCIe; 40/80 GB): NVIDIA A100 datasheet: BF16 312 TFLOPS dense (624 with
 *   sparsity); 1,555 GB/s (40 GB), 1,935 GB/s (80 GB PCIe), 2,039 GB/s (80 GB SXM).
 * - L40S: NVIDIA L40S datasheet: BF16 362.05 TFLOPS dense (733 with sparsity); 864 GB/s.
 * - L40: NVIDIA L40 datasheet: BF16 181.05 dense (362.1 with sparsity); 864 GB/s.
 * - L4: NVIDIA L4 datasheet: BF16 242 TFLOPS with sparsity; 300 GB/s.
 * - RTX 4090: NVIDIA Ada Lovelace architecture whitepaper: FP16 tensor with FP32 accumulate 165.2
 *   TFLOPS dense; 1,008 GB/s.
 * - A10: NVIDIA A10 datasheet: BF16 125 TFLOPS dense (250 with sparsity); 600 GB/s.
 * - A40: NVIDIA A40 datasheet: BF16 149.7 dense (299.4 with sparsity); 696 GB/s.
 * - RTX A6000: NVIDIA RTX A6000 datasheet: tensor 309.7 TFLOPS with sparsity; 768 GB/s.
 * - T4: NVIDIA T4 datasheet: mixed precision (FP16/FP32) 65 TFLOPS; 320 GB/s.
 * - V100 SXM2 / PCIe: NVIDIA V100 datasheet: tensor 125 / 112 TFLOPS; 900 GB/s.
 */
import type {GpuInterface} from '../probe/gpu-models.js'

export interface GpuReference {
  model: string
  /** Undefined: the figure holds for every form factor of the model. */
  interface?: GpuInterface
  /** Undefined: every memory size of the model. */
  vramGiB?: number
  denseTflops16: number
  bandwidthGBs: number
  /** Fraction of the figures below which a card fails (default FAIL_FRACTION). */
  failFraction?: number
  warnFraction?: number
}

export const FAIL_FRACTION = 0.35
export const WARN_FRACTION = 0.55
/** Bandwidth is easier to reach than compute; its bounds are a little higher. */
export const BANDWIDTH_FAIL_FRACTION = 0.4
export const BANDWIDTH_WARN_FRACTION = 0.6

export const GPU_REFERENCES: readonly GpuReference[] = [
  {model: 'h100', interface: 'sxm', denseTflops16: 989, bandwidthGBs: 3350},
  {model: 'h100', interface: 'pcie', denseTflops16: 756, bandwidthGBs: 2000},
  {model: 'h200', interface: 'sxm', denseTflops16: 989, bandwidthGBs: 4800},
  {model: 'h200', interface: 'pcie', denseTflops16: 835, bandwidthGBs: 4800},
  {model: 'a100', vramGiB: 40, denseTflops16: 312, bandwidthGBs: 1555},
  {model: 'a100', vramGiB: 80, interface: 'pcie', denseTflops16: 312, bandwidthGBs: 1935},
  {model: 'a100', vramGiB: 80, interface: 'sxm', denseTflops16: 312, bandwidthGBs: 2039},
  {model: 'l40s', denseTflops16: 362, bandwidthGBs: 864},
  {model: 'l40', denseTflops16: 181, bandwidthGBs: 864},
  {model: 'l4', denseTflops16: 121, bandwidthGBs: 300},
  {model: 'rtx4090', denseTflops16: 165, bandwidthGBs: 1008},
  {model: 'a10', denseTflops16: 125, bandwidthGBs: 600},
  {model: 'a40', denseTflops16: 150, bandwidthGBs: 696},
  {model: 'a6000', denseTflops16: 155, bandwidthGBs: 768},
  {model: 't4', denseTflops16: 65, bandwidthGBs: 320, failFraction: FAIL_FRACTION / 2, warnFraction: WARN_FRACTION / 2},
  {model: 'v100', interface: 'sxm', denseTflops16: 125, bandwidthGBs: 900},
  {model: 'v100', interface: 'pcie', denseTflops16: 112, bandwidthGBs: 900},
]

export interface GpuBounds {
  model: string
  /** What the figures are for, in words (`h100 pcie`). */
  basis: string
  failTflops: number
  warnTflops: number
  failBandwidthGBs: number
  warnBandwidthGBs: number
}

/**
 * The bounds a card must meet to be the model the lease pays for. Where the lease leaves the form
 * factor or memory size open, every matching variant counts and the lowest bound is used: the test
 * must not fail a card for being the cheaper variant of what was bought.
 */
export function boundsFor(model: string, variant: {interface?: GpuInterface; vramGiB?: number} = {}): GpuBounds | undefined {
  const matching = GPU_REFERENCES.filter(
    (r) =>
      r.model === model &&
      (variant.interface === undefined || r.interface === undefined || r.interface === variant.interface) &&
      (variant.vramGiB === undefined || r.vramGiB === undefined || r.vramGiB === variant.vramGiB),
  )
  if (matching.length === 0) return undefined
  const min = (f: (r: GpuReference) => number) => Math.min(...matching.map(f))
  const lowest = matching.reduce((a, b) => (b.denseTflops16 < a.denseTflops16 ? b : a))
  return {
    model,
    basis: [model, lowest.interface, lowest.vramGiB && `${lowest.vramGiB}Gi`].filter(Boolean).join(' '),
    failTflops: min((r) => r.denseTflops16 * (r.failFraction ?? FAIL_FRACTION)),
    warnTflops: min((r) => r.denseTflops16 * (r.warnFraction ?? WARN_FRACTION)),
    failBandwidthGBs: min((r) => r.bandwidthGBs * (r.failFraction !== undefined ? r.failFraction * (BANDWIDTH_FAIL_FRACTION / FAIL_FRACTION) : BANDWIDTH_FAIL_FRACTION)),
    warnBandwidthGBs: min((r) => r.bandwidthGBs * (r.warnFraction !== undefined ? r.warnFraction * (BANDWIDTH_WARN_FRACTION / WARN_FRACTION) : BANDWIDTH_WARN_FRACTION)),
  }
}
