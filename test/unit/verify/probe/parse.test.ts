import {describe, expect, it} from 'vitest'

import {claimFromResources, compareProbe, cpuListCount, parseProbe, parseSmiLine} from '../../../../src/verify/probe/index.js'

/** Recorded from a Kubernetes pod on cgroup v1: the pod's parent cgroup holds the tighter memory limit. */
const K8S_V1 = `probe=edge-probe/1
cpu.processors=64
cpu.model= AMD EPYC 7763 64-Core Processor
cpu.online=0-63
cpu.allowed=\t0-63
cpu.nproc=64
cgroup.version=1
cgroup.v1.cpu.path=/kubepods/pod1/abc
cgroup.v1.cpu.0.dir=/sys/fs/cgroup/cpu,cpuacct
cgroup.v1.cpu.0.cpu.cfs_quota_us=200000
cgroup.v1.cpu.0.cpu.cfs_period_us=100000
cgroup.v1.memory.path=/kubepods/pod1/abc
cgroup.v1.memory.0.dir=/sys/fs/cgroup/memory/kubepods/pod1/abc
cgroup.v1.memory.0.memory.limit_in_bytes=9223372036854771712
cgroup.v1.memory.1.dir=/sys/fs/cgroup/memory/kubepods/pod1
cgroup.v1.memory.1.memory.limit_in_bytes=536870912
cgroup.v1.memory.2.dir=/sys/fs/cgroup/memory/kubepods
cgroup.v1.memory.2.memory.limit_in_bytes=9223372036854771712
mem.total=       263921484 kB
mem.available=   200000000 kB
disk.path=/
disk.df=overlay            102687672  41345716  56082916      43% /
disk.path=/data
disk.df=/dev/rbd0          10255636     24572  10214680       1% /data
mount=/dev/rbd0 /data ext4
disk.path=/my volume
disk.df=/dev/sdb1           1000000     1000    999000       1% /my volume
gpu.procfs=absent
gpu.kernel.count=0
gpu.dev.count=0
pci.sysfs=present
pci.nvidia.count=0
smi.path=
probe.end=ok
`

describe('parseProbe on recorded outputs', () => {
  it('takes the tightest limit on the way to the root, and names the cgroup that sets it', () => {
    const facts = parseProbe(K8S_V1)
    expect(facts.cgroup).toEqual({
      version: 1,
      cpuQuota: {value: 2, dir: '/sys/fs/cgroup/cpu,cpuacct'},
      memoryLimit: {value: 512n << 20n, dir: '/sys/fs/cgroup/memory/kubepods/pod1'},
    })
    expect(facts.cpu).toEqual({processors: 64, model: 'AMD EPYC 7763 64-Core Processor', online: 64, allowed: 64, nproc: 64})
  })

  it('reads df lines, mounts with spaces included', () => {
    const facts = parseProbe(K8S_V1)
    expect(facts.disks).toEqual([
      {path: '/', filesystem: 'overlay', totalBytes: 102687672n * 1024n, usedBytes: 41345716n * 1024n, availableBytes: 56082916n * 1024n, mount: '/', source: 'df'},
      {path: '/data', filesystem: '/dev/rbd0', totalBytes: 10255636n * 1024n, usedBytes: 24572n * 1024n, availableBytes: 10214680n * 1024n, mount: '/data', source: 'df'},
      {path: '/my volume', filesystem: '/dev/sdb1', totalBytes: 1000000n * 1024n, usedBytes: 1000n * 1024n, availableBytes: 999000n * 1024n, mount: '/my volume', source: 'df'},
    ])
    expect(facts.mounts).toEqual([{device: '/dev/rbd0', mountpoint: '/data', fstype: 'ext4'}])
  })

  it('fails the pod whose parent cgroup allows less memory than the lease pays for', () => {
    const facts = parseProbe(K8S_V1)
    const claim = claimFromResources({cpuMillis: 2000n, memoryBytes: 1n << 30n, storage: [{name: 'default', bytes: 1n << 30n, attributes: []}], gpu: {units: 0n, attributes: []}})
    const checks = compareProbe(facts, claim)
    expect(checks.find((c) => c.check === 'probe.memory')).toMatchObject({
      status: 'fail',
      reason: "the lease pays for 1 GiB of memory; the container's cgroup allows 512 MiB",
      evidence: {cgroup_dir: '/sys/fs/cgroup/memory/kubepods/pod1'},
    })
    expect(checks.find((c) => c.check === 'probe.cpu')?.status).toBe('pass')
  })

  it('compares volumes at their mount paths: too small fails, a path on another mount warns', () => {
    const facts = parseProbe(K8S_V1)
    const GiB = 1n << 30n
    const storage = [
      {name: 'data', bytes: 20n * GiB, attributes: [{key: 'persistent', value: 'true'}]},
      {name: 'cache', bytes: GiB, attributes: [{key: 'persistent', value: 'true'}]},
    ]
    const claim = claimFromResources({cpuMillis: 1000n, memoryBytes: GiB, storage, gpu: {units: 0n, attributes: []}}, {mounts: {data: '/data', cache: '/tmp/cache'}})
    const disks = compareProbe(facts, claim).filter((c) => c.check === 'probe.disk')
    expect(disks).toEqual([
      expect.objectContaining({subject: 'volume data', status: 'fail', reason: 'the lease pays for 20 GiB of disk at /data; its file system holds 9.78 GiB in all'}),
      expect.objectContaining({subject: 'volume cache', status: 'skip', reason: '/tmp/cache was not measured'}),
    ])
  })

  it('reads cgroup v2 limits, where `max` means none', () => {
    const facts = parseProbe(
      [
        'probe=edge-probe/1',
        'cgroup.version=2',
        'cgroup.v2.0.dir=/sys/fs/cgroup',
        'cgroup.v2.0.cpu.max=max 100000',
        'cgroup.v2.0.memory.max=max',
        'cgroup.v2.0.cpuset.cpus.effective=0-3,8-11',
        'probe.end=ok',
      ].join('\n'),
    )
    expect(facts.cgroup).toEqual({version: 2, cpusetCpus: {value: 8, dir: '/sys/fs/cgroup'}})
  })

  it('knows an output cut short', () => {
    expect(parseProbe('probe=edge-probe/1\ncpu.processors=4\n').complete).toBe(false)
    const checks = compareProbe(parseProbe('probe=edge-probe/1\ncpu.processors=4\n'), {cpuMillis: 1000, memoryBytes: 1n, volumes: [], gpu: {units: 0, accept: []}})
    expect(checks[0]).toMatchObject({check: 'probe.run', status: 'fail'})
  })

  it('reads the driver procfs, leaving out UUIDs and VBIOS the driver shows as ?s (GPU not initialised yet)', () => {
    const facts = parseProbe(
      [
        'probe=edge-probe/1',
        'gpu.procfs=present',
        'gpu.kernel.0.bus=0000:19:00.0',
        'gpu.kernel.0.info=Model: \t\t NVIDIA H100 80GB HBM3',
        'gpu.kernel.0.info=GPU UUID: \t GPU-????????-????-????-????-????????????',
        'gpu.kernel.0.info=Video BIOS: \t ??.??.??.??.??',
        'gpu.kernel.0.info=Bus Location: \t 0000:19:00.0',
        'gpu.kernel.0.info=Device Minor: \t 3',
        'pci.sysfs=present',
        'pci.0.addr=0000:19:00.0',
        'pci.0.class=0x030200',
        'pci.0.device=0x2330',
        'pci.1.addr=0000:05:00.0',
        'pci.1.class=0x068000',
        'pci.1.device=0x22a3',
        'probe.end=ok',
      ].join('\n'),
    )
    expect(facts.gpu.kernel).toEqual([{bus: '0000:19:00.0', model: 'NVIDIA H100 80GB HBM3', minor: 3}])
    expect(facts.gpu.pci.map((p) => p.deviceId)).toEqual(['2330'])
    expect(facts.gpu.pciOther.map((p) => p.deviceId)).toEqual(['22a3'])
  })
})

describe('small readers', () => {
  it('counts CPU lists', () => {
    expect(cpuListCount('0-63')).toBe(64)
    expect(cpuListCount('0,2,4-5')).toBe(4)
    expect(cpuListCount('\t0-1 ')).toBe(2)
    expect(cpuListCount('')).toBeUndefined()
    expect(cpuListCount('zero')).toBeUndefined()
  })

  it('reads nvidia-smi lines with and without units, and lines that are errors', () => {
    expect(parseSmiLine('NVIDIA H100 80GB HBM3, 81559 MiB, GPU-5f2f1e62-2f0c-9b4c-8d3e-1f3a7c0b9e21, 00000000:19:00.0')).toEqual({
      name: 'NVIDIA H100 80GB HBM3',
      memoryMiB: 81559,
      uuid: 'GPU-5f2f1e62-2f0c-9b4c-8d3e-1f3a7c0b9e21',
      busId: '0000:19:00.0',
    })
    expect(parseSmiLine('Tesla T4, 15360, GPU-abc, 00000000:00:1E.0')).toMatchObject({memoryMiB: 15360, busId: '0000:00:1e.0'})
    expect(parseSmiLine('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.')).toBeUndefined()
  })

  it('says nvidia-smi failed when it prints only an error', () => {
    const facts = parseProbe(
      [
        'probe=edge-probe/1',
        'gpu.procfs=present',
        'gpu.kernel.0.bus=0000:19:00.0',
        'smi.path=/usr/bin/nvidia-smi',
        'smi.exit=9',
        'smi.line=NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.',
        'probe.end=ok',
      ].join('\n'),
    )
    const check = compareProbe(facts, {cpuMillis: 1000, memoryBytes: 1n, volumes: [], gpu: {units: 1, accept: []}}).find((c) => c.check === 'probe.gpu_smi')
    expect(check).toMatchObject({status: 'warn', reason: 'nvidia-smi failed (exit 9): NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'})
  })
})
