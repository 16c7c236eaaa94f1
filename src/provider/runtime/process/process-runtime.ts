import {spawn} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {PassThrough} from 'node:stream'

import {ProviderError, UsageError} from '../../../errors.js'
import {akashEnv} from '../container-spec.js'
import {EventJournal} from '../event-journal.js'
import {leaseHash, leaseKey, safeName} from '../labels.js'
import {exposeProto, externalPortOf, httpOptionsOf, isIngressExpose} from '../manifest-read.js'
import type {ManifestExpose, ManifestGroup, ManifestService} from '../manifest-types.js'
import {serviceSpecHash} from '../spec-hash.js'
import type {
  DeployOptions,
  EventOptions,
  ExecOptions,
  ExecSession,
  LeaseId,
  LeaseRuntimeStatus,
  LogLine,
  LogOptions,
  PublishedPort,
  RunningLease,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
  ServiceRuntimeStatus,
} from '../types.js'
import {logFileLines, type LogFileSource} from './log-files.js'
import {processAlive, processStartTime, shellQuote, signalGroup} from './proc.js'

export interface ProcessRuntimeOptions {
  /** The network this provider serves; only `local` is allowed. */
  network: string
  /** Where lease state, logs and working directories live. */
  dataDir: string
  /** This provider's address: only its leases are listed. */
  provider?: string
  /** Environment the workloads inherit PATH (and nothing else) from. */
  env?: NodeJS.ProcessEnv
  /** Time between SIGTERM and SIGKILL on teardown. */
  stopGraceMs?: number
  shell?: string
  now?: () => number
}

interface LeaseFile {
  lease: LeaseId
  group: string
  manifestVersion?: string
  /** `generation`: the spec revision (1 at deploy, +1 per changed spec); absent in older files. */
  services: {name: string; count: number; specHash: string; generation?: number; expose: ManifestExpose[]}[]
}

interface ReplicaFile {
  service: string
  replica: number
  pid: number
  startTime?: string
  specHash: string
  generation?: number
  startedAt: number
  exitCode?: number
  env: string[]
}

/**
 * Runs each service's command + args as a host process, for `edge dev` on machines without a
 * container engine. No isolation, no limits, no image: so it refuses every network but `local`.
 * Processes are detached (own process group) and write their output to files, so a restarted
 * provider finds them (state files) and can still read their logs.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const
  private readonly journal = new EventJournal()
  private readonly root: string
  private readonly now: () => number
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor(private readonly options: ProcessRuntimeOptions) {
    if (options.network !== 'local') {
      throw new UsageError(
        `The process runtime cannot serve the ${options.network} network: it runs tenants' commands as plain processes on this machine, with no isolation, no resource limits and no image.`,
        {
          code: 'process_runtime_refused',
          hint: 'Use the docker runtime (Docker or Podman\'s API socket) to serve a real network; the process runtime is for `edge dev` (network local) only.',
          details: {network: options.network},
        },
      )
    }
    this.root = path.join(options.dataDir, 'leases')
    this.now = options.now ?? Date.now
  }

  async info(): Promise<RuntimeInfo> {
    return {kind: 'process', engine: 'host processes', version: process.version}
  }

  deploy(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    return this.serialised(lease, () => this.reconcile(lease, group, options))
  }

  update(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    return this.deploy(lease, group, options)
  }

  async status(lease: LeaseId): Promise<LeaseRuntimeStatus> {
    const file = this.readLease(lease)
    const services: Record<string, ServiceRuntimeStatus> = {}
    const errors: string[] = []
    for (const s of file?.services ?? []) {
      const generation = s.generation ?? 1
      const entry: ServiceRuntimeStatus = {name: s.name, total: s.count, available: 0, ready: false, generation, updated: 0, replicas: [], ports: []}
      for (let replica = 0; replica < s.count; replica++) {
        const r = this.readReplica(lease, s.name, replica)
        const alive = r ? processAlive(r.pid, r.startTime) : false
        if (alive) entry.available += 1
        if (r && r.specHash === s.specHash && (r.generation ?? 1) === generation) entry.updated += 1
        else if (r) errors.push(`${s.name} replica ${replica} exited${r.exitCode !== undefined ? ` with code ${r.exitCode}` : ''}`)
        entry.replicas.push({
          replica,
          id: r ? String(r.pid) : '',
          state: alive ? 'running' : r ? 'exited' : 'missing',
          ...(r && !alive && r.exitCode !== undefined ? {exitCode: r.exitCode} : {}),
          ...(r ? {startedAt: new Date(r.startedAt).toISOString()} : {}),
        })
        entry.ports.push(...s.expose.map((e) => hostPort(s.name, replica, e)))
      }
      entry.ready = entry.total > 0 && entry.available >= entry.total
      services[s.name] = entry
    }
    return {
      lease,
      group: file?.group ?? '',
      ...(file?.manifestVersion ? {manifestVersion: file.manifestVersion} : {}),
      services,
      errors,
    }
  }

  logs(lease: LeaseId, options: LogOptions = {}): AsyncIterable<LogLine> {
    const file = this.readLease(lease)
    const wanted = options.services && options.services.length > 0 ? new Set(options.services) : undefined
    const sources: LogFileSource[] = []
    for (const s of file?.services ?? []) {
      if (wanted && !wanted.has(s.name)) continue
      for (let replica = 0; replica < s.count; replica++) {
        const dir = this.replicaDir(lease, s.name, replica)
        if (!existsSync(dir)) continue
        const alive = () => {
          const r = this.readReplica(lease, s.name, replica)
          return r ? processAlive(r.pid, r.startTime) : false
        }
        for (const stream of ['stdout', 'stderr'] as const) {
          sources.push({service: s.name, replica, stream, path: path.join(dir, `${stream}.log`), alive})
        }
      }
    }
    return logFileLines(sources, {
      ...(options.tail !== undefined ? {tail: options.tail} : {}),
      ...(options.follow ? {follow: true} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
    })
  }

  events(lease: LeaseId, options: EventOptions = {}): AsyncIterable<RuntimeEvent> {
    const known = new Set(this.journal.history(lease).map((e) => `${e.type}|${e.service}|${e.replica}`))
    const history: RuntimeEvent[] = []
    for (const s of this.readLease(lease)?.services ?? []) {
      for (let replica = 0; replica < s.count; replica++) {
        const r = this.readReplica(lease, s.name, replica)
        if (!r || known.has(`container.started|${s.name}|${replica}`)) continue
        history.push(this.event(lease, {type: 'container.started', service: s.name, replica, severity: 'normal', reason: 'Started', message: `Started ${s.name} replica ${replica} (pid ${r.pid})`}, r.startedAt))
      }
    }
    return this.journal.stream(lease, options, history)
  }

  async exec(lease: LeaseId, options: ExecOptions): Promise<ExecSession> {
    const replica = options.replica ?? 0
    const file = this.readLease(lease)
    if (!file) throw new ProviderError(`Lease ${leaseKey(lease)} has no processes here.`, {code: 'lease_not_found'})
    const r = this.readReplica(lease, options.service, replica)
    if (!r) {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not part of this lease.`, {
        code: 'service_not_found',
        details: {service: options.service, replica},
      })
    }
    if (!processAlive(r.pid, r.startTime)) {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not running.`, {code: 'service_unavailable'})
    }
    // One argument is a shell line ("ls -la"); several are a command and its arguments.
    const line = options.cmd.length === 1 ? (options.cmd[0] as string) : options.cmd.map((a) => shellQuote(a)).join(' ')
    const child = spawn(this.options.shell ?? '/bin/sh', ['-c', line], {
      cwd: path.join(this.replicaDir(lease, options.service, replica), 'work'),
      env: envObject(r.env),
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    })
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    child.stdout?.pipe(stdout)
    child.stderr?.pipe(options.tty ? stdout : stderr, {end: !options.tty})
    if (options.tty) child.stderr?.on('end', () => stderr.end())
    const onAbort = () => child.kill('SIGKILL')
    options.signal?.addEventListener('abort', onAbort, {once: true})
    const exit = new Promise<{exitCode: number}>((resolve) => {
      let code = -1
      child.on('error', () => resolve({exitCode: 127}))
      child.on('exit', (c, signal) => {
        code = c ?? (signal ? 128 + signalNumber(signal) : -1)
      })
      // 'close' comes after the output pipes have drained.
      child.on('close', () => {
        options.signal?.removeEventListener('abort', onAbort)
        resolve({exitCode: code})
      })
    })
    return {
      stdout,
      stderr,
      ...(child.stdin ? {stdin: child.stdin} : {}),
      // No terminal here: the process runtime has no pty to resize.
      resize: async () => undefined,
      exit,
      close: () => child.kill('SIGKILL'),
    }
  }

  teardown(lease: LeaseId): Promise<void> {
    return this.serialised(lease, async () => {
      await Promise.all(this.allReplicaFiles(lease).map((r) => this.stop(r)))
      rmSync(this.leaseDir(lease), {recursive: true, force: true})
      this.journal.emit(this.event(lease, {type: 'lease.removed', severity: 'normal', reason: 'Killing', message: 'Lease removed'}))
      this.journal.forget(lease)
    })
  }

  async list(): Promise<RunningLease[]> {
    if (!existsSync(this.root)) return []
    const out: RunningLease[] = []
    for (const dir of readdirSync(this.root)) {
      const file = readJson<LeaseFile>(path.join(this.root, dir, 'lease.json'))
      if (!file) continue
      if (this.options.provider && file.lease.provider !== this.options.provider) continue
      out.push({
        lease: file.lease,
        group: file.group,
        ...(file.manifestVersion ? {manifestVersion: file.manifestVersion} : {}),
        services: file.services.map((s) => s.name).sort(),
      })
    }
    return out
  }

  async close(): Promise<void> {}

  // ---- internals ----

  private async reconcile(lease: LeaseId, group: ManifestGroup, options: DeployOptions): Promise<LeaseRuntimeStatus> {
    const unsubscribe = options.onEvent ? this.journal.subscribe(lease, options.onEvent) : undefined
    try {
      for (const s of group.services) {
        if ((s.command?.length ?? 0) === 0 && (s.args?.length ?? 0) === 0) {
          const error = new ProviderError(`Service ${s.name} has no command: the process runtime runs a service's command and args, not its image.`, {
            code: 'deploy_failed',
            hint: 'Give the service a `command` in the SDL, or use the docker runtime.',
          })
          this.journal.emit(this.event(lease, {type: 'lease.deploy.failed', service: s.name, severity: 'warning', reason: 'Failed', message: error.message}))
          throw error
        }
      }
      mkdirSync(this.leaseDir(lease), {recursive: true})
      const before = new Map((this.readLease(lease)?.services ?? []).map((s) => [s.name, s]))
      const revision = (s: ManifestService, specHash: string): number => {
        const old = before.get(s.name)
        if (!old) return 1
        return old.specHash === specHash ? (old.generation ?? 1) : (old.generation ?? 1) + 1
      }
      const file: LeaseFile = {
        lease,
        group: group.name,
        ...(options.manifestVersion ? {manifestVersion: options.manifestVersion} : {}),
        services: group.services.map((s) => {
          const specHash = serviceSpecHash(s)
          return {name: s.name, count: s.count, specHash, generation: revision(s, specHash), expose: s.expose ?? []}
        }),
      }
      // Stop what the new manifest no longer has (removed services, surplus replicas).
      const keep = new Set(file.services.flatMap((s) => Array.from({length: s.count}, (_, i) => `${s.name}|${i}`)))
      for (const r of this.allReplicaFiles(lease)) {
        if (keep.has(`${r.service}|${r.replica}`)) continue
        await this.stop(r)
        rmSync(this.replicaDir(lease, r.service, r.replica), {recursive: true, force: true})
      }
      writeJsonAtomic(path.join(this.leaseDir(lease), 'lease.json'), file)
      for (const [index, service] of group.services.entries()) {
        const {specHash, generation = 1} = file.services[index]
        for (let replica = 0; replica < service.count; replica++) {
          const r = this.readReplica(lease, service.name, replica)
          if (r && r.specHash === specHash && processAlive(r.pid, r.startTime)) continue
          if (r) await this.stop(r)
          if (r && r.specHash !== specHash && replica === 0) {
            this.journal.emit(this.event(lease, {type: 'service.replaced', service: service.name, severity: 'normal', reason: 'Updated', message: `Replacing ${service.name}: its spec changed`}))
          }
          this.start(lease, service, replica, {specHash, generation})
        }
      }
      this.journal.emit(this.event(lease, {type: 'lease.deployed', severity: 'normal', reason: 'Deployed', message: `Group ${group.name} is deployed`}))
      return await this.status(lease)
    } finally {
      unsubscribe?.()
    }
  }

  private start(lease: LeaseId, service: ManifestService, replica: number, revision: {specHash: string; generation: number}): void {
    const {specHash, generation} = revision
    const dir = this.replicaDir(lease, service.name, replica)
    const work = path.join(dir, 'work')
    mkdirSync(work, {recursive: true})
    const argv = [...(service.command ?? []), ...(service.args ?? [])]
    const env = [
      `PATH=${(this.options.env ?? process.env).PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
      `HOME=${work}`,
      ...akashEnv(lease),
      ...(service.env ?? []),
    ]
    const out = openSync(path.join(dir, 'stdout.log'), 'a')
    const err = openSync(path.join(dir, 'stderr.log'), 'a')
    let child
    try {
      child = spawn(argv[0] as string, argv.slice(1), {cwd: work, env: envObject(env), detached: true, stdio: ['ignore', out, err]})
    } finally {
      closeSync(out)
      closeSync(err)
    }
    const who = `${service.name} replica ${replica}`
    const pid = child.pid
    if (pid === undefined) {
      // spawn reports ENOENT and friends asynchronously; the pid tells us now.
      child.on('error', () => undefined)
      writeJsonAtomic(path.join(dir, 'state.json'), {service: service.name, replica, pid: -1, specHash, generation, startedAt: this.now(), exitCode: 127, env} satisfies ReplicaFile)
      this.journal.emit(this.event(lease, {type: 'container.died', service: service.name, replica, severity: 'warning', reason: 'Failed', message: `${who} could not start: ${argv[0]} not found`, exitCode: 127}))
      return
    }
    const startTime = processStartTime(pid)
    const state: ReplicaFile = {service: service.name, replica, pid, ...(startTime ? {startTime} : {}), specHash, generation, startedAt: this.now(), env}
    writeJsonAtomic(path.join(dir, 'state.json'), state)
    this.journal.emit(this.event(lease, {type: 'container.started', service: service.name, replica, severity: 'normal', reason: 'Started', message: `Started ${who} (pid ${pid})`}))
    child.on('exit', (code, signal) => {
      const exitCode = code ?? (signal ? 128 + signalNumber(signal) : -1)
      const current = readJson<ReplicaFile>(path.join(dir, 'state.json'))
      if (current?.pid === pid) writeJsonAtomic(path.join(dir, 'state.json'), {...current, exitCode})
      this.journal.emit(
        this.event(lease, {type: 'container.died', service: service.name, replica, severity: exitCode === 0 ? 'normal' : 'warning', reason: exitCode === 0 ? 'Completed' : 'BackOff', message: `${who} exited with code ${exitCode}`, exitCode}),
      )
    })
    child.unref()
  }

  private async stop(r: ReplicaFile): Promise<void> {
    if (!processAlive(r.pid, r.startTime)) return
    signalGroup(r.pid, 'SIGTERM')
    const deadline = this.now() + (this.options.stopGraceMs ?? 5000)
    while (processAlive(r.pid, r.startTime) && this.now() < deadline) await new Promise((res) => setTimeout(res, 50))
    if (processAlive(r.pid, r.startTime)) signalGroup(r.pid, 'SIGKILL')
    // SIGKILL is not instant either; wait for the pid to go so ports are free again.
    for (let i = 0; i < 100 && processAlive(r.pid, r.startTime); i++) await new Promise((res) => setTimeout(res, 20))
  }

  private leaseDir(lease: LeaseId): string {
    return path.join(this.root, leaseHash(lease, 16))
  }

  private replicaDir(lease: LeaseId, service: string, replica: number): string {
    return path.join(this.leaseDir(lease), `${safeName(service)}-${replica}`)
  }

  private readLease(lease: LeaseId): LeaseFile | undefined {
    return readJson<LeaseFile>(path.join(this.leaseDir(lease), 'lease.json'))
  }

  private readReplica(lease: LeaseId, service: string, replica: number): ReplicaFile | undefined {
    return readJson<ReplicaFile>(path.join(this.replicaDir(lease, service, replica), 'state.json'))
  }

  private allReplicaFiles(lease: LeaseId): ReplicaFile[] {
    const dir = this.leaseDir(lease)
    if (!existsSync(dir)) return []
    return readdirSync(dir)
      .map((d) => readJson<ReplicaFile>(path.join(dir, d, 'state.json')))
      .filter((r): r is ReplicaFile => Boolean(r))
  }

  private event(lease: LeaseId, e: Omit<RuntimeEvent, 'ts' | 'lease'>, ts = this.now()): RuntimeEvent {
    return {ts, lease, ...e}
  }

  private serialised<T>(lease: LeaseId, fn: () => Promise<T>): Promise<T> {
    const key = leaseKey(lease)
    const run = (this.locks.get(key) ?? Promise.resolve()).then(fn, fn)
    const settled = run.catch(() => undefined)
    this.locks.set(key, settled)
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key)
    })
    return run
  }
}

/** The process binds the manifest's port itself, on the host: that is its "published" port. */
function hostPort(service: string, replica: number, expose: ManifestExpose): PublishedPort {
  return {
    service,
    replica,
    port: expose.port,
    externalPort: externalPortOf(expose),
    proto: exposeProto(expose),
    global: Boolean(expose.global),
    ingress: isIngressExpose(expose),
    hostIp: '127.0.0.1',
    hostPort: expose.port,
    hosts: [...(expose.hosts ?? [])],
    httpOptions: httpOptionsOf(expose),
  }
}

function envObject(env: string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const entry of env) {
    const eq = entry.indexOf('=')
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return out
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13}
  return numbers[signal] ?? 0
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value))
  renameSync(tmp, file)
}
