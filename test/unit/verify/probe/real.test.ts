import {existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {localExec} from '../../../../src/verify/exec.js'
import {type LeaseClaim, compareProbe, parseProbe, probeArgv, runProbe} from '../../../../src/verify/probe/index.js'

/** The shells the probe must work in; each present one runs the script for real on this machine. */
const shells = (
  [
    ['/bin/sh', []],
    ['/bin/dash', []],
    ['/bin/bash', []],
    ['/bin/busybox', ['sh']],
  ] as Array<[string, string[]]>
).filter(([path]) => existsSync(path))

const small: LeaseClaim = {cpuMillis: 500, memoryBytes: 64n << 20n, ephemeralBytes: 1n << 20n, volumes: [], gpu: {units: 0, accept: []}}

describe('the probe, run for real on this machine', () => {
  for (const [shell, pre] of shells) {
    it(`runs in ${[shell, ...pre].join(' ')} and parses into facts`, async () => {
      // Given the script as the provider's shell would run it, with this shell as sh
      const argv = probeArgv(['/tmp'])
      const result = await localExec()([shell, ...pre, ...argv.slice(1)], {timeoutMs: 30_000})

      // Then it ends, and what this machine has comes back
      expect(result.exitCode).toBe(0)
      const facts = parseProbe(result.stdout)
      expect(facts.complete).toBe(true)
      expect(facts.cpu.processors).toBeGreaterThan(0)
      expect(facts.cpu.online ?? facts.cpu.allowed).toBeGreaterThan(0)
      expect(facts.memory.totalBytes).toBeGreaterThan(0n)
      expect(facts.cgroup.version === 1 || facts.cgroup.version === 2).toBe(true)
      const root = facts.disks.find((d) => d.path === '/')
      expect(root?.source).toBe('df')
      expect(root?.totalBytes).toBeGreaterThan(0n)
      expect(facts.disks.find((d) => d.path === '/tmp')).toBeDefined()

      // And a small claim is met; the probe finds no GPU here, and a claim of none asks for no GPU checks
      const checks = compareProbe(facts, small)
      expect(checks.find((c) => c.check === 'probe.cpu')?.status).toBe('pass')
      expect(checks.find((c) => c.check === 'probe.memory')?.status).toBe('pass')
      expect(checks.find((c) => c.check === 'probe.disk')?.status).toMatch(/pass|warn/)
      expect(checks.some((c) => c.check.startsWith('probe.gpu'))).toBe(false)
    })
  }

  it('works with nothing but the shell builtins (no df, no nproc, no uname), and says the disk is unknown', async () => {
    // Given a PATH with no programs at all
    const empty = mkdtempSync(join(tmpdir(), 'edge-empty-path-'))
    const result = await localExec({PATH: empty})(['/bin/dash', ...probeArgv().slice(1)], {timeoutMs: 30_000})

    // Then the builtins still read the CPU, cgroup and memory facts
    const facts = parseProbe(result.stdout)
    expect(facts.complete).toBe(true)
    expect(facts.cpu.processors).toBeGreaterThan(0)
    expect(facts.cpu.nproc).toBeUndefined()
    expect(facts.memory.totalBytes).toBeGreaterThan(0n)
    expect(facts.disks.find((d) => d.path === '/')?.source).toBe('unknown')
    const disk = compareProbe(facts, small).find((c) => c.check === 'probe.disk')
    expect(disk).toMatchObject({status: 'skip', reason: expect.stringMatching(/unknown: the image has no df or stat/)})
  })

  it('names the difference when the lease pays for more than this machine has', async () => {
    // Given a claim of 10,000 CPUs and 1 PiB of memory
    const huge: LeaseClaim = {cpuMillis: 10_000_000, memoryBytes: 1n << 50n, volumes: [], gpu: {units: 1, accept: [{vendor: 'nvidia', model: 'h100'}]}}

    // When the probe runs through the Exec seam
    const {checks} = await runProbe(localExec(), huge)

    // Then each shortfall is a failure in the lease's terms
    expect(checks.find((c) => c.check === 'probe.cpu')).toMatchObject({status: 'fail', reason: expect.stringMatching(/^the lease pays for 10000 CPUs; the container can run on only \d+ CPUs?$/)})
    expect(checks.find((c) => c.check === 'probe.memory')).toMatchObject({status: 'fail', reason: expect.stringMatching(/^the lease pays for 1024 TiB of memory; the machine has .* in all$/)})
    expect(checks.find((c) => c.check === 'probe.gpu_kernel')).toMatchObject({status: 'fail', reason: expect.stringMatching(/no NVIDIA driver interface/)})
  })

  it('reports a container without sh as a failed probe, not a crash', async () => {
    const exec = async () => ({exitCode: 127, stdout: '', stderr: 'exec: "sh": executable file not found in $PATH'})
    const {checks, facts} = await runProbe(exec, small)
    expect(facts).toBeUndefined()
    expect(checks).toEqual([expect.objectContaining({check: 'probe.run', status: 'fail', reason: 'the probe did not run: the image has no sh'})])
  })
})
