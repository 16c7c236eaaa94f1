/**
 * The probe's `key=value` output (script.ts) → typed facts. Tolerant by design: the output comes
 * from a container edge does not control, so an unreadable or odd value is left out (and the
 * comparison says it could not tell), never an exception.
 */
import {type GpuFacts, parseGpus} from './parse-gpu.js'
import {dropUndefined, toBig, toInt} from './values.js'

export type {GpuFacts, KernelGpu, PciGpu, SmiGpu} from './parse-gpu.js'

export interface CgroupLimit<T> {
  value: T
  /** The cgroup directory that sets it (a parent's limit binds its children). */
  dir: string
}

export interface DiskFact {
  /** The path asked about (`/`, a volume mount). */
  path: string
  /** The mount point df reports for it. */
  mount?: string
  filesystem?: string
  totalBytes?: bigint
  usedBytes?: bigint
  availableBytes?: bigint
  source: 'df' | 'statfs' | 'unknown'
}




export interface ProbeFacts {
  /** The script ran to its last line (`probe.end=ok`). */
  complete: boolean
  kernel?: string
  arch?: string
  cpu: {processors?: number; model?: string; vendor?: string; online?: number; allowed?: number; nproc?: number}
  cgroup: {
    version?: 1 | 2
    /** The smallest CPU quota on the way to the root, in CPUs (quota / period). */
    cpuQuota?: CgroupLimit<number>
    /** CPUs in the cgroup's cpuset. */
    cpusetCpus?: CgroupLimit<number>
    /** The smallest memory limit on the way to the root. */
    memoryLimit?: CgroupLimit<bigint>
  }
  memory: {totalBytes?: bigint; availableBytes?: bigint; swapTotalBytes?: bigint}
  disks: DiskFact[]
  mounts: Array<{device: string; mountpoint: string; fstype: string}>
  gpu: GpuFacts
}

/** Above this a cgroup v1 limit means "none" (the kernel writes PAGE_COUNTER_MAX × page size). */
const V1_UNLIMITED = 1n << 62n

export function parseProbe(output: string): ProbeFacts {
  const lines: Array<[string, string]> = []
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    lines.push([line.slice(0, eq), line.slice(eq + 1)])
  }
  const one = new Map<string, string>()
  for (const [k, v] of lines) one.set(k, v.trim())
  const get = (k: string) => one.get(k)
  const int = (k: string) => toInt(get(k))

  const facts: ProbeFacts = {
    complete: get('probe.end') === 'ok',
    ...(get('kernel.release') ? {kernel: get('kernel.release')} : {}),
    ...(get('arch') ? {arch: get('arch')} : {}),
    cpu: dropUndefined({
      processors: int('cpu.processors'),
      model: get('cpu.model') || undefined,
      vendor: get('cpu.vendor') || undefined,
      online: cpuListCount(get('cpu.online')),
      allowed: cpuListCount(get('cpu.allowed')),
      nproc: int('cpu.nproc'),
    }),
    cgroup: parseCgroup(one),
    memory: dropUndefined({
      totalBytes: kbBytes(get('mem.total')),
      availableBytes: kbBytes(get('mem.available')),
      swapTotalBytes: kbBytes(get('mem.swap_total')),
    }),
    disks: parseDisks(lines),
    mounts: lines
      .filter(([k]) => k === 'mount')
      .map(([, v]) => v.trim().split(/\s+/))
      .filter((f) => f.length >= 3)
      .map(([device, mountpoint, fstype]) => ({device, mountpoint, fstype})),
    gpu: parseGpus(lines, one),
  }
  return facts
}

function parseCgroup(one: Map<string, string>): ProbeFacts['cgroup'] {
  const version = one.get('cgroup.version') === '2' ? 2 : one.get('cgroup.version') === '1' ? 1 : undefined
  const out: ProbeFacts['cgroup'] = version ? {version} : {}
  const levels = (prefix: string) => {
    const found: Array<{dir: string; get: (f: string) => string | undefined}> = []
    for (let i = 0; one.has(`${prefix}.${i}.dir`); i++) found.push({dir: one.get(`${prefix}.${i}.dir`)!, get: (f) => one.get(`${prefix}.${i}.${f}`)})
    return found
  }
  const minOf = <T extends number | bigint>(items: Array<CgroupLimit<T> | undefined>) =>
    items.filter((x): x is CgroupLimit<T> => x !== undefined).reduce<CgroupLimit<T> | undefined>((m, x) => (m === undefined || x.value < m.value ? x : m), undefined)

  if (version === 2) {
    const lv = levels('cgroup.v2')
    out.cpuQuota = minOf(lv.map((l) => withDir(cpuMaxV2(l.get('cpu.max')), l.dir)))
    out.memoryLimit = minOf(lv.map((l) => withDir(bytesOrMax(l.get('memory.max')), l.dir)))
    out.cpusetCpus = minOf(lv.map((l) => withDir(cpuListCount(l.get('cpuset.cpus.effective')), l.dir)))
  } else if (version === 1) {
    out.cpuQuota = minOf(levels('cgroup.v1.cpu').map((l) => withDir(cfsQuota(l.get('cpu.cfs_quota_us'), l.get('cpu.cfs_period_us')), l.dir)))
    out.memoryLimit = minOf(
      levels('cgroup.v1.memory').map((l) => {
        const b = toBig(l.get('memory.limit_in_bytes'))
        return withDir(b !== undefined && b < V1_UNLIMITED ? b : undefined, l.dir)
      }),
    )
    out.cpusetCpus = minOf(levels('cgroup.v1.cpuset').map((l) => withDir(cpuListCount(l.get('cpuset.effective_cpus') ?? l.get('cpuset.cpus')), l.dir)))
  }
  return dropUndefined(out)
}

const withDir = <T>(value: T | undefined, dir: string): CgroupLimit<T> | undefined => (value === undefined ? undefined : {value, dir})

/** cgroup v2 `cpu.max`: `max 100000` (none) or `200000 100000` (2 CPUs). */
function cpuMaxV2(text: string | undefined): number | undefined {
  const [quota, period] = (text ?? '').trim().split(/\s+/)
  if (!quota || quota === 'max') return undefined
  return cpuRatio(Number(quota), Number(period || 100000))
}

/** cgroup v1: `cpu.cfs_quota_us` -1 means none. */
function cfsQuota(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota)
  if (!Number.isFinite(q) || q <= 0) return undefined
  return cpuRatio(q, Number(period || 100000))
}

const cpuRatio = (quota: number, period: number) => (Number.isFinite(quota) && Number.isFinite(period) && period > 0 ? quota / period : undefined)

function bytesOrMax(text: string | undefined): bigint | undefined {
  if (!text || text.trim() === 'max') return undefined
  return toBig(text)
}

/** `0-3,8-11` → 8; a list that does not parse → undefined. */
export function cpuListCount(text: string | undefined): number | undefined {
  const t = (text ?? '').trim()
  if (!t) return undefined
  let n = 0
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!m) return undefined
    n += m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1
  }
  return n
}

/** `/proc/meminfo` values: `24683772 kB`. */
function kbBytes(text: string | undefined): bigint | undefined {
  const m = /^(\d+)\s*kB$/i.exec((text ?? '').trim())
  return m ? BigInt(m[1]) * 1024n : undefined
}

function parseDisks(lines: Array<[string, string]>): DiskFact[] {
  const disks: DiskFact[] = []
  let current: DiskFact | undefined
  for (const [k, v] of lines) {
    if (k === 'disk.path') {
      current = {path: v.trim(), source: 'unknown'}
      disks.push(current)
    } else if (current && k === 'disk.df') {
      // POSIX df -P -k: Filesystem 1024-blocks Used Available Capacity Mounted-on (the mount may hold spaces).
      const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+(.+)$/.exec(v.trim())
      if (!m) continue
      Object.assign(current, {
        filesystem: m[1],
        totalBytes: BigInt(m[2]) * 1024n,
        usedBytes: BigInt(m[3]) * 1024n,
        availableBytes: BigInt(m[4]) * 1024n,
        mount: m[5],
        source: 'df',
      })
    } else if (current && k === 'disk.statfs') {
      const [bsize, blocks, avail] = v.trim().split(/\s+/).map(toBig)
      if (bsize === undefined || blocks === undefined || avail === undefined) continue
      Object.assign(current, {totalBytes: bsize * blocks, availableBytes: bsize * avail, source: 'statfs'})
    }
  }
  return disks
}
