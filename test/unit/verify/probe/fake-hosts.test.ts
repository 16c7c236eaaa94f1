import {describe, expect, it} from 'vitest'

import type {VerifyCheck} from '../../../../src/verify/check.js'
import {localExec} from '../../../../src/verify/exec.js'
import {type LeaseClaim, compareProbe, parseProbe, probeArgv} from '../../../../src/verify/probe/index.js'
import {type FakeHost, H100, fakeHost, smiLine} from './fake-host.js'

const GiB = 1n << 30n
const eightH100: LeaseClaim = {
  cpuMillis: 4000,
  memoryBytes: 4n * GiB,
  volumes: [],
  gpu: {units: 8, accept: [{vendor: 'nvidia', model: 'h100', ramGiB: 80, interface: 'sxm'}]},
}

/** Runs the real script against a fake host tree with dash, as a container would. */
async function probe(host: FakeHost) {
  const {env} = fakeHost(host)
  const result = await localExec(env)(['/bin/sh', ...probeArgv().slice(1)], {timeoutMs: 30_000})
  expect(result.exitCode).toBe(0)
  return parseProbe(result.stdout)
}

const byId = (checks: VerifyCheck[], id: string) => checks.find((c) => c.check === id)

describe('the probe against fake hosts (the real script reads a fake /proc and /sys)', () => {
  it('passes an honest 8×H100 host with 16 CPUs, a 4-CPU quota and a 4 GiB limit', async () => {
    // Given a host that is what the lease pays for
    const gpus = Array.from({length: 8}, (_, i) => H100(i))
    const facts = await probe({cpuMax: '400000 100000', memoryMax: String(4n * GiB), kernelGpus: gpus, smiLines: gpus.map(smiLine)})

    // When it is compared with the claim
    const checks = compareProbe(facts, eightH100)

    // Then every check passes
    expect(facts.gpu.kernel).toHaveLength(8)
    expect(facts.gpu.kernel[0]).toMatchObject({bus: '0000:18:00.0', model: 'NVIDIA H100 80GB HBM3', minor: 0, busType: 'PCIe'})
    expect(facts.gpu.pci.map((p) => p.known?.name)).toEqual(Array(8).fill('H100 SXM5 80GB'))
    expect(facts.gpu.pciOther).toEqual([])
    expect(checks.filter((c) => c.status !== 'pass' && c.status !== 'skip')).toEqual([])
    expect(byId(checks, 'probe.cpu')?.reason).toBe('the cgroup allows 4 CPUs; the lease pays for 4')
    expect(byId(checks, 'probe.gpu_smi')?.reason).toMatch(/nvidia-smi agrees with the kernel \(8 GPUs/)
    expect(byId(checks, 'probe.gpu_model')?.reason).toBe('the GPUs are h100 80Gi sxm')
    expect(byId(checks, 'probe.gpu_vram')?.status).toBe('pass')
    expect(byId(checks, 'probe.gpu_interface')?.status).toBe('pass')
  })

  it('catches the lying host: an nvidia-smi shim claiming 8 H100 while the driver lists 1', async () => {
    // Given one real H100 and a shim that prints eight
    const shim = Array.from({length: 8}, (_, i) => smiLine(H100(i)))
    const facts = await probe({kernelGpus: [H100(0)], smiLines: shim})

    // When compared with a lease for eight
    const checks = compareProbe(facts, eightH100)

    // Then the count from every kernel interface fails, and the shim is named as the liar
    expect(facts.gpu.smi.gpus).toHaveLength(8)
    expect(byId(checks, 'probe.gpu_kernel')).toMatchObject({status: 'fail', reason: 'the lease pays for 8 GPUs; the kernel lists 1 (/proc/driver/nvidia/gpus)'})
    expect(byId(checks, 'probe.gpu_pci')).toMatchObject({status: 'fail', reason: 'the lease pays for 8 GPUs; the PCI bus has 1 NVIDIA GPU'})
    expect(byId(checks, 'probe.gpu_devices')).toBeUndefined()
    expect(byId(checks, 'probe.gpu_smi')).toMatchObject({status: 'fail', reason: 'nvidia-smi claims 8 GPUs, the kernel lists 1'})
  })

  it('catches GPUs the driver lists but the container cannot open (no /dev/nvidiaN node)', async () => {
    const gpus = Array.from({length: 8}, (_, i) => H100(i))
    const facts = await probe({kernelGpus: gpus, devNodes: 1, smiLines: gpus.map(smiLine)})

    const checks = compareProbe(facts, eightH100)

    expect(byId(checks, 'probe.gpu_kernel')?.status).toBe('pass')
    expect(byId(checks, 'probe.gpu_devices')).toMatchObject({status: 'fail', reason: 'the lease pays for 8 GPUs; the container has device nodes for 1 (nvidia0)'})
  })

  it('catches a cgroup limit below the claim, naming both figures', async () => {
    // Given a container limited to 1 CPU and 1 GiB on a big machine
    const facts = await probe({cpuMax: '100000 100000', memoryMax: String(GiB)})

    const checks = compareProbe(facts, {...eightH100, gpu: {units: 0, accept: []}})

    expect(byId(checks, 'probe.cpu')).toMatchObject({status: 'fail', reason: "the lease pays for 4 CPUs; the container's cgroup allows 1"})
    expect(byId(checks, 'probe.cpu')?.evidence).toMatchObject({cgroup_quota_cpus: '1', online_cpus: '16'})
    expect(byId(checks, 'probe.memory')).toMatchObject({status: 'fail', reason: "the lease pays for 4 GiB of memory; the container's cgroup allows 1 GiB"})
  })

  it('walks a cgroup v2 path to the root and takes the tightest limit on the way (a Kubernetes pod-level limit)', async () => {
    // Given a container cgroup without limits inside a pod cgroup that has them
    const facts = await probe({
      cgroupPath: '/kubepods/pod1/c1',
      levels: {'/kubepods': {memoryMax: 'max'}, '/kubepods/pod1': {cpuMax: '150000 100000', memoryMax: String(2n * GiB)}, '/kubepods/pod1/c1': {cpuMax: 'max 100000', memoryMax: 'max'}},
    })

    expect(facts.cgroup.cpuQuota).toEqual({value: 1.5, dir: expect.stringMatching(/\/sys\/fs\/cgroup\/kubepods\/pod1$/)})
    expect(facts.cgroup.memoryLimit).toEqual({value: 2n * GiB, dir: expect.stringMatching(/\/sys\/fs\/cgroup\/kubepods\/pod1$/)})
    const checks = compareProbe(facts, {...eightH100, gpu: {units: 0, accept: []}})
    expect(byId(checks, 'probe.cpu')?.reason).toBe("the lease pays for 4 CPUs; the container's cgroup allows 1.5")
    expect(byId(checks, 'probe.memory')?.reason).toBe("the lease pays for 4 GiB of memory; the container's cgroup allows 2 GiB")
  })

  it('catches a driver that names a model the PCI id contradicts (an RTX 4090 sold as an H100)', async () => {
    // Given a procfs and shim that say H100 on a card whose PCI id is an RTX 4090's
    const liar = {...H100(0), device: '0x2684'}
    const facts = await probe({kernelGpus: [liar], smiLines: [smiLine(liar)]})

    const checks = compareProbe(facts, {...eightH100, gpu: {units: 1, accept: [{vendor: 'nvidia', model: 'h100', ramGiB: 80}]}})

    expect(byId(checks, 'probe.gpu_model')).toMatchObject({
      status: 'fail',
      reason: 'the driver calls the GPU at 0000:18:00.0 "NVIDIA H100 80GB HBM3", its PCI id 10de:2684 says GeForce RTX 4090',
    })
    expect(byId(checks, 'probe.gpu_vram')).toMatchObject({status: 'fail', reason: 'the lease pays for GPUs with 80Gi; the GPU at 0000:18:00.0 (PCI 10de:2684) has 24Gi'})
  })

  it('fails a host that has a different model than the lease pays for, honestly named', async () => {
    const a100 = {bus: '0000:18:00.0', device: '0x20b2', model: 'NVIDIA A100-SXM4-80GB', uuid: 'GPU-0a100000-0000-0000-0000-000000000001'}
    const facts = await probe({kernelGpus: [a100], smiLines: [`${a100.model}, 81920 MiB, ${a100.uuid}, 00000000:18:00.0`]})

    const checks = compareProbe(facts, {...eightH100, gpu: {units: 1, accept: [{vendor: 'nvidia', model: 'h100'}]}})

    expect(byId(checks, 'probe.gpu_model')).toMatchObject({status: 'fail', reason: 'the lease pays for h100; the GPU at 0000:18:00.0 is a100 (PCI 10de:20b2)'})
    expect(byId(checks, 'probe.gpu_smi')?.status).toBe('pass')
  })

  it('fails a lease for GPUs on a container with no NVIDIA driver, and skips nvidia-smi when the image has none', async () => {
    const facts = await probe({})
    const checks = compareProbe(facts, {...eightH100, gpu: {units: 1, accept: []}})
    expect(byId(checks, 'probe.gpu_kernel')).toMatchObject({status: 'fail', reason: 'the lease pays for 1 GPU; the container has no NVIDIA driver interface (/proc/driver/nvidia is absent)'})
    expect(byId(checks, 'probe.gpu_smi')).toMatchObject({status: 'skip', reason: 'nvidia-smi is not in the image; GPUs were counted from the kernel interfaces only'})
  })

  it('counts only display-class NVIDIA functions: extra host GPUs on the bus are fine, the container gets what it pays for', async () => {
    // Given a host with 8 GPUs on the bus, 2 given to this container
    const all = Array.from({length: 8}, (_, i) => H100(i))
    const facts = await probe({kernelGpus: all.slice(0, 2), extraPciGpus: all.slice(2), smiLines: all.slice(0, 2).map(smiLine)})

    const checks = compareProbe(facts, {...eightH100, gpu: {units: 2, accept: [{vendor: 'nvidia', model: 'h100'}]}})

    expect(facts.gpu.pci).toHaveLength(8)
    expect(checks.filter((c) => c.check.startsWith('probe.gpu')).every((c) => c.status === 'pass')).toBe(true)
  })
})
