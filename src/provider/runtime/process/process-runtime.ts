import {spawn} from 'node:child_process'
import {appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {PassThrough} from 'node:stream'

import {ProviderError, UsageError} from '../../../errors.js'
import {akashEnv} from '../container-spec.js'
import {EventJournal} from '../event-journal.js'
import {absoluteHostPaths} from '../host-paths.js'
import {leaseHash, leaseKey, safeName} from '../labels.js'
import {exposeProto, externalPortOf, httpOptionsOf, isIngressExpose} from '../manifest-read.js'
import type {ManifestExpose, ManifestGroup, ManifestService} from '../manifest-types.js'
import {anyFreePort, portIsFree, tcpListening} from '../ports.js'
import {serviceSpecHash} from '../spec-hash.js'
import {READY_GRACE_MS, assessReplica, failureErrorLine, failureMessage, lastLines, nextCrashCount, restartDelayMs} from '../supervision.js'
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
  ReplicaFailure,
  ReplicaStatus,
  RunningLease,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
  ServiceRuntimeStatus,
} from '../types.js'
import {logFileLines, type LogFileSource, tailOffset} from './log-files.js'
import {processAlive, processStartTime, shellQuote, signalGroup} from './proc.js'
import {KeyedLock} from '../../../lib/keyed-lock.js'

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
  /** How long a replica must stay up after a (re)start to count as available (supervision.ts). */
  readyGraceMs?: number
  /** How often exited replicas the provider did not start itself are looked for. */
  sweepMs?: number
  shell?: string
  now?: () => number
}

interface LeaseFile {
  lease: LeaseId
  group: string
  manifestVersion?: string
  /** `generation`: the spec revision (1 at deploy, +1 per changed spec); absent in older files. */
  services: {name: string; count: number; specHash: string; generation?: number; expose: ManifestExpose[]; absolutePaths?: string[]}[]
}

interface ReplicaFile {
  service: string
  replica: number
  /** -1 when the command could not be started. */
  pid: number
  startTime?: string
  specHash: string
  generation?: number
  startedAt: number
  exitCode?: number
  env: string[]
  /** The command line and the manifest's env, so a crashed replica can be restarted without the manifest. */
  argv?: string[]
  specEnv?: string[]
  /** The exit code of the run before this one (a replica restarted after exiting). */
  lastExitCode?: number
  /** Host port per manifest port (`8080/TCP` → 41234): the replica's own, kept across restarts. */
  ports?: Record<string, number>
  /** Times the provider restarted it after it exited. */
  restarts?: number
  /** Consecutive exits, for the back-off. */
  crashes?: number
  /** When it was seen exited. */
  finishedAt?: number
  /** When the provider restarts it next. */
  nextRestartAt?: number
  /** Stopped on purpose by the provider (update, teardown): neither restarted nor a failure. */
  stopping?: boolean
  /** Why the command could not be started. */
  startError?: string
}

/** Kubernetes-style name of a port in the replica file. */
const portName = (port: number, proto: string) => `${port}/${proto}`

/** A replica up this long that still does not listen on $PORT gets a warning. */
const NOT_LISTENING_WARNING_MS = 10_000

/**
 * Runs each service's command + args as a host process, for `edge dev` on machines without a
 * container engine. No isolation, no limits, no image: so it refuses every network but `local`.
 * Processes are detached (own process group) and write their output to files, so a restarted
 * provider finds them (state files) and can still read their logs.
 *
 * Each replica gets its own working directory and its own host port per exposed port, given to
 * it as `PORT` (the first exposed port) and `PORT_<port>`; the ingress routes the SDL's port to
 * it, so many deployments of one SDL run side by side. A replica that exits is restarted with the
 * back-off of supervision.ts, the same as the docker runtime's.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const
  private readonly journal = new EventJournal()
  private readonly root: string
  private readonly now: () => number
  private readonly locks = new KeyedLock()
  /** Pids this instance spawned: their exit events tell the exit code. */
  private readonly children = new Set<number>()
  /** Scheduled restarts, per replica directory. */
  private readonly restarts = new Map<string, NodeJS.Timeout>()
  /** Host ports handed out and not yet recorded in a replica file. */
  private readonly reservedPorts = new Set<number>()
  private sweeper: NodeJS.Timeout | undefined
  private closed = false

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
    return {kind: 'process', engine: 'host processes', version: process.version, isolated: false, usesImages: false, terminal: false}
  }

  deploy(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    this.supervise()
    return this.serialised(lease, () => this.reconcile(lease, group, options))
  }

  update(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    return this.deploy(lease, group, options)
  }

  async status(lease: LeaseId): Promise<LeaseRuntimeStatus> {
    const file = this.readLease(lease)
    const services: Record<string, ServiceRuntimeStatus> = {}
    const failures: ReplicaFailure[] = []
    const warnings: string[] = []
    const now = this.now()
    const grace = this.options.readyGraceMs ?? READY_GRACE_MS
    for (const s of file?.services ?? []) {
      const generation = s.generation ?? 1
      const entry: ServiceRuntimeStatus = {name: s.name, total: s.count, available: 0, ready: false, generation, updated: 0, replicas: [], ports: []}
      if (s.absolutePaths?.length) warnings.push(absolutePathWarning(s.name, s.absolutePaths))
      for (let replica = 0; replica < s.count; replica++) {
        const r = this.readReplica(lease, s.name, replica)
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
          failures.push(this.failure(lease, s.name, replica, r, alive))
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
          return r ? processAlive(r.pid, r.startTime) || this.restarts.has(dir) : false
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
        if (!r || r.pid <= 0 || known.has(`container.started|${s.name}|${replica}`)) continue
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
      const dir = this.leaseDir(lease)
      for (const [replicaDir, timer] of this.restarts) {
        if (replicaDir.startsWith(dir + path.sep)) {
          clearTimeout(timer)
          this.restarts.delete(replicaDir)
        }
      }
      await Promise.all(this.allReplicas(lease).map(({dir: d, state}) => this.stop(d, state)))
      rmSync(dir, {recursive: true, force: true})
      this.journal.emit(this.event(lease, {type: 'lease.removed', severity: 'normal', reason: 'Killing', message: 'Lease removed'}))
      this.journal.forget(lease)
    })
  }

  async list(): Promise<RunningLease[]> {
    this.supervise()
    return this.leaseFiles().map((file) => ({
      lease: file.lease,
      group: file.group,
      ...(file.manifestVersion ? {manifestVersion: file.manifestVersion} : {}),
      services: file.services.map((s) => s.name).sort(),
    }))
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = undefined
    for (const timer of this.restarts.values()) clearTimeout(timer)
    this.restarts.clear()
  }

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
          const absolutePaths = absoluteHostPaths(s)
          return {name: s.name, count: s.count, specHash, generation: revision(s, specHash), expose: s.expose ?? [], ...(absolutePaths.length ? {absolutePaths} : {})}
        }),
      }
      for (const s of file.services) {
        if (s.absolutePaths?.length && before.get(s.name)?.specHash !== s.specHash) {
          this.journal.emit(this.event(lease, {type: 'lease.warning', service: s.name, severity: 'warning', reason: 'HostPaths', message: absolutePathWarning(s.name, s.absolutePaths)}))
        }
      }
      // Stop what the new manifest no longer has (removed services, surplus replicas).
      const keep = new Set(file.services.flatMap((s) => Array.from({length: s.count}, (_, i) => `${s.name}|${i}`)))
      for (const {dir, state} of this.allReplicas(lease)) {
        if (keep.has(`${state.service}|${state.replica}`)) continue
        this.cancelRestart(dir)
        await this.stop(dir, state)
        rmSync(dir, {recursive: true, force: true})
      }
      writeJsonAtomic(path.join(this.leaseDir(lease), 'lease.json'), file)
      for (const [index, service] of group.services.entries()) {
        const {specHash, generation = 1} = file.services[index]
        for (let replica = 0; replica < service.count; replica++) {
          const dir = this.replicaDir(lease, service.name, replica)
          const r = this.readReplica(lease, service.name, replica)
          if (r && r.specHash === specHash && (processAlive(r.pid, r.startTime) || this.restarts.has(dir))) continue
          this.cancelRestart(dir)
          if (r) await this.stop(dir, r)
          const replaced = Boolean(r && r.specHash !== specHash)
          if (replaced && replica === 0) {
            this.journal.emit(this.event(lease, {type: 'service.replaced', service: service.name, severity: 'normal', reason: 'Updated', message: `Replacing ${service.name}: its spec changed`}))
          }
          await this.start(lease, {
            service: service.name,
            replica,
            argv: [...(service.command ?? []), ...(service.args ?? [])],
            env: service.env ?? [],
            expose: service.expose ?? [],
            specHash,
            generation,
            // The same spec again (after an exit while the provider was away) is a restart; a new spec starts over.
            ...(r && !replaced ? {previous: r} : {}),
            ...(r?.ports ? {ports: r.ports} : {}),
          })
        }
      }
      this.journal.emit(this.event(lease, {type: 'lease.deployed', severity: 'normal', reason: 'Deployed', message: `Group ${group.name} is deployed`}))
      return await this.status(lease)
    } finally {
      unsubscribe?.()
    }
  }

  /** Starts one replica: its own working directory, its own ports, its output appended to files. */
  private async start(
    lease: LeaseId,
    spec: {service: string; replica: number; argv: string[]; env: string[]; expose: ManifestExpose[]; specHash: string; generation: number; previous?: ReplicaFile; ports?: Record<string, number>},
  ): Promise<void> {
    const {service, replica, specHash, generation, previous} = spec
    const dir = this.replicaDir(lease, service, replica)
    const work = path.join(dir, 'work')
    const tmp = path.join(work, '.tmp')
    mkdirSync(tmp, {recursive: true})
    const ports = await this.allocatePorts(spec.expose, spec.ports)
    const first = spec.expose.find((e) => exposeProto(e) === 'TCP') ?? spec.expose[0]
    const portEnv = [
      ...(first ? [`PORT=${ports[portName(first.port, exposeProto(first))]}`] : []),
      ...spec.expose.map((e) => `PORT_${e.port}=${ports[portName(e.port, exposeProto(e))]}`),
    ]
    const env = [`PATH=${workloadPath(this.options.env ?? process.env, this.nodeBin())}`, `HOME=${work}`, `TMPDIR=${tmp}`, ...akashEnv(lease), ...portEnv, ...spec.env]
    const counts = {restarts: previous ? (previous.restarts ?? 0) + 1 : 0, crashes: previous?.crashes ?? 0}
    const base = {service, replica, specHash, generation, env, argv: spec.argv, specEnv: spec.env, ports, ...counts, ...(previous?.exitCode !== undefined ? {lastExitCode: previous.exitCode} : {})}
    const out = openSync(path.join(dir, 'stdout.log'), 'a')
    const err = openSync(path.join(dir, 'stderr.log'), 'a')
    let child
    let startError: string | undefined
    try {
      child = spawn(spec.argv[0] as string, spec.argv.slice(1), {cwd: work, env: envObject(env), detached: true, stdio: ['ignore', out, err]})
    } catch (error) {
      startError = (error as Error).message
    } finally {
      closeSync(out)
      closeSync(err)
    }
    for (const p of Object.values(ports)) this.reservedPorts.delete(p)
    const who = `${service} replica ${replica}`
    const pid = child?.pid
    if (pid === undefined) {
      // spawn reports ENOENT and friends asynchronously; the pid tells us now.
      child?.on('error', () => undefined)
      startError ??= `${spec.argv[0]}: command not found on the provider's PATH`
      appendFileSync(path.join(dir, 'stderr.log'), `edge: cannot start ${JSON.stringify(spec.argv[0])}: ${startError}\n`)
      const now = this.now()
      const state: ReplicaFile = {...base, pid: -1, startedAt: now, exitCode: 127, finishedAt: now, startError}
      writeJsonAtomic(path.join(dir, 'state.json'), state)
      this.onExit(lease, dir, state)
      return
    }
    this.children.add(pid)
    const startTime = processStartTime(pid)
    const state: ReplicaFile = {...base, pid, ...(startTime ? {startTime} : {}), startedAt: this.now()}
    writeJsonAtomic(path.join(dir, 'state.json'), state)
    this.journal.emit(this.event(lease, {type: 'container.started', service, replica, severity: 'normal', reason: 'Started', message: `Started ${who} (pid ${pid})`}))
    child!.on('exit', (code, signal) => {
      this.children.delete(pid)
      const exitCode = code ?? (signal ? 128 + signalNumber(signal) : -1)
      const current = readJson<ReplicaFile>(path.join(dir, 'state.json'))
      if (current?.pid !== pid) return
      const ended = {...current, exitCode, finishedAt: this.now()}
      // The lease may have been torn down meanwhile: nothing to record then.
      if (!tryWriteJson(path.join(dir, 'state.json'), ended)) return
      this.onExit(lease, dir, ended)
    })
    child!.unref()
  }

  /** A replica ended: a stop the provider asked for is just noted; anything else is a crash to restart. */
  private onExit(lease: LeaseId, dir: string, state: ReplicaFile): void {
    const who = `${state.service} replica ${state.replica}`
    if (state.stopping || this.closed) {
      this.journal.emit(this.event(lease, {type: 'container.died', service: state.service, replica: state.replica, severity: 'normal', reason: 'Killing', message: `Stopped ${who}`, ...(state.exitCode !== undefined ? {exitCode: state.exitCode} : {})}))
      return
    }
    const finishedAt = state.finishedAt ?? this.now()
    const crashes = nextCrashCount(state.crashes ?? 0, finishedAt - state.startedAt)
    const nextRestartAt = finishedAt + restartDelayMs(crashes - 1)
    if (!tryWriteJson(path.join(dir, 'state.json'), {...state, finishedAt, crashes, nextRestartAt} satisfies ReplicaFile)) return
    const failure = this.failure(lease, state.service, state.replica, {...state, finishedAt, crashes, nextRestartAt}, false)
    this.journal.emit(
      this.event(lease, {
        type: 'container.died',
        service: state.service,
        replica: state.replica,
        severity: 'warning',
        reason: 'BackOff',
        message: `${failure.message}; restarting in ${Math.ceil((nextRestartAt - this.now()) / 1000)} s${failure.lastLines.length ? `; last log lines: ${failure.lastLines.join(' | ')}` : ''}`,
        ...(state.exitCode !== undefined ? {exitCode: state.exitCode} : {}),
      }),
    )
    this.scheduleRestart(lease, dir, nextRestartAt)
  }

  private scheduleRestart(lease: LeaseId, dir: string, at: number): void {
    if (this.closed || this.restarts.has(dir)) return
    const timer = setTimeout(() => {
      this.restarts.delete(dir)
      void this.serialised(lease, () => this.restart(lease, dir)).catch(() => undefined)
    }, Math.max(0, at - this.now()))
    timer.unref()
    this.restarts.set(dir, timer)
  }

  private cancelRestart(dir: string): void {
    const timer = this.restarts.get(dir)
    if (timer) clearTimeout(timer)
    this.restarts.delete(dir)
  }

  private async restart(lease: LeaseId, dir: string): Promise<void> {
    if (this.closed) return
    const state = readJson<ReplicaFile>(path.join(dir, 'state.json'))
    const file = this.readLease(lease)
    const spec = file?.services.find((s) => s.name === state?.service)
    if (!state || !spec || state.stopping || state.specHash !== spec.specHash || !state.argv || processAlive(state.pid, state.startTime)) return
    // Not due yet: another path scheduled it again meanwhile.
    if (state.nextRestartAt !== undefined && state.nextRestartAt > this.now() + 50) return
    await this.start(lease, {
      service: state.service,
      replica: state.replica,
      argv: state.argv,
      env: state.specEnv ?? [],
      expose: spec.expose,
      specHash: state.specHash,
      generation: state.generation ?? 1,
      previous: state,
      ...(state.ports ? {ports: state.ports} : {}),
    })
  }

  /**
   * Looks for replicas that died unseen (started by an earlier provider process, so no exit event
   * reaches this one) and schedules their restart; runs while the runtime serves leases.
   */
  private supervise(): void {
    if (this.sweeper || this.closed) return
    this.sweeper = setInterval(() => this.sweep(), this.options.sweepMs ?? 500)
    this.sweeper.unref()
  }

  private sweep(): void {
    for (const file of this.leaseFiles()) {
      for (const {dir, state} of this.allReplicas(file.lease)) {
        if (state.stopping || this.restarts.has(dir) || this.children.has(state.pid)) continue
        if (processAlive(state.pid, state.startTime)) continue
        if (state.nextRestartAt !== undefined && state.finishedAt !== undefined) {
          this.scheduleRestart(file.lease, dir, state.nextRestartAt)
          continue
        }
        // Its exit code went to the process that started it.
        this.onExit(file.lease, dir, {...state, finishedAt: state.finishedAt ?? this.now()})
      }
    }
  }

  /** The replica's failure: what happened, its exit code, restarts, and the last lines it printed. */
  private failure(lease: LeaseId, service: string, replica: number, r: ReplicaFile, alive: boolean): ReplicaFailure {
    const reason = r.pid < 0 ? 'start_failed' : alive ? 'crash_loop' : 'exited'
    const exitCode = alive ? r.lastExitCode : r.exitCode
    const base = {service, replica, reason, ...(exitCode !== undefined ? {exitCode} : {}), restarts: r.restarts ?? 0, lastLines: this.lastLines(lease, service, replica)} as const
    return {...base, message: failureMessage(base, this.now(), alive ? undefined : r.nextRestartAt)}
  }

  private lastLines(lease: LeaseId, service: string, replica: number): string[] {
    const dir = this.replicaDir(lease, service, replica)
    // Two files, so the order between them is lost: stdout first, then stderr, where errors go.
    return lastLines(['stdout.log', 'stderr.log'].flatMap((f) => readTail(path.join(dir, f), 10)))
  }

  /**
   * A directory holding only `node` (a link to the node that runs edge), put at the end of the
   * workloads' PATH: every edge machine has Node, but the directory it lives in may hold other
   * programs (busybox in /usr/bin) that the provider's own PATH does not offer.
   */
  private nodeBin(): string {
    const dir = path.join(this.options.dataDir, 'bin')
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

  /** Host ports for a replica's exposes: the ones it had (if still free), else any free port. */
  private async allocatePorts(exposes: ManifestExpose[], previous: Record<string, number> = {}): Promise<Record<string, number>> {
    const taken = new Set<number>([...this.reservedPorts])
    for (const file of this.leaseFiles()) for (const {state} of this.allReplicas(file.lease)) for (const p of Object.values(state.ports ?? {})) taken.add(p)
    const out: Record<string, number> = {}
    for (const e of exposes) {
      const proto = exposeProto(e)
      const name = portName(e.port, proto)
      if (out[name]) continue
      const old = previous[name]
      let port: number | undefined
      if (old && !this.reservedPorts.has(old) && (await portIsFree('0.0.0.0', old, proto))) port = old
      for (let tries = 0; port === undefined && tries < 20; tries++) {
        const candidate = await anyFreePort('0.0.0.0', proto)
        if (!taken.has(candidate)) port = candidate
      }
      if (port === undefined) throw new ProviderError(`No free ${proto} port for ${e.port}.`, {code: 'deploy_failed'})
      taken.add(port)
      this.reservedPorts.add(port)
      out[name] = port
    }
    return out
  }

  /** Stops a replica on purpose: marked first, so its exit is neither a failure nor restarted. */
  private async stop(dir: string, r: ReplicaFile): Promise<void> {
    if (!r.stopping && existsSync(path.join(dir, 'state.json'))) writeJsonAtomic(path.join(dir, 'state.json'), {...r, stopping: true})
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

  /** Lease files of this provider's leases. */
  private leaseFiles(): LeaseFile[] {
    if (!existsSync(this.root)) return []
    const out: LeaseFile[] = []
    for (const dir of readdirSync(this.root)) {
      const file = readJson<LeaseFile>(path.join(this.root, dir, 'lease.json'))
      if (!file) continue
      if (this.options.provider && file.lease.provider !== this.options.provider) continue
      out.push(file)
    }
    return out
  }

  private readReplica(lease: LeaseId, service: string, replica: number): ReplicaFile | undefined {
    return readJson<ReplicaFile>(path.join(this.replicaDir(lease, service, replica), 'state.json'))
  }

  private allReplicas(lease: LeaseId): Array<{dir: string; state: ReplicaFile}> {
    const dir = this.leaseDir(lease)
    if (!existsSync(dir)) return []
    const out: Array<{dir: string; state: ReplicaFile}> = []
    for (const d of readdirSync(dir)) {
      const state = readJson<ReplicaFile>(path.join(dir, d, 'state.json'))
      if (state) out.push({dir: path.join(dir, d), state})
    }
    return out
  }

  private event(lease: LeaseId, e: Omit<RuntimeEvent, 'ts' | 'lease'>, ts = this.now()): RuntimeEvent {
    return {ts, lease, ...e}
  }

  private serialised<T>(lease: LeaseId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(leaseKey(lease), fn)
  }
}

function absolutePathWarning(service: string, paths: string[]): string {
  const list = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '')
  return `${service} uses absolute paths (${list}): as a host process it reads and writes them on the provider's own filesystem, outside its working directory, where they outlive the lease. Use relative paths to run it on edge dev without a container engine.`
}

/** The replica's own port for one expose: the ingress routes the SDL's port there. */
function hostPort(service: string, replica: number, expose: ManifestExpose, ports: Record<string, number> = {}): PublishedPort {
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

/** The provider's PATH, then a directory with only the node that runs edge (see nodeBin). */
function workloadPath(env: NodeJS.ProcessEnv, nodeBin: string): string {
  const parts = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean)
  if (!parts.includes(nodeBin)) parts.push(nodeBin)
  return parts.join(':')
}

/** The last `lines` lines of a file (empty when it is missing). */
function readTail(file: string, lines: number): string[] {
  try {
    const start = tailOffset(file, lines)
    const text = readFileSync(file).subarray(start).toString('utf8')
    return text.split('\n')
  } catch {
    return []
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

/** writeJsonAtomic for event handlers: false (not a crash) when the directory is gone. */
function tryWriteJson(file: string, value: unknown): boolean {
  try {
    writeJsonAtomic(file, value)
    return true
  } catch {
    return false
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value))
  renameSync(tmp, file)
}
