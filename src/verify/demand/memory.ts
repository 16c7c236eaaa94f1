/**
 * Memory demand: make the container really hold most of the memory the lease pays for, and check
 * that it is resident RAM. A provider that advertises memory it does not have cannot pass this
 * cheaply: the kernel kills the test, or the pages go to swap, or they never become resident.
 *
 * Method (busybox or coreutils only): `dd if=/dev/zero bs=N count=1 | sleep T &`. dd allocates an
 * N-byte buffer and read(2)s N bytes of /dev/zero into it; the kernel writes every page, so all N
 * bytes become resident. dd then blocks writing them into the pipe, because sleep never reads, and
 * so it holds the buffer until the test kills it (or sleep exits after T seconds, so nothing
 * outlives a dropped connection for long). Linux moves at most 2 GiB − 4 KiB per read(2), so the
 * amount is split into 1 GiB dd processes. Each dd's VmRSS/VmSwap in /proc/<pid>/status says how
 * much of it is in RAM and how much in swap; the cgroup's usage/peak and OOM-kill counter are read
 * as evidence. The shell sets its oom_score_adj to 1000 first, so if memory runs out the kernel
 * kills the test, not the tenant's service.
 *
 * The amount held is `fraction` (default 85 %) of the claim minus what the container already uses
 * that cannot be reclaimed (anon + shmem from the cgroup's memory.stat, else summed over the
 * container's processes), so a busy service is not pushed over its limit.
 */
import {type VerifyCheck, failCheck, formatBytes, passCheck, skipCheck, warnCheck} from '../check.js'
import type {Exec} from '../exec.js'
import {SHELL_PRELUDE} from './shell.js'

const SCRIPT = `${SHELL_PRELUDE}
target=$1; hold=$2
emit demand memory/1
emit target "$target"
have dd || { emit unavailable "the image has no dd"; emit end ok; exit 0; }
have sleep || { emit unavailable "the image has no sleep"; emit end ok; exit 0; }
[ -r /proc/uptime ] || { emit unavailable "the container has no /proc/uptime"; emit end ok; exit 0; }
if [ -r /sys/fs/cgroup/cgroup.controllers ]; then
  cg=$(cgdir); anon=$(statval "$cg/memory.stat" anon); shmem=$(statval "$cg/memory.stat" shmem)
  cur=$cg/memory.current; peak=$cg/memory.peak; oom0=$(statval "$cg/memory.events" oom_kill)
else
  cg=$(cgdir memory); anon=$(statval "$cg/memory.stat" total_rss); shmem=$(statval "$cg/memory.stat" total_shmem)
  cur=$cg/memory.usage_in_bytes; peak=$cg/memory.max_usage_in_bytes; oom0=$(statval "$cg/memory.oom_control" oom_kill)
fi
src=cgroup
if [ -z "$anon" ]; then
  src=processes; anon=0; shmem=0
  for f in /proc/[0-9]*/status; do
    while read -r k v _; do case $k in RssAnon:|RssShmem:) anon=$((anon + v * 1024)) ;; esac; done < "$f" 2>/dev/null
  done
fi
base=$((anon + \${shmem:-0}))
emit baseline "$base"; emit baseline.source "$src"; emit cgroup.dir "$cg"
need=$((target - base)); [ "$need" -lt 0 ] && need=0
emit need "$need"
echo 1000 > /proc/self/oom_score_adj 2>/dev/null
now; t0=$u
sleeps=; left=$need
while [ "$left" -gt 0 ]; do
  bs=1073741824; [ "$left" -lt "$bs" ] && bs=$left
  dd if=/dev/zero bs="$bs" count=1 2>/dev/null | sleep "$hold" &
  sleeps="$sleeps $!"
  emit chunk "$bs"
  left=$((left - bs))
done
pids=
for f in /proc/[0-9]*/stat; do
  read -r s < "$f" 2>/dev/null || continue
  pid=\${s%% *}; set -- \${s##*") "}
  [ "$2" = "$$" ] || continue
  case " $sleeps " in *" $pid "*) continue ;; esac
  pids="$pids $pid"
done
emit dd "$pids"
deadline=$((t0 + hold * 100 - 300)); last=-1; flat=0
while :; do
  rss=0; swap=0; alive=0
  for p in $pids; do
    r=; sw=0
    [ -r /proc/$p/status ] && while read -r k v _; do case $k in VmRSS:) r=$v ;; VmSwap:) sw=$v ;; esac; done < /proc/$p/status 2>/dev/null
    [ -n "$r" ] || continue
    alive=$((alive + 1)); rss=$((rss + r * 1024)); swap=$((swap + sw * 1024))
  done
  now
  [ $((rss + swap)) -ge $((need / 100 * 98)) ] && break
  [ "$alive" -eq 0 ] && break
  [ "$u" -ge "$deadline" ] && break
  if [ $((rss + swap)) -le "$last" ]; then flat=$((flat + 1)); [ "$flat" -ge 10 ] && break; else flat=0; fi
  last=$((rss + swap))
  nap
done
emit held.rss "$rss"; emit held.swap "$swap"; emit alive "$alive"; emit fill_cs $((u - t0))
[ -r "$cur" ] && { read -r v < "$cur"; emit cgroup.current "$v"; }
[ -r "$peak" ] && { read -r v < "$peak"; emit cgroup.peak "$v"; }
emit oom_kill.before "$oom0"
if [ -r "$cg/memory.events" ]; then emit oom_kill.after "$(statval "$cg/memory.events" oom_kill)"; else emit oom_kill.after "$(statval "$cg/memory.oom_control" oom_kill)"; fi
kill $sleeps $pids 2>/dev/null; wait
emit end ok
`

export interface MemoryDemandResult {
  exitCode: number
  complete: boolean
  unavailable?: string
  targetBytes: bigint
  baselineBytes?: bigint
  baselineSource?: string
  needBytes?: bigint
  chunks: number
  ddProcesses: number
  residentBytes?: bigint
  swapBytes?: bigint
  alive?: number
  fillSeconds?: number
  cgroupCurrent?: bigint
  cgroupPeak?: bigint
  oomKillsBefore?: number
  oomKillsAfter?: number
}

export function memoryDemandArgv(targetBytes: bigint, holdSeconds = 60): string[] {
  return ['sh', '-c', SCRIPT, 'edge-demand', targetBytes.toString(), String(holdSeconds)]
}

export function parseMemoryDemand(stdout: string, exitCode: number): MemoryDemandResult {
  const kv = keyValues(stdout)
  const big = (k: string) => (/^\d+$/.test(kv.get(k) ?? '') ? BigInt(kv.get(k)!) : undefined)
  const num = (k: string) => (/^\d+$/.test(kv.get(k) ?? '') ? Number(kv.get(k)) : undefined)
  const fill = num('fill_cs')
  return strip({
    exitCode,
    complete: kv.get('end') === 'ok',
    unavailable: kv.get('unavailable'),
    targetBytes: big('target') ?? 0n,
    baselineBytes: big('baseline'),
    baselineSource: kv.get('baseline.source'),
    needBytes: big('need'),
    chunks: stdout.split('\n').filter((l) => l.startsWith('chunk=')).length,
    ddProcesses: (kv.get('dd') ?? '').split(/\s+/).filter(Boolean).length,
    residentBytes: big('held.rss'),
    swapBytes: big('held.swap'),
    alive: num('alive'),
    fillSeconds: fill === undefined ? undefined : fill / 100,
    cgroupCurrent: big('cgroup.current'),
    cgroupPeak: big('cgroup.peak'),
    oomKillsBefore: num('oom_kill.before'),
    oomKillsAfter: num('oom_kill.after'),
  })
}

/** What the memory demand says, in the lease's terms. */
export function judgeMemory(r: MemoryDemandResult, paidBytes: bigint): VerifyCheck {
  const held = r.residentBytes ?? 0n
  const base = r.baselineBytes ?? 0n
  const evidence = {
    paid_bytes: paidBytes,
    target_bytes: r.targetBytes,
    baseline_bytes: r.baselineBytes,
    baseline_source: r.baselineSource,
    resident_bytes: r.residentBytes,
    swap_bytes: r.swapBytes,
    dd_processes: r.ddProcesses,
    alive: r.alive,
    fill_seconds: r.fillSeconds,
    cgroup_current_bytes: r.cgroupCurrent,
    cgroup_peak_bytes: r.cgroupPeak,
    oom_kills: r.oomKillsBefore !== undefined && r.oomKillsAfter !== undefined ? r.oomKillsAfter - r.oomKillsBefore : undefined,
    exit_code: r.exitCode,
  }
  if (r.unavailable) return skipCheck('demand.memory', `${r.unavailable}; to run it, add a probe service to the SDL with the same resources and a probe image that has dd and sleep (busybox:1.36; command: sleep infinity), then run \`edge verify DSEQ --service probe\``, evidence)
  if (!r.complete) {
    if (r.exitCode === 137) {
      return failCheck('demand.memory', `the container was killed (exit 137) while filling ${formatBytes(r.targetBytes)} of the ${formatBytes(paidBytes)} the lease pays for: the memory is not there`, evidence)
    }
    return warnCheck('demand.memory', `the memory test did not finish (exit ${r.exitCode}); nothing was proven either way`, evidence)
  }
  const killed = r.ddProcesses > 0 && r.alive !== undefined && r.alive < r.ddProcesses
  const oomKills = (r.oomKillsAfter ?? 0) - (r.oomKillsBefore ?? 0)
  if (killed || oomKills > 0) {
    return failCheck(
      'demand.memory',
      `the kernel killed the test for memory with ${formatBytes(held + base)} in use; the lease pays for ${formatBytes(paidBytes)}`,
      evidence,
    )
  }
  const need = r.needBytes ?? r.targetBytes
  const swap = r.swapBytes ?? 0n
  if (need > 0n && swap * 20n > need) {
    return failCheck('demand.memory', `${formatBytes(swap)} of the ${formatBytes(need)} the test held went to swap: the lease pays for ${formatBytes(paidBytes)} of RAM`, evidence)
  }
  if ((held + base) * 100n >= r.targetBytes * 97n) {
    return passCheck(
      'demand.memory',
      `held ${formatBytes(held)} resident${base > 0n ? ` beside ${formatBytes(base)} already in use` : ''}: ${percent(held + base, paidBytes)} of the ${formatBytes(paidBytes)} the lease pays for`,
      evidence,
    )
  }
  return failCheck('demand.memory', `only ${formatBytes(held)} of ${formatBytes(need)} became resident within ${r.fillSeconds ?? '?'} s; the lease pays for ${formatBytes(paidBytes)}`, evidence)
}

export interface MemoryDemandOptions {
  /** Of the claim, to hold (default 0.85: most of it, leaving room for the kernel's own use). */
  fraction?: number
  /** The longest the held memory may outlive a lost connection (default 60 s). */
  holdSeconds?: number
  timeoutMs?: number
  signal?: AbortSignal
}

export async function runMemoryDemand(exec: Exec, paidBytes: bigint, options: MemoryDemandOptions = {}): Promise<{check: VerifyCheck; result?: MemoryDemandResult}> {
  const fraction = options.fraction ?? 0.85
  const target = (paidBytes * BigInt(Math.round(fraction * 1000))) / 1000n
  const hold = options.holdSeconds ?? 60
  let out
  try {
    out = await exec(memoryDemandArgv(target, hold), {timeoutMs: options.timeoutMs ?? (hold + 30) * 1000, signal: options.signal})
  } catch (error) {
    return {check: warnCheck('demand.memory', `the memory test could not run: ${error instanceof Error ? error.message : String(error)}`)}
  }
  if (!out.stdout.includes('demand=memory/1')) {
    return {check: skipCheck('demand.memory', `the memory test did not start (exit ${out.exitCode}): ${out.stderr.trim().split('\n')[0] || 'no output'}`, {exit_code: out.exitCode})}
  }
  const result = parseMemoryDemand(out.stdout, out.exitCode)
  return {check: judgeMemory(result, paidBytes), result}
}

const percent = (part: bigint, whole: bigint) => (whole > 0n ? `${Number((part * 1000n) / whole) / 10}%` : '?')

export function keyValues(stdout: string): Map<string, string> {
  const kv = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim())
  }
  return kv
}

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k]
  return o
}
