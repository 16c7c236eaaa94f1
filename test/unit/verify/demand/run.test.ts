import {describe, expect, it} from 'vitest'

import {localExec} from '../../../../src/verify/exec.js'
import {runDemandTests} from '../../../../src/verify/demand/index.js'
import type {LeaseClaim} from '../../../../src/verify/probe/index.js'

const claim: LeaseClaim = {cpuMillis: 1000, memoryBytes: 32n << 20n, volumes: [], gpu: {units: 0, accept: []}}

describe('runDemandTests', () => {
  it('runs the CPU then the memory test, and no GPU test for a lease without GPUs', async () => {
    const r = await runDemandTests(localExec(), claim, {cpuSeconds: 0.2, memory: {holdSeconds: 10}})
    expect(r.checks.map((c) => c.check)).toEqual(['demand.cpu', 'demand.memory'])
    expect(r.cpu?.complete).toBe(true)
    expect(r.memory?.complete).toBe(true)
    expect(r.gpu).toBeUndefined()
  })

  it('runs only what is asked, and the GPU test when the lease pays for GPUs', async () => {
    const calls: string[][] = []
    const exec = async (argv: string[]) => {
      calls.push(argv)
      return {exitCode: 0, stdout: '{"status": "no-python", "reason": "the image has no python3"}\n', stderr: ''}
    }
    const r = await runDemandTests(exec, {...claim, gpu: {units: 2, accept: [{vendor: 'nvidia', model: 'a100', ramGiB: 40}]}}, {only: ['gpu'], gpu: {seed: 5}})
    expect(calls).toHaveLength(1)
    // The claimed VRAM per GPU (40 GiB) and the seed travel as arguments.
    expect(calls[0].slice(-4)).toEqual(['5', '0.85', String(40n << 30n), '2'])
    expect(r.checks).toEqual([expect.objectContaining({check: 'demand.gpu', status: 'skip'})])
  })
})
