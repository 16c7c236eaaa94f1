import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {localExec} from '../../../../src/verify/exec.js'
import {type GpuDemandResult, type GpuDeviceResult, boundsFor, gpuDemandArgv, judgeGpu, parseGpuDemand, runGpuDemand} from '../../../../src/verify/demand/index.js'

const FAKE_TORCH = fileURLToPath(new URL('./fake-torch', import.meta.url))
const hasPython = spawnSync('python3', ['--version']).status === 0
const GiB = 2 ** 30
const h100 = {units: 1, accept: [{vendor: 'nvidia', model: 'h100', ramGiB: 80, interface: 'sxm' as const}]}

describe('GPU demand where the image has no tool for it (real runs)', () => {
  it('skips, saying how to run it, when there is no python3', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'edge-empty-path-'))
    const exec = localExec({PATH: empty})
    const wrapped: typeof exec = (argv, o) => exec(['/bin/sh', ...argv.slice(1)], o)
    const {checks} = await runGpuDemand(wrapped, h100, {seconds: 0.1})
    expect(checks).toEqual([
      expect.objectContaining({check: 'demand.gpu', status: 'skip', reason: expect.stringMatching(/^the image has no python3; .*probe image pytorch\/pytorch:.*--service probe/)}),
    ])
  })

  it.runIf(hasPython)('skips when python3 cannot import torch (or says CUDA is missing when torch is there)', async () => {
    const {checks} = await runGpuDemand(localExec({...process.env, PYTHONPATH: mkdtempSync(join(tmpdir(), 'edge-no-torch-'))}), h100, {seconds: 0.1})
    expect(checks).toHaveLength(1)
    expect(checks[0].check).toBe('demand.gpu')
    expect(checks[0].status === 'skip' || checks[0].status === 'warn').toBe(true)
    expect(checks[0].reason).toMatch(/probe service .*--service probe/)
  })
})

describe.runIf(hasPython)('the GPU workload script, on a stand-in for torch (its whole flow, on the CPU)', () => {
  const exec = (lie: boolean) => localExec({...process.env, PYTHONPATH: FAKE_TORCH, PYTHONDONTWRITEBYTECODE: '1', EDGE_GPU_DEMAND_DEVICE: 'cpu', EDGE_FAKE_TORCH_LIE: lie ? '1' : ''})

  it('runs the seeded matmul, the copies and the fill with its read-back, and prints one JSON result', async () => {
    const out = await exec(false)(gpuDemandArgv({seed: 42, fraction: 0.85, seconds: 0.1, vramBytes: 2n << 20n}), {timeoutMs: 60_000})
    const r = parseGpuDemand(out.stdout, out.exitCode)
    expect(r).toMatchObject({status: 'ran', seed: 42, fraction: 0.85})
    expect(r.gpus).toHaveLength(1)
    const g = r.gpus[0]
    expect(g.error).toBeUndefined()
    expect(g.compute).toMatchObject({m: 24, dtype: 'bfloat16', sampled: 16, wrong: 0})
    expect(g.bandwidth?.reps).toBeGreaterThan(0)
    expect(g.memory).toMatchObject({bad_chunks: 0, oom: false})
    expect(g.memory!.held).toBeGreaterThan(0)
    expect(judgeGpu(r, {units: 1, accept: []}).find((c) => c.check === 'demand.gpu_memory')?.status).toBe('pass')
  })

  it('fails a device that returns wrong products, whatever its speed', async () => {
    const {checks} = await runGpuDemand(exec(true), {units: 1, accept: []}, {seconds: 0.1, vramBytes: 2n << 20n})
    expect(checks.find((c) => c.check === 'demand.gpu_compute')).toMatchObject({
      status: 'fail',
      subject: 'gpu 0',
      reason: '16 of 16 sampled results of the seeded matmul were wrong: the device did not compute what it was given',
    })
  })
})

/** One GPU's results as an honest H100 SXM would report them; `over` changes parts. */
function device(over: Partial<GpuDeviceResult> = {}): GpuDeviceResult {
  return {
    index: 0,
    name: 'NVIDIA H100 80GB HBM3',
    total: 81559 * 2 ** 20,
    free: 81000 * 2 ** 20,
    cc: '9.0',
    claimed: 80 * GiB,
    compute: {m: 8192, dtype: 'bfloat16', iters: 900, seconds: 2, tflops: 680, sampled: 16, wrong: 0},
    bandwidth: {bytes: GiB, reps: 2800, seconds: 1, gbs: 2900},
    free_before_fill: 80000 * 2 ** 20,
    memory: {target: 68 * GiB, held: 68 * GiB, chunks: 272, bad_chunks: 0, oom: false, fill_seconds: 0.3, verify_seconds: 0.4},
    ...over,
  }
}

const ran = (gpus: GpuDeviceResult[]): GpuDemandResult => ({status: 'ran', torch: '2.5.1', cuda: '12.4', seed: 1, fraction: 0.85, gpus, exitCode: 0})
const byId = (r: GpuDemandResult, id: string, claim = h100) => judgeGpu(r, claim).find((c) => c.check === id)

describe('GPU demand verdicts against the reference table (injected results)', () => {
  it('passes an honest H100 SXM', () => {
    const checks = judgeGpu(ran([device()]), h100)
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
    expect(checks[1].reason).toBe('ran the seeded 8192² bfloat16 matmul at 680 TFLOPS, as a h100 sxm does; 16 sampled results correct')
  })

  it('fails an A100-class speed sold as an H100 SXM, naming the bound', () => {
    expect(byId(ran([device({compute: {...device().compute!, tflops: 270}})]), 'demand.gpu_compute')).toMatchObject({
      status: 'fail',
      reason: 'ran the seeded 8192² bfloat16 matmul at 270 TFLOPS; a genuine h100 sxm reaches at least 346',
    })
  })

  it('fails GDDR bandwidth (an RTX 4090) sold as an H100 SXM', () => {
    expect(byId(ran([device({bandwidth: {bytes: GiB, reps: 900, seconds: 1, gbs: 930}})]), 'demand.gpu_bandwidth')).toMatchObject({
      status: 'fail',
      reason: 'copied memory at 930 GB/s; a genuine h100 sxm reaches at least 1340',
    })
  })

  it('warns on a slow but plausible card (throttled or shared)', () => {
    expect(byId(ran([device({compute: {...device().compute!, tflops: 450}})]), 'demand.gpu_compute')?.status).toBe('warn')
  })

  it('fails memory that runs out below what the driver reported free, or reads back wrong', () => {
    const oom = device({memory: {...device().memory!, held: 20 * GiB, chunks: 80, oom: true}})
    expect(byId(ran([oom]), 'demand.gpu_memory')).toMatchObject({status: 'fail', reason: 'the GPU ran out of memory after 20 GiB, below the 68 GiB it reported free'})
    const aliased = device({memory: {...device().memory!, bad_chunks: 136}})
    expect(byId(ran([aliased]), 'demand.gpu_memory')).toMatchObject({status: 'fail', reason: expect.stringMatching(/^136 of 272 memory chunks did not read back/)})
  })

  it('fails a card whose memory is smaller than paid for (a 40 GB A100 for 80Gi), and only warns when the tenant holds the rest', () => {
    const small = device({total: 40 * GiB, free_before_fill: 39 * GiB, memory: {...device().memory!, target: 38 * GiB, held: 38 * GiB, chunks: 152}})
    expect(byId(ran([small]), 'demand.gpu_memory')).toMatchObject({status: 'fail', reason: 'the GPU has 40 GiB in all; the lease pays for 80 GiB'})
    const busy = device({free_before_fill: 30 * GiB, memory: {...device().memory!, target: 29 * GiB, held: 29 * GiB, chunks: 116}})
    expect(byId(ran([busy]), 'demand.gpu_memory')).toMatchObject({status: 'warn', reason: expect.stringMatching(/the rest is in use by something else on the GPU$/)})
  })

  it('fails when CUDA shows fewer devices than the lease pays for', () => {
    expect(byId(ran([device()]), 'demand.gpu', {...h100, units: 8})).toMatchObject({status: 'fail', reason: 'the lease pays for 8 GPUs; CUDA shows the workload 1'})
  })

  it('times a lease for any model against the model the device names, and skips what edge has no figures for', () => {
    const anyGpu = {units: 1, accept: []}
    expect(judgeGpu(ran([device()]), anyGpu).find((c) => c.check === 'demand.gpu_compute')?.reason).toMatch(/as a h100 pcie does/)
    const odd = device({name: 'NVIDIA Quadro Something'})
    expect(judgeGpu(ran([odd]), anyGpu).find((c) => c.check === 'demand.gpu_compute')).toMatchObject({status: 'skip', reason: expect.stringMatching(/no reference figures for NVIDIA Quadro Something$/)})
  })

  it('says CUDA is missing as a warning with how to run it, and never passes a run that did not happen', () => {
    expect(judgeGpu({status: 'no-cuda', reason: 'torch 2.5.1 sees no CUDA device', gpus: [], exitCode: 0}, h100)).toEqual([
      expect.objectContaining({status: 'warn', reason: expect.stringMatching(/^torch 2\.5\.1 sees no CUDA device: .*probe service/)}),
    ])
    expect(judgeGpu(parseGpuDemand('', 137), h100)[0].status).toBe('warn')
  })
})

describe('reference bounds', () => {
  it('uses the lowest variant when the lease leaves it open', () => {
    expect(boundsFor('h100')).toMatchObject({basis: 'h100 pcie', failTflops: 756 * 0.35})
    expect(boundsFor('h100', {interface: 'sxm'})).toMatchObject({basis: 'h100 sxm', failTflops: 989 * 0.35, failBandwidthGBs: 3350 * 0.4})
    expect(boundsFor('a100', {vramGiB: 80})?.failBandwidthGBs).toBeCloseTo(1935 * 0.4)
    expect(boundsFor('t4')?.failTflops).toBeCloseTo(65 * 0.175)
    expect(boundsFor('mi300x')).toBeUndefined()
  })

  it('keeps each model one class apart: the next card down cannot reach the fail bound at its peak', () => {
    expect(boundsFor('h100', {interface: 'sxm'})!.failTflops).toBeGreaterThan(312) // A100 dense peak
    expect(boundsFor('a100')!.failTflops).toBeGreaterThan(100) // A10 at 80 % of 125
    expect(boundsFor('l40s')!.failTflops).toBeGreaterThan(121) // L4 dense peak
  })
})
