import {existsSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {localExec} from '../../../../src/verify/exec.js'
import {type MemoryDemandResult, judgeMemory, memoryDemandArgv, parseMemoryDemand, runMemoryDemand} from '../../../../src/verify/demand/index.js'

const MiB = 1n << 20n
const GiB = 1n << 30n
const shells = [['/bin/sh'], ['/bin/busybox', 'sh']].filter(([p]) => existsSync(p))

describe('memory demand, run for real on this machine', () => {
  for (const shell of shells) {
    it(`holds 64 MiB beyond what is in use, in ${shell.join(' ')}, and reports the numbers`, async () => {
      // Given what this cgroup already holds (the test runner lives in it too)
      const exec = localExec()
      const probe = await exec([...shell, ...memoryDemandArgv(0n, 5).slice(1)], {timeoutMs: 30_000})
      const baseline = parseMemoryDemand(probe.stdout, probe.exitCode).baselineBytes ?? 0n

      // When the test is asked to hold 64 MiB more than that
      const out = await exec([...shell, ...memoryDemandArgv(baseline + 64n * MiB, 20).slice(1)], {timeoutMs: 60_000})
      const r = parseMemoryDemand(out.stdout, out.exitCode)

      // Then it ran to the end with one dd per chunk and measured what they held
      expect(r.complete).toBe(true)
      expect(r.unavailable).toBeUndefined()
      expect(r.baselineSource).toMatch(/cgroup|processes/)
      expect(r.chunks).toBeGreaterThan(0)
      expect(r.ddProcesses).toBe(r.chunks)
      expect(r.residentBytes).toBeGreaterThan(0n)
      expect(r.swapBytes).toBeDefined()
      expect(r.fillSeconds).toBeDefined()
    })
  }

  it('runs end to end through runMemoryDemand and returns a verdict with evidence', async () => {
    const {check, result} = await runMemoryDemand(localExec(), 64n * MiB, {holdSeconds: 20})
    expect(result?.complete).toBe(true)
    expect(['pass', 'fail', 'warn']).toContain(check.status)
    expect(check.evidence).toMatchObject({paid_bytes: String(64n * MiB), target_bytes: String((64n * MiB * 850n) / 1000n)})
  })

  it('is skipped with the reason where the image has no dd', async () => {
    const exec = async () => ({exitCode: 0, stdout: 'demand=memory/1\ntarget=100\nunavailable=the image has no dd\nend=ok\n', stderr: ''})
    const {check} = await runMemoryDemand(exec, GiB)
    expect(check).toMatchObject({status: 'skip', reason: expect.stringMatching(/^the image has no dd; to run it, add a probe service .*probe image that has dd and sleep \(busybox:1\.36.*edge verify DSEQ --service probe/)})
  })
})

/** A finished run of the test that held `held` (resident) beside `base`, for 4 GiB paid. */
function run(over: Partial<MemoryDemandResult>): MemoryDemandResult {
  const target = (4n * GiB * 85n) / 100n
  return {
    exitCode: 0,
    complete: true,
    targetBytes: target,
    baselineBytes: 200n * MiB,
    baselineSource: 'cgroup',
    needBytes: target - 200n * MiB,
    chunks: 4,
    ddProcesses: 4,
    residentBytes: target - 200n * MiB,
    swapBytes: 0n,
    alive: 4,
    fillSeconds: 1.2,
    oomKillsBefore: 0,
    oomKillsAfter: 0,
    ...over,
  }
}

describe('memory demand verdicts (injected results)', () => {
  it('passes when what was asked became resident', () => {
    expect(judgeMemory(run({}), 4n * GiB)).toMatchObject({status: 'pass', reason: 'held 3.2 GiB resident beside 200 MiB already in use: 84.9% of the 4 GiB the lease pays for'})
  })

  it('fails when the kernel killed a dd for memory', () => {
    const check = judgeMemory(run({alive: 2, residentBytes: 2n * GiB, oomKillsAfter: 2}), 4n * GiB)
    expect(check).toMatchObject({status: 'fail', reason: 'the kernel killed the test for memory with 2.2 GiB in use; the lease pays for 4 GiB'})
    expect(check.evidence?.oom_kills).toBe('2')
  })

  it('fails when the whole container was killed (exit 137, no end marker)', () => {
    expect(judgeMemory(run({complete: false, exitCode: 137}), 4n * GiB)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/^the container was killed \(exit 137\) while filling 3\.4 GiB of the 4 GiB the lease pays for/),
    })
  })

  it('fails when the memory went to swap', () => {
    const need = (4n * GiB * 85n) / 100n - 200n * MiB
    expect(judgeMemory(run({residentBytes: need / 2n, swapBytes: need / 2n}), 4n * GiB)).toMatchObject({
      status: 'fail',
      reason: expect.stringMatching(/went to swap: the lease pays for 4 GiB of RAM$/),
    })
  })

  it('fails when the pages never became resident', () => {
    expect(judgeMemory(run({residentBytes: GiB}), 4n * GiB)).toMatchObject({status: 'fail', reason: 'only 1 GiB of 3.2 GiB became resident within 1.2 s; the lease pays for 4 GiB'})
  })

  it('says nothing was proven when the run broke off for another reason', () => {
    expect(judgeMemory(run({complete: false, exitCode: 124}), 4n * GiB).status).toBe('warn')
  })
})
