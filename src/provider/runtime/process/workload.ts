import {existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync} from 'node:fs'
import path from 'node:path'

import {ProviderError} from '../../../errors.js'
import {lastLines} from '../supervision.js'
import {exposeProto, externalPortOf, httpOptionsOf, isIngressExpose} from '../manifest-read.js'
import type {ManifestExpose} from '../manifest-types.js'
import {anyFreePort, portIsFree} from '../ports.js'
import type {LeaseId, PublishedPort, RuntimeEvent} from '../types.js'
import {type LogFileSource, tailOffset} from './log-files.js'
import {processAlive, signalGroup} from './proc.js'
import {type LeaseFiles, portName, type ReplicaFile, writeJsonAtomic} from './state-files.js'

/** How a replica runs as a host process: its PATH, its own host ports, its stop, its output's tail. */

/**
 * A directory holding only `node` (a link to the node that runs edge), put at the end of the
 * workloads' PATH: every edge machine has Node, but the directory it lives in may hold other
 * programs (busybox in /usr/bin) that the provider's own PATH does not offer.
 */
export function nodeBin(dataDir: string): string {
  const dir = path.join(dataDir, 'bin')
  const link = path.join(dir, 'node')
  try {
    if (readlinkSync(link) === process.execPath) return dir
    rmSync(link, {force: true})
  } catch {
    // absent
  }
  mkdirSync(dir, {recursive: true})
  try {
    symlinkSync(process.execPath, link)
  } catch {
    // Another provider process made it meanwhile.
  }
  return dir
}

/** The provider's PATH, then a directory with only the node that runs edge (see nodeBin). */
export function workloadPath(env: NodeJS.ProcessEnv, nodeBin: string): string {
  const parts = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean)
  if (!parts.includes(nodeBin)) parts.push(nodeBin)
  return parts.join(':')
}

/** Host ports handed to replicas: each gets its own, kept across restarts while still free. */
export class ReplicaPorts {
  /** Handed out and not yet recorded in a replica file. */
  private readonly reserved = new Set<number>()

  /** Host ports for a replica's exposes: the ones it had (if still free), else any free port. */
  async allocate(exposes: ManifestExpose[], previous: Record<string, number>, recorded: Iterable<number>): Promise<Record<string, number>> {
    const taken = new Set<number>([...this.reserved, ...recorded])
    const out: Record<string, number> = {}
    for (const e of exposes) {
      const proto = exposeProto(e)
      const name = portName(e.port, proto)
      if (out[name]) continue
      const old = previous[name]
      let port: number | undefined
      if (old && !this.reserved.has(old) && (await portIsFree('0.0.0.0', old, proto))) port = old
      for (let tries = 0; port === undefined && tries < 20; tries++) {
        const candidate = await anyFreePort('0.0.0.0', proto)
        if (!taken.has(candidate)) port = candidate
      }
      if (port === undefined) throw new ProviderError(`No free ${proto} port for ${e.port}.`, {code: 'deploy_failed'})
      taken.add(port)
      this.reserved.add(port)
      out[name] = port
    }
    return out
  }

  /** The ports are in the replica's file now (or it did not start). */
  release(ports: Iterable<number>): void {
    for (const p of ports) this.reserved.delete(p)
  }
}

/** Stops a replica on purpose: marked first, so its exit is neither a failure nor restarted. */
export async function stopReplica(dir: string, r: ReplicaFile, graceMs: number, now: () => number): Promise<void> {
  if (!r.stopping && existsSync(path.join(dir, 'state.json'))) writeJsonAtomic(path.join(dir, 'state.json'), {...r, stopping: true})
  if (!processAlive(r.pid, r.startTime)) return
  signalGroup(r.pid, 'SIGTERM')
  const deadline = now() + graceMs
  while (processAlive(r.pid, r.startTime) && now() < deadline) await new Promise((res) => setTimeout(res, 50))
  if (processAlive(r.pid, r.startTime)) signalGroup(r.pid, 'SIGKILL')
  // SIGKILL is not instant either; wait for the pid to go so ports are free again.
  for (let i = 0; i < 100 && processAlive(r.pid, r.startTime); i++) await new Promise((res) => setTimeout(res, 20))
}

/** The replica's own port for one expose: the ingress routes the SDL's port there. */
export function hostPort(service: string, replica: number, expose: ManifestExpose, ports: Record<string, number> = {}): PublishedPort {
  const proto = exposeProto(expose)
  return {
    service,
    replica,
    port: expose.port,
    externalPort: externalPortOf(expose),
    proto,
    global: Boolean(expose.global),
    ingress: isIngressExpose(expose),
    hostIp: '127.0.0.1',
    hostPort: ports[portName(expose.port, proto)] ?? 0,
    hosts: [...(expose.hosts ?? [])],
    httpOptions: httpOptionsOf(expose),
  }
}

export function absolutePathWarning(service: string, paths: string[]): string {
  const list = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '')
  return `${service} uses absolute paths (${list}): as a host process it reads and writes them on the provider's own filesystem, outside its working directory, where they outlive the lease. Use relative paths to run it on edge dev without a container engine.`
}

/** The last `lines` lines of a file (empty when it is missing). */
function readTail(file: string, lines: number, from = 0): string[] {
  try {
    const start = Math.max(from, tailOffset(file, lines))
    const text = readFileSync(file).subarray(start).toString('utf8')
    return text.split('\n')
  } catch {
    return []
  }
}

/**
 * A replica's last output lines, for its failure, from where its current spec's output starts. Two
 * files, so the order between them is lost: stdout first, then stderr, where errors go.
 */
export function replicaLastLines(dir: string, from?: {stdout: number; stderr: number}): string[] {
  return lastLines((['stdout', 'stderr'] as const).flatMap((f) => readTail(path.join(dir, `${f}.log`), 10, from?.[f] ?? 0)))
}

/** The stdout and stderr files of each wanted replica; one is followed while its process lives or a restart is due. */
export function replicaLogSources(files: LeaseFiles, lease: LeaseId, wanted: Set<string> | undefined, restarting: (dir: string) => boolean): LogFileSource[] {
  const sources: LogFileSource[] = []
  for (const s of files.readLease(lease)?.services ?? []) {
    if (wanted && !wanted.has(s.name)) continue
    for (let replica = 0; replica < s.count; replica++) {
      const dir = files.replicaDir(lease, s.name, replica)
      if (!existsSync(dir)) continue
      const alive = () => {
        const r = files.readReplica(lease, s.name, replica)
        return r ? processAlive(r.pid, r.startTime) || restarting(dir) : false
      }
      for (const stream of ['stdout', 'stderr'] as const) {
        sources.push({service: s.name, replica, stream, path: path.join(dir, `${stream}.log`), alive})
      }
    }
  }
  return sources
}

/** The starts a restarted provider cannot remember (`remembered` is what the journal still holds), from the replica files. */
export function startsFromFiles(files: LeaseFiles, lease: LeaseId, remembered: RuntimeEvent[]): RuntimeEvent[] {
  const known = new Set(remembered.map((e) => `${e.type}|${e.service}|${e.replica}`))
  const history: RuntimeEvent[] = []
  for (const s of files.readLease(lease)?.services ?? []) {
    for (let replica = 0; replica < s.count; replica++) {
      const r = files.readReplica(lease, s.name, replica)
      if (!r || r.pid <= 0 || known.has(`container.started|${s.name}|${replica}`)) continue
      history.push({ts: r.startedAt, lease, type: 'container.started', service: s.name, replica, severity: 'normal', reason: 'Started', message: `Started ${s.name} replica ${replica} (pid ${r.pid})`})
    }
  }
  return history
}
