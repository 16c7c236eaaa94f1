/**
 * CPU demand: keep as many workers busy as the lease pays CPUs for, and measure how much CPU the
 * container really gets. A container limited to fewer CPUs than claimed (a cgroup quota, a smaller
 * cpuset, an oversubscribed host) cannot hide it: its workers get less CPU time per second of wall
 * time, and together they do less work than one worker alone times their number.
 *
 * Method (shell builtins only): each worker is a `while` loop of shell arithmetic, in chunks of k
 * iterations sized to ~50 ms, checking /proc/uptime between chunks; it runs for a fixed wall time,
 * so a throttled container makes the test slower by nothing and shows up as fewer chunks. Runs:
 * 1. calibrate k; 2. one worker alone for `seconds`; 3. N workers at once for `seconds`, with the
 * shell's children CPU ticks (utime+stime of waited children, /proc/self/stat fields 16–17) read
 * before and after, and the cgroup's throttling counters (cpu.stat) as evidence.
 *
 * Two figures: CPUs busy = child CPU seconds / wall seconds (what the lease pays for: CPU time), and
 * parallel speed-up = N × chunks-per-worker-in-parallel / chunks-alone (hyper-threads sharing a core
 * lower this on an honest host). The verdict uses CPUs busy; the speed-up is evidence and warns.
 */
import {type VerifyCheck, cpusText, failCheck, formatCpus, passCheck, skipCheck, warnCheck} from '../check.js'
import type {Exec} from '../exec.js'
import {sleep} from '../../lib/sleep.js'
import {keyValues} from './memory.js'
import {SHELL_PRELUDE} from './shell.js'

const SCRIPT = `${SHELL_PRELUDE}
workers=$1; span=$2
emit demand cpu/1
[ -r /proc/uptime ] || { emit unavailable "the container has no /proc/uptime"; emit end ok; exit 0; }
[ -r /proc/self/stat ] || { emit unavailable "the container has no /proc/self/stat"; emit end ok; exit 0; }
tck=100; have getconf && tck=$(getconf CLK_TCK 2>/dev/null); case $tck in ''|*[!0-9]*) tck=100 ;; esac
emit clk_tck "$tck"
spin() { i=0; while [ $i -lt $1 ]; do i=$((i + 1)); done; }
# Work for $span centiseconds of wall time in chunks of k; prints the chunk count.
work() { now; end=$((u + span)); c=0; while :; do spin "$k"; c=$((c + 1)); now; [ "$u" -ge "$end" ] && break; done; echo "$c"; }
# Children's CPU ticks of this shell; run in the shell itself (in $(...) "self" would be a subshell).
ticks() { read -r s < /proc/self/stat; set -- \${s##*") "}; tk=$((\${14} + \${15})); }
if [ -r /sys/fs/cgroup/cgroup.controllers ]; then cs=$(cgdir)/cpu.stat; else cs=$(cgdir cpu)/cpu.stat; fi
k=2000
while :; do now; t=$u; spin "$k"; now; [ $((u - t)) -ge 5 ] && break; k=$((k * 2)); done
k=$((k * 5 / (u - t + 1) * 2)); [ "$k" -lt 1 ] && k=1
emit k "$k"
now; t=$u; single=$(work); now
emit single.chunks "$single"; emit single.cs $((u - t))
thr0=$(statval "$cs" nr_throttled); tt0=$(statval "$cs" throttled_usec)$(statval "$cs" throttled_time)
ticks; c0=$tk
now; t=$u
j=0; while [ "$j" -lt "$workers" ]; do { emit worker "$(work)"; } & j=$((j + 1)); done
wait
now; ticks; c1=$tk
emit parallel.cs $((u - t)); emit parallel.ticks $((c1 - c0))
emit throttled.before "$thr0"; emit throttled.after "$(statval "$cs" nr_throttled)"
emit throttled_time.before "$tt0"; emit throttled_time.after "$(statval "$cs" throttled_usec)$(statval "$cs" throttled_time)"
emit end ok
`

export interface CpuDemandResult {
  exitCode: number
  complete: boolean
  unavailable?: string
  workers: number
  clockTicks: number
  singleChunks?: number
  singleSeconds?: number
  /** Chunks each parallel worker did. */
  workerChunks: number[]
  parallelSeconds?: number
  /** CPU seconds the workers used together. */
  parallelCpuSeconds?: number
  throttledPeriods?: number
}

export function cpuDemandArgv(workers: number, seconds = 2): string[] {
  return ['sh', '-c', SCRIPT, 'edge-demand', String(workers), String(Math.max(10, Math.round(seconds * 100)))]
}

export function parseCpuDemand(stdout: string, exitCode: number, workers: number): CpuDemandResult {
  const kv = keyValues(stdout)
  const num = (k: string) => (/^\d+$/.test(kv.get(k) ?? '') ? Number(kv.get(k)) : undefined)
  const tck = num('clk_tck') ?? 100
  const cs = (k: string) => (num(k) === undefined ? undefined : num(k)! / 100)
  const thr0 = num('throttled.before')
  const thr1 = num('throttled.after')
  const r: CpuDemandResult = {
    exitCode,
    complete: kv.get('end') === 'ok',
    workers,
    clockTicks: tck,
    workerChunks: stdout
      .split('\n')
      .filter((l) => l.startsWith('worker='))
      .map((l) => Number(l.slice('worker='.length)))
      .filter(Number.isFinite),
  }
  if (kv.get('unavailable')) r.unavailable = kv.get('unavailable')
  if (num('single.chunks') !== undefined) r.singleChunks = num('single.chunks')
  if (cs('single.cs') !== undefined) r.singleSeconds = cs('single.cs')
  if (cs('parallel.cs') !== undefined) r.parallelSeconds = cs('parallel.cs')
  if (num('parallel.ticks') !== undefined) r.parallelCpuSeconds = num('parallel.ticks')! / tck
  if (thr0 !== undefined && thr1 !== undefined) r.throttledPeriods = thr1 - thr0
  return r
}

/** Below this share of the paid CPUs busy, the CPUs are not there. */
export const CPU_FAIL_BELOW = 0.6
/** Below this, say so: an honest but heavily loaded host can land here; a liar at 3 of 4 CPUs too. */
export const CPU_WARN_BELOW = 0.85

/**
 * The verdict, from CPU seconds per wall second while `workers` (= ceil(paid)) loops ran. The
 * thresholds are wide on purpose: a 4-CPU lease throttled to 2 reads 0.5 and fails; an honest one on
 * a busy host reads 0.9–1.0; timer resolution (10 ms over ≥ 1 s) costs at most ~1 %.
 */
export function judgeCpu(r: CpuDemandResult, paidMillis: number): VerifyCheck {
  const paid = paidMillis / 1000
  const busy = r.parallelCpuSeconds !== undefined && r.parallelSeconds ? r.parallelCpuSeconds / r.parallelSeconds : undefined
  const perWorkerAlone = r.singleChunks && r.singleSeconds ? r.singleChunks / r.singleSeconds : undefined
  const together = r.parallelSeconds ? r.workerChunks.reduce((a, b) => a + b, 0) / r.parallelSeconds : undefined
  const speedup = perWorkerAlone && together !== undefined ? together / perWorkerAlone : undefined
  const evidence = {
    paid_cpus: formatCpus(paid),
    workers: r.workers,
    cpus_busy: busy === undefined ? undefined : busy.toFixed(2),
    parallel_speedup: speedup === undefined ? undefined : speedup.toFixed(2),
    parallel_seconds: r.parallelSeconds,
    parallel_cpu_seconds: r.parallelCpuSeconds,
    single_seconds: r.singleSeconds,
    throttled_periods: r.throttledPeriods,
    exit_code: r.exitCode,
  }
  if (r.unavailable) return skipCheck('demand.cpu', r.unavailable, evidence)
  if (!r.complete || busy === undefined) return warnCheck('demand.cpu', `the CPU test did not finish (exit ${r.exitCode}); nothing was proven either way`, evidence)
  const expected = Math.min(paid, r.workers)
  const share = busy / expected
  const said = `${busy.toFixed(2)} CPUs busy with ${r.workers} worker${r.workers === 1 ? '' : 's'}`
  const throttled = r.throttledPeriods ? ` (the cgroup throttled it ${r.throttledPeriods} times)` : ''
  if (share < CPU_FAIL_BELOW) return failCheck('demand.cpu', `the lease pays for ${cpusText(paid)}; the container delivered ${said}${throttled}`, evidence)
  if (share < CPU_WARN_BELOW) return warnCheck('demand.cpu', `the lease pays for ${cpusText(paid)}; the container delivered ${said}${throttled}: a busy host, or fewer CPUs`, evidence)
  if (speedup !== undefined && r.workers > 1 && speedup < r.workers * 0.5) {
    return warnCheck('demand.cpu', `${said}, but together they ran ${speedup.toFixed(1)}× one alone: the CPUs share cores (hyper-threads) or run slower when all are busy`, evidence)
  }
  return passCheck('demand.cpu', `${said}; the lease pays for ${formatCpus(paid)}`, evidence)
}

/**
 * A CPU verdict that failed is measured once more, after a pause, and the better run counts: another
 * process on a busy host can starve an honest container for the few seconds of one run, while a
 * limit below the claim (a quota, a smaller cpuset, a host sold several times over) fails every run.
 * Both figures stay in the evidence.
 */
export const CPU_RUNS_ON_FAILURE = 2

export async function runCpuDemand(
  exec: Exec,
  paidMillis: number,
  options: {seconds?: number; timeoutMs?: number; signal?: AbortSignal; pauseMs?: number} = {},
): Promise<{check: VerifyCheck; result?: CpuDemandResult}> {
  let best = await runCpuOnce(exec, paidMillis, options)
  const busy: string[] = []
  for (let run = 1; run < CPU_RUNS_ON_FAILURE && best.check.status === 'fail' && best.result && !options.signal?.aborted; run++) {
    busy.push(String(best.check.evidence?.cpus_busy))
    await sleep(options.pauseMs ?? 1000, options.signal)
    const again = await runCpuOnce(exec, paidMillis, options)
    if (!again.result) break
    busy.push(String(again.check.evidence?.cpus_busy))
    if (Number(again.check.evidence?.cpus_busy) > Number(best.check.evidence?.cpus_busy)) best = again
  }
  if (busy.length === 0) return best
  const check = {...best.check, evidence: {...best.check.evidence, runs_cpus_busy: busy.join(', ')}}
  if (check.status === 'fail') check.reason += ` in each of ${busy.length} runs (CPUs busy: ${busy.join(', ')})`
  return {...best, check}
}

async function runCpuOnce(exec: Exec, paidMillis: number, options: {seconds?: number; timeoutMs?: number; signal?: AbortSignal}): Promise<{check: VerifyCheck; result?: CpuDemandResult}> {
  const workers = Math.max(1, Math.ceil(paidMillis / 1000))
  const seconds = options.seconds ?? 2
  let out
  try {
    out = await exec(cpuDemandArgv(workers, seconds), {timeoutMs: options.timeoutMs ?? (seconds * 2 + 60) * 1000, signal: options.signal})
  } catch (error) {
    return {check: warnCheck('demand.cpu', `the CPU test could not run: ${error instanceof Error ? error.message : String(error)}`)}
  }
  if (!out.stdout.includes('demand=cpu/1')) {
    return {check: skipCheck('demand.cpu', `the CPU test did not start (exit ${out.exitCode}): ${out.stderr.trim().split('\n')[0] || 'no output'}`, {exit_code: out.exitCode})}
  }
  const result = parseCpuDemand(out.stdout, out.exitCode, workers)
  return {check: judgeCpu(result, paidMillis), result}
}
