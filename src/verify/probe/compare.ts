/**
 * Probe facts against what the lease pays for. A mismatch is a failed check whose reason names the
 * difference in the lease's own terms ("the lease pays for 4 CPUs; the container's cgroup allows
 * 1"). What the container cannot show (no df, no cgroup files) is a skip that says so, never a pass.
 *
 * Tolerances are small and one-sided: Kubernetes and Docker set limits to exactly what was asked
 * (memory rounded down to a page), so a limit 1% short is a lie or a misconfiguration either way,
 * and more than was paid for is never a failure.
 */
import {type VerifyCheck, cpusText, failCheck, formatBytes, formatCpus, passCheck, plural, skipCheck, warnCheck} from '../check.js'
import type {LeaseClaim} from './claim.js'
import {compareGpus} from './compare-gpu.js'
import type {DiskFact, ProbeFacts} from './parse.js'

/** A limit this close to the claim is the claim (page rounding, millicore rounding). */
const LIMIT_TOLERANCE = 0.99
/** A file system's size is the device's minus its metadata (ext4, xfs: 1–3 %); below this it is smaller than paid for. */
const VOLUME_FAIL = 0.9

export function compareProbe(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck[] {
  const checks: VerifyCheck[] = []
  if (!facts.complete) {
    checks.push(failCheck('probe.run', 'the probe output ended early (no end marker): the container cut it off or the command was killed'))
  }
  checks.push(compareCpu(facts, claim), ...compareCpuModel(facts, claim), compareMemory(facts, claim))
  checks.push(...compareDisks(facts, claim))
  checks.push(...compareGpus(facts, claim))
  return checks
}

export function compareCpu(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck {
  const paid = claim.cpuMillis / 1000
  const quota = facts.cgroup.cpuQuota
  // The CPUs the container may be scheduled on: the smallest of the cpuset, its affinity and the online count.
  const placeable = minDefined(facts.cgroup.cpusetCpus?.value, facts.cpu.allowed, facts.cpu.nproc, facts.cpu.online ?? facts.cpu.processors)
  const evidence = {
    paid_cpus: formatCpus(paid),
    cgroup_quota_cpus: quota ? formatCpus(quota.value) : 'none',
    cgroup_dir: quota?.dir,
    cpuset_cpus: facts.cgroup.cpusetCpus?.value,
    affinity_cpus: facts.cpu.allowed,
    online_cpus: facts.cpu.online ?? facts.cpu.processors,
  }
  if (quota && quota.value < paid * LIMIT_TOLERANCE) {
    return failCheck('probe.cpu', `the lease pays for ${cpusText(paid)}; the container's cgroup allows ${formatCpus(quota.value)}`, evidence)
  }
  if (placeable !== undefined && placeable < Math.ceil(paid * LIMIT_TOLERANCE)) {
    return failCheck('probe.cpu', `the lease pays for ${cpusText(paid)}; the container can run on only ${plural(placeable, 'CPU')}`, evidence)
  }
  if (quota) return passCheck('probe.cpu', `the cgroup allows ${cpusText(quota.value)}; the lease pays for ${formatCpus(paid)}`, evidence)
  if (placeable !== undefined) {
    return passCheck('probe.cpu', `no cgroup CPU quota; the container may run on ${plural(placeable, 'CPU')} (shared), the lease pays for ${formatCpus(paid)}`, evidence)
  }
  return skipCheck('probe.cpu', 'the container shows neither a cgroup CPU quota nor a CPU count', evidence)
}

function compareCpuModel(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck[] {
  const model = facts.cpu.model ?? facts.cpu.vendor
  const evidence = {model: facts.cpu.model, vendor: facts.cpu.vendor, processors: facts.cpu.processors}
  if (!claim.cpuVendor) return [skipCheck('probe.cpu_model', `the provider names no CPU vendor; the container reports ${model ?? 'no CPU model'}`, evidence)]
  if (!model) return [skipCheck('probe.cpu_model', `the provider advertises ${claim.cpuVendor} CPUs; the container shows no CPU model`, evidence)]
  const seen = /intel/i.test(model) ? 'intel' : /amd/i.test(model) ? 'amd' : undefined
  if (seen && seen !== claim.cpuVendor) return [failCheck('probe.cpu_model', `the provider advertises ${claim.cpuVendor} CPUs; the container runs on ${model.trim()}`, evidence)]
  return [passCheck('probe.cpu_model', `${model.trim()} (the provider advertises ${claim.cpuVendor})`, evidence)]
}

export function compareMemory(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck {
  const limit = facts.cgroup.memoryLimit
  const total = facts.memory.totalBytes
  const paid = claim.memoryBytes
  const evidence = {
    paid_bytes: paid,
    cgroup_limit_bytes: limit?.value ?? 'none',
    cgroup_dir: limit?.dir,
    machine_total_bytes: total,
    machine_available_bytes: facts.memory.availableBytes,
  }
  if (limit && scaled(limit.value) < scaled(paid) * LIMIT_TOLERANCE) {
    return failCheck('probe.memory', `the lease pays for ${formatBytes(paid)} of memory; the container's cgroup allows ${formatBytes(limit.value)}`, evidence)
  }
  if (total !== undefined && scaled(total) < scaled(paid) * LIMIT_TOLERANCE) {
    return failCheck('probe.memory', `the lease pays for ${formatBytes(paid)} of memory; the machine has ${formatBytes(total)} in all`, evidence)
  }
  if (limit) return passCheck('probe.memory', `the cgroup allows ${formatBytes(limit.value)}; the lease pays for ${formatBytes(paid)}`, evidence)
  if (total !== undefined) {
    return passCheck('probe.memory', `no cgroup memory limit; the machine has ${formatBytes(total)} (shared), the lease pays for ${formatBytes(paid)}`, evidence)
  }
  return skipCheck('probe.memory', 'the container shows neither a cgroup memory limit nor /proc/meminfo', evidence)
}

function compareDisks(facts: ProbeFacts, claim: LeaseClaim): VerifyCheck[] {
  const checks: VerifyCheck[] = []
  const root = facts.disks.find((d) => d.path === '/')
  if (claim.ephemeralBytes !== undefined) checks.push(compareDisk('probe.disk', undefined, root, claim.ephemeralBytes, '/'))
  for (const v of claim.volumes) {
    if (!v.mount) {
      checks.push(skipCheck('probe.disk', `the volume's mount path is not known; the lease pays for ${formatBytes(v.bytes)}`, {paid_bytes: v.bytes}, `volume ${v.name}`))
      continue
    }
    const disk = facts.disks.find((d) => d.path === v.mount)
    const check = compareDisk('probe.disk', `volume ${v.name}`, disk, v.bytes, v.mount)
    if (check.status === 'pass' && disk?.mount && disk.mount !== v.mount) {
      checks.push(warnCheck('probe.disk', `${v.mount} is not a mount of its own: it lives on ${disk.mount}, shared with it`, check.evidence, `volume ${v.name}`))
    } else checks.push(check)
  }
  return checks
}

function compareDisk(id: string, subject: string | undefined, disk: DiskFact | undefined, paid: bigint, path: string): VerifyCheck {
  const evidence = {
    path,
    paid_bytes: paid,
    mount: disk?.mount,
    filesystem: disk?.filesystem,
    total_bytes: disk?.totalBytes,
    available_bytes: disk?.availableBytes,
    source: disk?.source,
  }
  if (!disk) return skipCheck(id, `${path} was not measured`, evidence, subject)
  if (disk.source === 'unknown' || disk.totalBytes === undefined) {
    return skipCheck(id, `the disk size of ${path} is unknown: the image has no df or stat`, evidence, subject)
  }
  const tolerance = subject ? VOLUME_FAIL : LIMIT_TOLERANCE
  if (scaled(disk.totalBytes) < scaled(paid) * tolerance) {
    return failCheck(id, `the lease pays for ${formatBytes(paid)} of disk at ${path}; its file system holds ${formatBytes(disk.totalBytes)} in all`, evidence, subject)
  }
  if (disk.availableBytes !== undefined && disk.availableBytes < paid) {
    // Not proof of a lie: the container may have written some of what it paid for already.
    return warnCheck(id, `${formatBytes(disk.availableBytes)} free at ${path}; the lease pays for ${formatBytes(paid)}`, evidence, subject)
  }
  return passCheck(id, `${formatBytes(disk.availableBytes ?? disk.totalBytes)} free at ${path}; the lease pays for ${formatBytes(paid)}`, evidence, subject)
}

/** bigint bytes → a float for ratio comparisons (precision to the byte does not matter here). */
const scaled = (b: bigint) => Number(b)

function minDefined(...values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined && Number.isFinite(v))
  return defined.length > 0 ? Math.min(...defined) : undefined
}
