/**
 * The demand tests in the order `edge verify` runs them: CPU, memory, then GPUs when the lease pays
 * for any. One at a time, because each one loads the container and would distort the next.
 */
import type {VerifyCheck} from '../check.js'
import type {Exec} from '../exec.js'
import type {LeaseClaim} from '../probe/claim.js'
import {type CpuDemandResult, runCpuDemand} from './cpu.js'
import {type GpuDemandOptions, type GpuDemandResult, runGpuDemand} from './gpu.js'
import {type MemoryDemandOptions, type MemoryDemandResult, runMemoryDemand} from './memory.js'

export interface DemandOptions {
  /** Seconds per timed CPU phase (default 2). */
  cpuSeconds?: number
  memory?: MemoryDemandOptions
  gpu?: GpuDemandOptions
  /** Which tests to run (default all that apply). */
  only?: Array<'cpu' | 'memory' | 'gpu'>
  signal?: AbortSignal
}

export interface DemandResults {
  checks: VerifyCheck[]
  cpu?: CpuDemandResult
  memory?: MemoryDemandResult
  gpu?: GpuDemandResult
}

export async function runDemandTests(exec: Exec, claim: LeaseClaim, options: DemandOptions = {}): Promise<DemandResults> {
  const want = (t: 'cpu' | 'memory' | 'gpu') => !options.only || options.only.includes(t)
  const out: DemandResults = {checks: []}
  if (want('cpu')) {
    const r = await runCpuDemand(exec, claim.cpuMillis, {seconds: options.cpuSeconds, signal: options.signal})
    out.checks.push(r.check)
    if (r.result) out.cpu = r.result
  }
  if (want('memory') && !options.signal?.aborted) {
    const r = await runMemoryDemand(exec, claim.memoryBytes, {signal: options.signal, ...options.memory})
    out.checks.push(r.check)
    if (r.result) out.memory = r.result
  }
  if (want('gpu') && claim.gpu.units > 0 && !options.signal?.aborted) {
    const r = await runGpuDemand(exec, claim.gpu, {signal: options.signal, ...options.gpu})
    out.checks.push(...r.checks)
    if (r.result) out.gpu = r.result
  }
  return out
}
