import {existsSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {localExec} from '../../../../src/verify/exec.js'
import {type CpuDemandResult, cpuDemandArgv, judgeCpu, parseCpuDemand, runCpuDemand} from '../../../../src/verify/demand/index.js'

const shells = [['/bin/sh'], ['/bin/busybox', 'sh']].filter(([p]) => existsSync(p))

describe('CPU demand, run for real on this machine', () => {
  for (const shell of shells) {
    it(`runs 2 workers in ${shell.join(' ')} and reports CPU time and work done`, async () => {
      const out = await localExec()([...shell, ...cpuDemandArgv(2, 0.3).slice(1)], {timeoutMs: 60_000})
      const r = parseCpuDemand(out.stdout, out.exitCode, 2)

      // Numbers only: how fast this machine is is not the test's business
      expect(r.complete).toBe(true)
      expect(r.singleChunks).toBeGreaterThan(0)
      expect(r.workerChunks).toHaveLength(2)
      expect(r.parallelSeconds).toBeGreaterThan(0)
      expect(r.parallelCpuSeconds).toBeGreaterThan(0)
      expect(r.clockTicks).toBeGreaterThan(0)
    })
  }

  it('runs end to end through runCpuDemand with one worker per paid CPU', async () => {
    const {check, result} = await runCpuDemand(localExec(), 1500, {seconds: 0.3})
    expect(result?.workers).toBe(2)
    expect(['pass', 'warn', 'fail']).toContain(check.status)
    expect(check.evidence).toMatchObject({paid_cpus: '1.5', workers: '2', cpus_busy: expect.stringMatching(/^\d+\.\d\d$/)})
  })
})

/** A run of `workers` loops for 2 s in which the container gave them `busy` CPUs. */
function run(workers: number, busy: number, speedup = busy, over: Partial<CpuDemandResult> = {}): CpuDemandResult {
  const perWorker = Math.round((speedup * 40) / workers)
  return {
    exitCode: 0,
    complete: true,
    workers,
    clockTicks: 100,
    singleChunks: 20,
    singleSeconds: 1,
    workerChunks: Array(workers).fill(perWorker),
    parallelSeconds: 2,
    parallelCpuSeconds: busy * 2,
    throttledPeriods: 0,
    ...over,
  }
}

describe('CPU demand verdicts (injected timings)', () => {
  it('passes a container that keeps all its paid CPUs busy', () => {
    expect(judgeCpu(run(4, 3.9), 4000)).toMatchObject({status: 'pass', reason: '3.90 CPUs busy with 4 workers; the lease pays for 4'})
  })

  it('fails a 4-CPU lease throttled to 1, saying how often the cgroup throttled it', () => {
    expect(judgeCpu(run(4, 1.0, 1.0, {throttledPeriods: 20}), 4000)).toMatchObject({
      status: 'fail',
      reason: 'the lease pays for 4 CPUs; the container delivered 1.00 CPUs busy with 4 workers (the cgroup throttled it 20 times)',
    })
  })

  it('fails a 4-CPU lease on 2 CPUs (half)', () => {
    expect(judgeCpu(run(4, 2.0), 4000).status).toBe('fail')
  })

  it('warns between the bounds: a very busy host, or 3 CPUs of 4', () => {
    expect(judgeCpu(run(4, 3.0), 4000)).toMatchObject({status: 'warn', reason: expect.stringMatching(/a busy host, or fewer CPUs$/)})
  })

  it('warns when the CPU time is there but the workers slow each other (hyper-threads)', () => {
    expect(judgeCpu(run(8, 7.9, 3.5), 8000)).toMatchObject({status: 'warn', reason: expect.stringMatching(/together they ran 3\.6× one alone/)})
  })

  it('judges a fractional lease against its fraction: half a CPU busy is all of 0.5', () => {
    expect(judgeCpu(run(1, 0.49), 500).status).toBe('pass')
    expect(judgeCpu(run(1, 0.2), 500).status).toBe('fail')
  })

  it('proves nothing from a run that broke off, or a container without /proc', () => {
    expect(judgeCpu(run(2, 2, 2, {complete: false, exitCode: 124}), 2000).status).toBe('warn')
    expect(judgeCpu(run(2, 2, 2, {unavailable: 'the container has no /proc/uptime'}), 2000).status).toBe('skip')
  })
})

/** What the CPU script prints for one worker that got `busyCs` centiseconds of CPU in 2 s. */
function scripted(busyTicks: number): string {
  return ['demand=cpu/1', 'clk_tck=100', 'k=1000', 'single.chunks=40', 'single.cs=200', 'worker=40', 'parallel.cs=200', `parallel.ticks=${busyTicks}`, 'throttled.before=0', 'throttled.after=0', 'end=ok', ''].join('\n')
}

function execOf(outputs: string[]) {
  const calls: string[][] = []
  const exec = async (argv: string[]) => {
    calls.push(argv)
    return {exitCode: 0, stdout: outputs[Math.min(calls.length - 1, outputs.length - 1)], stderr: ''}
  }
  return {exec, calls}
}

describe('CPU demand on a busy host: a failed run is measured again', () => {
  it('an honest container starved for one run passes on the second, with both figures as evidence', async () => {
    const {exec, calls} = execOf([scripted(60), scripted(196)])
    const {check} = await runCpuDemand(exec, 1000, {pauseMs: 0})
    expect(calls).toHaveLength(2)
    expect(check).toMatchObject({status: 'pass', evidence: {cpus_busy: '0.98', runs_cpus_busy: '0.30, 0.98'}})
  })

  it('a container that gets too little every time fails, saying so', async () => {
    const {exec, calls} = execOf([scripted(80), scripted(70)])
    const {check} = await runCpuDemand(exec, 1000, {pauseMs: 0})
    expect(calls).toHaveLength(2)
    expect(check).toMatchObject({status: 'fail', evidence: {cpus_busy: '0.40', runs_cpus_busy: '0.40, 0.35'}})
    expect(check.reason).toMatch(/delivered 0\.40 CPUs busy with 1 worker in each of 2 runs \(CPUs busy: 0\.40, 0\.35\)$/)
  })

  it('a run that passes, or warns, is not repeated', async () => {
    for (const ticks of [196, 150]) {
      const {exec, calls} = execOf([scripted(ticks)])
      await runCpuDemand(exec, 1000, {pauseMs: 0})
      expect(calls).toHaveLength(1)
    }
  })
})
