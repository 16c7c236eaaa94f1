/**
 * GPU demand: a seeded workload sized to most of the claimed VRAM, timed against the reference
 * table (gpu-reference.ts), with sampled results checked. Where the image has no python3 with
 * torch, the test is skipped with the reason and how to run it; it never passes without running.
 */
import {type VerifyCheck, failCheck, formatBytes, passCheck, plural, skipCheck, warnCheck} from '../check.js'
import type {Exec} from '../exec.js'
import type {GpuClaim} from '../probe/claim.js'
import {modelOfName} from '../probe/gpu-models.js'
import {GPU_DEMAND_PY} from './gpu-script.js'
import {type GpuBounds, boundsFor} from './gpu-reference.js'

/** An image that has what the GPU test needs (python3, torch with CUDA), suggested as a probe service's image. */
export const GPU_PROBE_IMAGE = 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime'

/**
 * The shell API runs commands in the lease's own container, so another image means another service:
 * a probe service in the same group, with the same GPU resources, that only sleeps.
 */
const HOW_TO_RUN = `to run it, add a probe service to the SDL with the same resources and the probe image ${GPU_PROBE_IMAGE} (or any image with python3 and a CUDA build of torch; command: sleep infinity), then run \`edge verify DSEQ --service probe\``

// sh finds python3; the Python source travels as an argument, so nothing is written to the container.
const WRAPPER = `py=$1; shift
if command -v python3 >/dev/null 2>&1; then exec python3 -c "$py" "$@"; fi
printf '%s\\n' '{"status": "no-python", "reason": "the image has no python3"}'`

export interface GpuComputeResult {
  m: number
  dtype: string
  iters: number
  seconds: number
  tflops: number
  sampled: number
  wrong: number
}

export interface GpuDeviceResult {
  index: number
  name?: string
  total?: number
  free?: number
  cc?: string
  uuid?: string
  pci_bus_id?: string
  claimed?: number
  compute?: GpuComputeResult
  bandwidth?: {bytes: number; reps: number; seconds: number; gbs: number}
  free_before_fill?: number
  memory?: {target: number; held: number; chunks: number; bad_chunks: number; oom: boolean; fill_seconds: number; verify_seconds: number}
  error?: string
}

export interface GpuDemandResult {
  status: 'ran' | 'no-tool' | 'no-cuda' | 'no-python' | 'no-output'
  reason?: string
  torch?: string
  cuda?: string | null
  seed?: number
  fraction?: number
  gpus: GpuDeviceResult[]
  exitCode: number
}

export interface GpuDemandOptions {
  /** Fresh per run by default, so results cannot be precomputed. */
  seed?: number
  /** Of the claimed VRAM to fill (default 0.85). */
  fraction?: number
  /** Seconds per timed phase (default 2). */
  seconds?: number
  /** VRAM paid per GPU; default: the smallest `ram` the lease names, else each device's total. */
  vramBytes?: bigint
  timeoutMs?: number
  signal?: AbortSignal
}

export function gpuDemandArgv(options: {seed: number; fraction: number; seconds: number; vramBytes?: bigint}): string[] {
  return ['sh', '-c', WRAPPER, 'edge-demand', GPU_DEMAND_PY, String(options.seed), String(options.fraction), options.vramBytes ? options.vramBytes.toString() : '', String(options.seconds)]
}

export function parseGpuDemand(stdout: string, exitCode: number): GpuDemandResult {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.startsWith('{'))
  if (!line) return {status: 'no-output', gpus: [], exitCode}
  try {
    const json = JSON.parse(line) as Partial<GpuDemandResult>
    return {...json, status: json.status ?? 'no-output', gpus: Array.isArray(json.gpus) ? json.gpus : [], exitCode} as GpuDemandResult
  } catch {
    return {status: 'no-output', reason: 'the GPU test printed something that is not JSON', gpus: [], exitCode}
  }
}

/** The smallest VRAM any accepted model names, in bytes (the lease is met by the smallest of them). */
export function claimedVramBytes(accept: readonly GpuClaim[]): bigint | undefined {
  const sizes = accept.map((a) => a.ramGiB).filter((r): r is number => r !== undefined)
  return sizes.length > 0 ? BigInt(Math.min(...sizes)) << 30n : undefined
}

/** The bounds to time against: the lowest among the accepted models, else the model the device names. */
function boundsForDevice(accept: readonly GpuClaim[], name: string | undefined): GpuBounds | undefined {
  const named = accept.filter((a) => a.model !== '*')
  if (named.length > 0) {
    const all = named.map((a) => boundsFor(a.model, {interface: a.interface, vramGiB: a.ramGiB})).filter((b): b is GpuBounds => b !== undefined)
    return all.length > 0 ? all.reduce((a, b) => (b.failTflops < a.failTflops ? b : a)) : undefined
  }
  return name ? boundsFor(modelOfName(name)) : undefined
}

export function judgeGpu(r: GpuDemandResult, claim: {units: number; accept: readonly GpuClaim[]}): VerifyCheck[] {
  const top = {exit_code: r.exitCode, torch: r.torch, cuda: r.cuda ?? undefined, seed: r.seed}
  if (r.status === 'no-python' || r.status === 'no-tool') {
    return [skipCheck('demand.gpu', `${r.reason ?? 'the image has no python3 with torch'}; the GPU demand test needs python3 and torch: ${HOW_TO_RUN}`, top)]
  }
  if (r.status === 'no-cuda') return [warnCheck('demand.gpu', `${r.reason ?? 'torch sees no CUDA device'}: the driver is missing or does not match the image's torch; ${HOW_TO_RUN}`, top)]
  if (r.status !== 'ran') return [warnCheck('demand.gpu', `the GPU test did not finish (exit ${r.exitCode}); nothing was proven either way`, top)]

  const checks: VerifyCheck[] = []
  if (r.gpus.length < claim.units) {
    checks.push(failCheck('demand.gpu', `the lease pays for ${plural(claim.units, 'GPU')}; CUDA shows the workload ${r.gpus.length}`, {...top, cuda_devices: r.gpus.length}))
  } else {
    checks.push(passCheck('demand.gpu', `ran on ${plural(r.gpus.length, 'CUDA device')} with torch ${r.torch ?? '?'}`, {...top, cuda_devices: r.gpus.length}))
  }
  for (const g of r.gpus) checks.push(...judgeDevice(g, claim.accept, r.fraction ?? 0.85))
  return checks
}

function judgeDevice(g: GpuDeviceResult, accept: readonly GpuClaim[], fraction: number): VerifyCheck[] {
  const subject = `gpu ${g.index}`
  const device = {name: g.name, uuid: g.uuid, pci_bus_id: g.pci_bus_id, compute_capability: g.cc, total_bytes: g.total}
  if (g.error && !g.compute) return [warnCheck('demand.gpu_compute', `the workload failed: ${g.error}; nothing was proven for this GPU`, device, subject)]
  const checks: VerifyCheck[] = []
  const bounds = boundsForDevice(accept, g.name)

  const c = g.compute
  if (c) {
    const ev = {...device, tflops: c.tflops.toFixed(1), dtype: c.dtype, m: c.m, iters: c.iters, seconds: c.seconds.toFixed(2), wrong: `${c.wrong}/${c.sampled}`, basis: bounds?.basis, fail_below_tflops: bounds?.failTflops.toFixed(0), warn_below_tflops: bounds?.warnTflops.toFixed(0)}
    const ran = `ran the seeded ${c.m}² ${c.dtype} matmul at ${c.tflops.toFixed(0)} TFLOPS`
    if (c.wrong > 0) checks.push(failCheck('demand.gpu_compute', `${c.wrong} of ${c.sampled} sampled results of the seeded matmul were wrong: the device did not compute what it was given`, ev, subject))
    else if (!bounds) checks.push(skipCheck('demand.gpu_compute', `${ran}; edge has no reference figures for ${g.name ?? 'this model'}`, ev, subject))
    else if (c.tflops < bounds.failTflops) checks.push(failCheck('demand.gpu_compute', `${ran}; a genuine ${bounds.basis} reaches at least ${bounds.failTflops.toFixed(0)}`, ev, subject))
    else if (c.tflops < bounds.warnTflops) checks.push(warnCheck('demand.gpu_compute', `${ran}, slow for a ${bounds.basis} (expected ≥ ${bounds.warnTflops.toFixed(0)}): throttled, shared or a lesser card`, ev, subject))
    else checks.push(passCheck('demand.gpu_compute', `${ran}, as a ${bounds.basis} does; 16 sampled results correct`, ev, subject))
  }

  const b = g.bandwidth
  if (b && bounds) {
    const ev = {...device, gbs: b.gbs.toFixed(0), fail_below_gbs: bounds.failBandwidthGBs.toFixed(0), warn_below_gbs: bounds.warnBandwidthGBs.toFixed(0)}
    const moved = `copied memory at ${b.gbs.toFixed(0)} GB/s`
    if (b.gbs < bounds.failBandwidthGBs) checks.push(failCheck('demand.gpu_bandwidth', `${moved}; a genuine ${bounds.basis} reaches at least ${bounds.failBandwidthGBs.toFixed(0)}`, ev, subject))
    else if (b.gbs < bounds.warnBandwidthGBs) checks.push(warnCheck('demand.gpu_bandwidth', `${moved}, slow for a ${bounds.basis} (expected ≥ ${bounds.warnBandwidthGBs.toFixed(0)})`, ev, subject))
    else checks.push(passCheck('demand.gpu_bandwidth', `${moved}, as a ${bounds.basis} does`, ev, subject))
  }

  const m = g.memory
  if (m) {
    const paid = g.claimed ?? g.total ?? 0
    const want = paid * fraction
    const ev = {...device, claimed_bytes: paid, target_bytes: m.target, held_bytes: m.held, chunks: m.chunks, bad_chunks: m.bad_chunks, oom: m.oom, free_bytes: g.free_before_fill ?? g.free}
    const held = `held and read back ${formatBytes(m.held)}`
    if (m.bad_chunks > 0) checks.push(failCheck('demand.gpu_memory', `${m.bad_chunks} of ${m.chunks} memory chunks did not read back what was written: the memory does not hold ${formatBytes(m.held)}`, ev, subject))
    else if (m.oom) checks.push(failCheck('demand.gpu_memory', `the GPU ran out of memory after ${formatBytes(m.held)}, below the ${formatBytes(m.target)} it reported free`, ev, subject))
    // The fill goes in whole chunks, so up to one chunk short of the target is the target.
    else if (m.held + (m.chunks > 0 ? m.held / m.chunks : 256 << 20) >= want) checks.push(passCheck('demand.gpu_memory', `${held}: ${Math.round((m.held / paid) * 100)}% of the ${formatBytes(paid)} the lease pays for`, ev, subject))
    else if (g.total !== undefined && g.total < paid * 0.9) checks.push(failCheck('demand.gpu_memory', `the GPU has ${formatBytes(g.total)} in all; the lease pays for ${formatBytes(paid)}`, ev, subject))
    else checks.push(warnCheck('demand.gpu_memory', `${held} of the ${formatBytes(paid)} the lease pays for: the rest is in use by something else on the GPU`, ev, subject))
  } else if (g.error) {
    checks.push(warnCheck('demand.gpu_memory', `not tested: ${g.error}`, device, subject))
  }
  return checks
}

export async function runGpuDemand(
  exec: Exec,
  claim: {units: number; accept: readonly GpuClaim[]},
  options: GpuDemandOptions = {},
): Promise<{checks: VerifyCheck[]; result?: GpuDemandResult}> {
  const seconds = options.seconds ?? 2
  const argv = gpuDemandArgv({
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    fraction: options.fraction ?? 0.85,
    seconds,
    vramBytes: options.vramBytes ?? claimedVramBytes(claim.accept),
  })
  let out
  try {
    // Per GPU: two timed phases, the fill and its read-back (~1 s per 80 GB), and CUDA start-up.
    out = await exec(argv, {timeoutMs: options.timeoutMs ?? (60 + Math.max(1, claim.units) * (seconds * 2 + 30)) * 1000, signal: options.signal})
  } catch (error) {
    return {checks: [warnCheck('demand.gpu', `the GPU test could not run: ${error instanceof Error ? error.message : String(error)}`)]}
  }
  const result = parseGpuDemand(out.stdout, out.exitCode)
  return {checks: judgeGpu(result, claim), result}
}
