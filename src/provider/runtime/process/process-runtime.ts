import {spawn} from 'node:child_process'
import {KeyedLock} from '../../../lib/keyed-lock.js'
import {appendFileSync, closeSync, mkdirSync, openSync, rmSync} from 'node:fs'
import path from 'node:path'

import type {NetworkContext} from '../../../config/networks.js'
import {ProviderError, UsageError} from '../../../errors.js'
import {akashEnv} from '../container-spec.js'
import {EventJournal} from '../event-journal.js'
import {absoluteHostPaths} from '../host-paths.js'
import {leaseKey} from '../labels.js'
import {exposeProto} from '../manifest-read.js'
import type {ManifestExpose, ManifestGroup, ManifestService} from '../manifest-types.js'
import {serviceSpecHash} from '../spec-hash.js'
import {READY_GRACE_MS, nextCrashCount, restartDelayMs} from '../supervision.js'
import type {
  DeployOptions,
  EventOptions,
  ExecOptions,
  ExecSession,
  LeaseId,
  LeaseRuntimeStatus,
  LogLine,
  LogOptions,
  RunningLease,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
} from '../types.js'
import {envObject, hostExec, signalNumber} from './exec.js'
import {readLeaseStatus, replicaFailure} from './lease-status.js'
import {fileSize, logFileLines} from './log-files.js'
import {processAlive, processStartTime} from './proc.js'
import {LeaseFiles, type LeaseFile, portName, readJson, type ReplicaFile, tryWriteJson, writeJsonAtomic} from './state-files.js'
import {absolutePathWarning, nodeBin, replicaLogSources, ReplicaPorts, startsFromFiles, stopReplica, workloadPath} from './workload.js'

export interface ProcessRuntimeOptions {
  /** The network this provider serves; only a dev network (edge dev) is allowed. */
  network: Pick<NetworkContext, 'name' | 'profile'>
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
  private readonly now: () => number
  private readonly locks = new KeyedLock()
  private readonly files: LeaseFiles
  /** Pids this instance spawned: their exit events tell the exit code. */
  private readonly children = new Set<number>()
  /** Resolves once the exit of a child this instance started has been handled (its event told). */
  private readonly exits = new Map<number, Promise<void>>()
  /** Scheduled restarts, per replica directory. */
  private readonly restarts = new Map<string, NodeJS.Timeout>()
  private readonly ports = new ReplicaPorts()
  private sweeper: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly options: ProcessRuntimeOptions) {
    if (options.network.profile.kind !== 'dev') {
      throw new UsageError(
        `The process runtime cannot serve the ${options.network.name} network: it runs tenants' commands as plain processes on this machine, with no isolation, no resource limits and no image.`,
        {
          code: 'process_runtime_refused',
          hint: 'Use the docker runtime (Docker or Podman\'s API socket) to serve a real network; the process runtime is for `edge dev` (a dev network) only.',
          details: {network: options.network.name},
        },
      )
    }
    this.files = new LeaseFiles(path.join(options.dataDir, 'leases'), options.provider)
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

  status(lease: LeaseId): Promise<LeaseRuntimeStatus> {
    return readLeaseStatus(this.files, lease, {now: this.now(), readyGraceMs: this.options.readyGraceMs ?? READY_GRACE_MS})
  }

  logs(lease: LeaseId, options: LogOptions = {}): AsyncIterable<LogLine> {
    const wanted = options.services && options.services.length > 0 ? new Set(options.services) : undefined
    const sources = replicaLogSources(this.files, lease, wanted, (dir) => this.restarts.has(dir))
    return logFileLines(sources, {
      ...(options.tail !== undefined ? {tail: options.tail} : {}),
      ...(options.follow ? {follow: true} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
    })
  }

  events(lease: LeaseId, options: EventOptions = {}): AsyncIterable<RuntimeEvent> {
    return this.journal.stream(lease, options, startsFromFiles(this.files, lease, this.journal.history(lease)))
  }

  async exec(lease: LeaseId, options: ExecOptions): Promise<ExecSession> {
    const replica = options.replica ?? 0
    const file = this.files.readLease(lease)
    if (!file) throw new ProviderError(`Lease ${leaseKey(lease)} has no processes here.`, {code: 'lease_not_found'})
    const r = this.files.readReplica(lease, options.service, replica)
    if (!r) {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not part of this lease.`, {
        code: 'service_not_found',
        details: {service: options.service, replica},
      })
    }
    if (!processAlive(r.pid, r.startTime)) {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not running.`, {code: 'service_unavailable'})
    }
    const cwd = path.join(this.files.replicaDir(lease, options.service, replica), 'work')
    return hostExec(this.options.shell ?? '/bin/sh', cwd, r.env, options)
  }

  teardown(lease: LeaseId): Promise<void> {
    return this.serialised(lease, async () => {
      const dir = this.files.leaseDir(lease)
      for (const [replicaDir, timer] of this.restarts) {
        if (replicaDir.startsWith(dir + path.sep)) {
          clearTimeout(timer)
          this.restarts.delete(replicaDir)
        }
      }
      await Promise.all(this.files.allReplicas(lease).map(({dir: d, state}) => this.stop(d, state)))
      rmSync(dir, {recursive: true, force: true})
      this.journal.emit(this.event(lease, {type: 'lease.removed', severity: 'normal', reason: 'Killing', message: 'Lease removed'}))
      this.journal.forget(lease)
    })
  }

  async list(): Promise<RunningLease[]> {
    this.supervise()
    return this.files.leaseFiles().map((file) => ({
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
      mkdirSync(this.files.leaseDir(lease), {recursive: true})
      const before = new Map((this.files.readLease(lease)?.services ?? []).map((s) => [s.name, s]))
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
      for (const {dir, state} of this.files.allReplicas(lease)) {
        if (keep.has(`${state.service}|${state.replica}`)) continue
        this.cancelRestart(dir)
        await this.stop(dir, state)
        rmSync(dir, {recursive: true, force: true})
      }
      writeJsonAtomic(path.join(this.files.leaseDir(lease), 'lease.json'), file)
      for (const [index, service] of group.services.entries()) {
        const {specHash, generation = 1} = file.services[index]
        for (let replica = 0; replica < service.count; replica++) {
          const dir = this.files.replicaDir(lease, service.name, replica)
          const r = this.files.readReplica(lease, service.name, replica)
          if (r && r.specHash === specHash && (processAlive(r.pid, r.startTime) || this.restarts.has(dir))) continue
          this.cancelRestart(dir)
          const replaced = Boolean(r && r.specHash !== specHash)
          // Said before the old replica stops, so its exit reads as part of the update (ux-test D26).
          if (replaced && replica === 0) {
            this.journal.emit(this.event(lease, {type: 'service.replaced', service: service.name, severity: 'normal', reason: 'Updated', message: `Replacing ${service.name}: its spec changed`}))
          }
          if (r) await this.stop(dir, r)
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
    const dir = this.files.replicaDir(lease, service, replica)
    const work = path.join(dir, 'work')
    const tmp = path.join(work, '.tmp')
    mkdirSync(tmp, {recursive: true})
    const ports = await this.allocatePorts(spec.expose, spec.ports)
    const first = spec.expose.find((e) => exposeProto(e) === 'TCP') ?? spec.expose[0]
    const portEnv = [
      ...(first ? [`PORT=${ports[portName(first.port, exposeProto(first))]}`] : []),
      ...spec.expose.map((e) => `PORT_${e.port}=${ports[portName(e.port, exposeProto(e))]}`),
    ]
    const env = [`PATH=${workloadPath(this.options.env ?? process.env, nodeBin(this.options.dataDir))}`, `HOME=${work}`, `TMPDIR=${tmp}`, ...akashEnv(lease), ...portEnv, ...spec.env]
    const counts = {restarts: previous ? (previous.restarts ?? 0) + 1 : 0, crashes: previous?.crashes ?? 0}
    // A restart keeps its spec's start in the log files; a new spec (or a first start) begins at their end.
    const logFrom = previous?.logFrom ?? {stdout: fileSize(path.join(dir, 'stdout.log')), stderr: fileSize(path.join(dir, 'stderr.log'))}
    const base = {service, replica, specHash, generation, env, argv: spec.argv, specEnv: spec.env, ports, ...counts, logFrom, ...(previous?.exitCode !== undefined ? {lastExitCode: previous.exitCode} : {})}
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
    this.ports.release(Object.values(ports))
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
    // Registered after the handler above, so it resolves once that has run.
    this.exits.set(pid, new Promise<void>((resolve) => child!.once('exit', () => resolve())).finally(() => this.exits.delete(pid)))
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
    const failure = replicaFailure(this.files, lease, {service: state.service, replica: state.replica, r: {...state, finishedAt, crashes, nextRestartAt}, alive: false, now: this.now()})
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
    const file = this.files.readLease(lease)
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
    for (const file of this.files.leaseFiles()) {
      for (const {dir, state} of this.files.allReplicas(file.lease)) {
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

  /** Host ports for a replica's exposes: the ones it had (if still free), else any free port. */
  private allocatePorts(exposes: ManifestExpose[], previous: Record<string, number> = {}): Promise<Record<string, number>> {
    const recorded: number[] = []
    for (const file of this.files.leaseFiles()) for (const {state} of this.files.allReplicas(file.lease)) recorded.push(...Object.values(state.ports ?? {}))
    return this.ports.allocate(exposes, previous, recorded)
  }

  /** Stops a replica on purpose: marked first, so its exit is neither a failure nor restarted. */
  private async stop(dir: string, r: ReplicaFile): Promise<void> {
    await stopReplica(dir, r, this.options.stopGraceMs ?? 5000, this.now)
    // The pid is gone before Node reaps our child: wait for its exit to be told ("Stopped …"), so
    // it does not land after the replacement's "Started".
    const told = this.exits.get(r.pid)
    if (told) await Promise.race([told, new Promise((resolve) => setTimeout(resolve, 1000).unref())])
  }

  private serialised<T>(lease: LeaseId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(leaseKey(lease), fn)
  }

  private event(lease: LeaseId, e: Omit<RuntimeEvent, 'ts' | 'lease'>, ts = this.now()): RuntimeEvent {
    return {ts, lease, ...e}
  }

}
