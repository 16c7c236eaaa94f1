/**
 * A process lease's status as its state files and the host see it: each replica alive or not,
 * listening on its $PORT or not, failing with its last lines; read, never changed.
 */
import {tcpListening} from '../ports.js'
import {assessReplica, failureErrorLine, failureMessage} from '../supervision.js'
import type {LeaseId, LeaseRuntimeStatus, ReplicaFailure, ReplicaStatus, ServiceRuntimeStatus} from '../types.js'
import {processAlive} from './proc.js'
import type {LeaseFiles, ReplicaFile} from './state-files.js'
import {absolutePathWarning, hostPort, replicaLastLines} from './workload.js'

/** A replica up this long that still does not listen on $PORT gets a warning. */
const NOT_LISTENING_WARNING_MS = 10_000

export async function readLeaseStatus(files: LeaseFiles, lease: LeaseId, {now, readyGraceMs: grace}: {now: number; readyGraceMs: number}): Promise<LeaseRuntimeStatus> {
  const file = files.readLease(lease)
  const services: Record<string, ServiceRuntimeStatus> = {}
  const failures: ReplicaFailure[] = []
  const warnings: string[] = []
  for (const s of file?.services ?? []) {
    const generation = s.generation ?? 1
    const entry: ServiceRuntimeStatus = {name: s.name, total: s.count, available: 0, ready: false, generation, updated: 0, replicas: [], ports: []}
    if (s.absolutePaths?.length) warnings.push(absolutePathWarning(s.name, s.absolutePaths))
    for (let replica = 0; replica < s.count; replica++) {
      const r = files.readReplica(lease, s.name, replica)
      const alive = r ? processAlive(r.pid, r.startTime) : false
      const status: ReplicaStatus = {
        replica,
        id: r && r.pid > 0 ? String(r.pid) : '',
        state: alive ? 'running' : r ? 'exited' : 'missing',
        ...(r && !alive && r.exitCode !== undefined ? {exitCode: r.exitCode} : {}),
        ...(r ? {startedAt: new Date(r.startedAt).toISOString(), restarts: r.restarts ?? 0} : {}),
        ...(r && !alive && r.finishedAt ? {finishedAt: new Date(r.finishedAt).toISOString()} : {}),
      }
      entry.replicas.push(status)
      if (r && r.specHash === s.specHash && (r.generation ?? 1) === generation) entry.updated += 1
      const ports = s.expose.map((e) => hostPort(s.name, replica, e, r?.ports))
      entry.ports.push(...ports)
      if (!r || r.stopping) continue
      // Gone, but its exit is not recorded yet (the exit event or the sweep comes within moments):
      // told then, with its exit code.
      if (!alive && r.pid > 0 && r.finishedAt === undefined) continue
      const {available, failing} = assessReplica(status, now, grace)
      if (failing) {
        failures.push(replicaFailure(files, lease, {service: s.name, replica, r, alive, now}))
        continue
      }
      if (!available) continue
      // A host process is given its port in $PORT: it is available once it listens there.
      const first = ports.find((p) => p.proto === 'TCP' && p.hostPort > 0)
      if (first && !(await tcpListening('127.0.0.1', first.hostPort))) {
        if (now - r.startedAt >= NOT_LISTENING_WARNING_MS) {
          warnings.push(
            `${s.name} replica ${replica} runs but does not listen on port ${first.hostPort}: a host process gets its own port in $PORT (here ${first.hostPort}) instead of ${first.port}, so several deployments can run at once; listen on $PORT.`,
          )
        }
        continue
      }
      entry.available += 1
    }
    entry.ready = entry.total > 0 && entry.available >= entry.total
    services[s.name] = entry
  }
  return {
    lease,
    group: file?.group ?? '',
    ...(file?.manifestVersion ? {manifestVersion: file.manifestVersion} : {}),
    services,
    errors: failures.map(failureErrorLine),
    failures,
    warnings,
  }
}

/** The replica's failure: what happened, its exit code, restarts, and the last lines it printed. */
export function replicaFailure(files: LeaseFiles, lease: LeaseId, o: {service: string; replica: number; r: ReplicaFile; alive: boolean; now: number}): ReplicaFailure {
  const {service, replica, r, alive} = o
  const reason = r.pid < 0 ? 'start_failed' : alive ? 'crash_loop' : 'exited'
  const exitCode = alive ? r.lastExitCode : r.exitCode
  const lastLines = replicaLastLines(files.replicaDir(lease, service, replica), r.logFrom)
  const base = {service, replica, reason, ...(exitCode !== undefined ? {exitCode} : {}), restarts: r.restarts ?? 0, lastLines} as const
  return {...base, message: failureMessage(base, o.now, alive ? undefined : r.nextRestartAt)}
}
