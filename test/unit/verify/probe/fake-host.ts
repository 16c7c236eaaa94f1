/**
 * Fake hosts for the probe: a directory tree shaped like /proc, /sys and /dev that the real probe
 * script reads through EDGE_PROBE_ROOT, and an nvidia-smi shim on the PATH. The script runs for
 * real against these; only the files are invented.
 */
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

export interface FakeGpu {
  bus: string
  /** PCI device id, e.g. `0x2330`. */
  device: string
  model: string
  uuid: string
}

export interface FakeHost {
  cpus?: number
  cpuModel?: string
  /** cgroup v2 `cpu.max`, e.g. `100000 100000`. */
  cpuMax?: string
  /** cgroup v2 `memory.max`. */
  memoryMax?: string
  memTotalKb?: number
  /** GPUs the driver's procfs shows the container (and that get /dev nodes). */
  kernelGpus?: FakeGpu[]
  /** Extra NVIDIA display functions on the host's PCI bus, beyond the kernel's. */
  extraPciGpus?: FakeGpu[]
  /** The container's cgroup v2 path (default `/`) and limits set on its levels, root first. */
  cgroupPath?: string
  levels?: Record<string, {cpuMax?: string; memoryMax?: string}>
  /** /dev/nvidiaN nodes (default: one per kernel GPU). */
  devNodes?: number
  /** Lines the nvidia-smi shim prints; undefined = no nvidia-smi. */
  smiLines?: string[]
}

export const H100 = (i: number): FakeGpu => ({
  bus: `0000:${(0x18 + i).toString(16).padStart(2, '0')}:00.0`,
  device: '0x2330',
  model: 'NVIDIA H100 80GB HBM3',
  uuid: `GPU-5f2f1e62-2f0c-9b4c-8d3e-1f3a7c0b9e${(0x20 + i).toString(16)}`,
})

export const smiLine = (g: FakeGpu) => `${g.model}, 81559 MiB, ${g.uuid}, 0000${g.bus.toUpperCase()}`

/** Builds the tree; returns {root, env} to run the probe with. */
export function fakeHost(host: FakeHost): {root: string; env: NodeJS.ProcessEnv} {
  const root = mkdtempSync(join(tmpdir(), 'edge-fake-host-'))
  const file = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), {recursive: true})
    writeFileSync(join(root, path), content)
  }
  const cpus = host.cpus ?? 16
  file(
    'proc/cpuinfo',
    Array.from({length: cpus}, (_, i) => `processor\t: ${i}\nvendor_id\t: GenuineIntel\nmodel name\t: ${host.cpuModel ?? 'Intel(R) Xeon(R) Platinum 8480+'}\n\n`).join(''),
  )
  file('proc/self/status', `Name:\tsh\nCpus_allowed_list:\t0-${cpus - 1}\n`)
  file('proc/self/cgroup', `0::${host.cgroupPath ?? '/'}\n`)
  file('proc/meminfo', `MemTotal:       ${host.memTotalKb ?? 263_000_000} kB\nMemAvailable:   ${Math.floor((host.memTotalKb ?? 263_000_000) * 0.9)} kB\nSwapTotal:             0 kB\n`)
  file('sys/devices/system/cpu/online', `0-${cpus - 1}\n`)
  file('sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory pids\n')
  file('sys/fs/cgroup/cpu.max', `${host.cpuMax ?? 'max 100000'}\n`)
  file('sys/fs/cgroup/memory.max', `${host.memoryMax ?? 'max'}\n`)
  file('sys/fs/cgroup/cpuset.cpus.effective', `0-${cpus - 1}\n`)
  for (const [path, limits] of Object.entries(host.levels ?? {})) {
    if (limits.cpuMax) file(`sys/fs/cgroup${path}/cpu.max`, `${limits.cpuMax}\n`)
    if (limits.memoryMax) file(`sys/fs/cgroup${path}/memory.max`, `${limits.memoryMax}\n`)
  }
  mkdirSync(join(root, 'sys/bus/pci/devices'), {recursive: true})
  const kernel = host.kernelGpus ?? []
  if (kernel.length > 0 || host.smiLines) {
    file('proc/driver/nvidia/version', 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n')
  }
  kernel.forEach((g, i) => {
    file(
      `proc/driver/nvidia/gpus/${g.bus}/information`,
      `Model: \t\t ${g.model}\nIRQ:   \t\t ${1040 + i}\nGPU UUID: \t ${g.uuid}\nVideo BIOS: \t 96.00.99.00.01\nBus Type: \t PCIe\nDMA Size: \t 52 bits\nDMA Mask: \t 0xfffffffffffff\nBus Location: \t ${g.bus}\nDevice Minor: \t ${i}\nGPU Excluded:\t No\n`,
    )
    if (i < (host.devNodes ?? kernel.length)) file(`dev/nvidia${i}`, '')
  })
  for (const g of [...kernel, ...(host.extraPciGpus ?? [])]) {
    file(`sys/bus/pci/devices/${g.bus}/vendor`, '0x10de\n')
    file(`sys/bus/pci/devices/${g.bus}/class`, '0x030200\n')
    file(`sys/bus/pci/devices/${g.bus}/device`, `${g.device}\n`)
    file(`sys/bus/pci/devices/${g.bus}/subsystem_device`, '0x16c1\n')
  }
  // An Intel host bridge, which must not be counted.
  file('sys/bus/pci/devices/0000:00:00.0/vendor', '0x8086\n')
  file('sys/bus/pci/devices/0000:00:00.0/class', '0x060000\n')

  const bin = join(root, 'bin')
  mkdirSync(bin)
  // nproc reads the real machine's affinity; the fake host's count comes from a shim instead.
  writeFileSync(join(bin, 'nproc'), `#!/bin/sh\necho ${cpus}\n`)
  chmodSync(join(bin, 'nproc'), 0o755)
  if (host.smiLines) {
    // The shim answers any query with its lines, as the fakes seen in the wild do.
    writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\ncat <<'EOF'\n${host.smiLines.join('\n')}\nEOF\n`)
    chmodSync(join(bin, 'nvidia-smi'), 0o755)
  }
  return {root, env: {...process.env, EDGE_PROBE_ROOT: root, PATH: `${bin}:${process.env.PATH}`}}
}
