import {randomBytes} from 'node:crypto'
import Docker from 'dockerode'

import {ProviderError} from '../../../errors.js'
import {containerCreateOptions, portKey, type PortBindingPlan} from '../container-spec.js'
import {EventJournal} from '../event-journal.js'
import {Labels, leaseFromLabels, leaseHash, leaseKey, leaseLabelFilters, leaseLabels, matchesLabelFilters, safeName} from '../labels.js'
import {exposeProto, externalPortOf, httpOptionsOf, isIngressExpose, normalizeImage, serviceMounts} from '../manifest-read.js'
import type {ManifestExpose, ManifestGroup, ManifestService} from '../manifest-types.js'
import {PortAllocator, portIsFree, type PortRange} from '../ports.js'
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
  ReplicaState,
  ReplicaStatus,
  RunningLease,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
  ServiceRuntimeStatus,
} from '../types.js'
import {EngineEventWatcher} from './engine-events.js'
import {dockerExec} from './exec.js'
import {ensureImage, errorMessage, statusCode} from './image-pull.js'
import {containerLogLines} from './logs.js'
import {KeyedLock} from '../../../lib/keyed-lock.js'

export interface DockerRuntimeOptions {
  /** The engine's unix socket (Docker, or Podman's compatible service). */
  socketPath: string
  /** This provider's address: only its leases are listed. */
  provider?: string
  /** Host ports to publish on; absent = the engine chooses any free port. */
  portRange?: PortRange
  /** Where forwarded (public) ports are bound, default all addresses. */
  publicAddress?: string
  /** Where ports only the provider reaches (HTTP behind the ingress, internal) are bound. */
  privateAddress?: string
  /** One network per lease, where services reach each other by name. Default true. */
  leaseNetworks?: boolean
  /** Apply CPU and memory limits. Default true. */
  limits?: boolean
  /** How long a replica must stay up after a (re)start to count as available (supervision.ts). */
  readyGraceMs?: number
  /** How often exited replicas whose engine event was missed are looked for. */
  sweepMs?: number
  pullTimeoutMs?: number
  pullIdleTimeoutMs?: number
  /** e.g. "50m": cap each container's log file (json-file style). */
  logMaxSize?: string
  /** A ready client (tests); else one is made for `socketPath`. */
  docker?: Docker
  now?: () => number
}

type ContainerSummary = Docker.ContainerInfo

/** What the provider knows about one container it supervises (restarts are the provider's, not the engine's). */
interface Supervised {
  lease: LeaseId
  service: string
  replica: number
  /** Ms since the epoch of the last start. */
  startedAt?: number
  restarts: number
  crashes: number
  exitCode?: number
  nextRestartAt?: number
  timer?: NodeJS.Timeout
}

/** Runs leases as containers through the Docker Engine API (Docker or Podman). */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const
  readonly docker: Docker
  private readonly journal = new EventJournal()
  private readonly watcher: EngineEventWatcher
  private readonly allocator: PortAllocator | undefined
  private readonly now: () => number
  /** Failures of the last deploy per lease (pull failures, start failures). */
  private readonly deployErrors = new Map<string, ReplicaFailure[]>()
  /**
   * Containers the provider restarts itself (created with the engine's restart policy off), with
   * the back-off of supervision.ts: the same policy as the process runtime's. By container id.
   */
  private readonly supervised = new Map<string, Supervised>()
  /** Containers being removed on purpose: their exit is not a crash. */
  private readonly removing = new Set<string>()
  private sweeper: NodeJS.Timeout | undefined
  private closed = false
  /** The last group deployed per lease, so status knows services that have no container yet. */
  private readonly groups = new Map<string, ManifestGroup>()
  private readonly locks = new KeyedLock()
  private readonly pulls = new Map<string, Promise<'present' | 'pulled'>>()

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker({socketPath: options.socketPath})
    this.now = options.now ?? Date.now
    const filters = [`${Labels.managed}=true`, ...(options.provider ? [`${Labels.provider}=${options.provider}`] : [])]
    this.watcher = new EngineEventWatcher(this.docker, {labelFilters: filters, onEvent: (e, id) => this.onEngineEvent(e, id)})
    if (options.portRange) {
      this.allocator = new PortAllocator({range: options.portRange, used: () => this.publishedHostPorts()})
    }
  }

  async info(): Promise<RuntimeInfo> {
    try {
      const version = await this.docker.version()
      const component = version.Components?.[0]
      const engine = component?.Name ?? 'Docker Engine'
      return {kind: 'docker', engine, version: component?.Version ?? version.Version, endpoint: this.options.socketPath, isolated: true, usesImages: true, terminal: true}
    } catch (error) {
      throw new ProviderError(`The container engine at ${this.options.socketPath} does not answer: ${errorMessage(error)}`, {
        code: 'runtime_unavailable',
        hint: 'Start Podman\'s API service (podman system service --time=0 unix:///run/edge/podman.sock) or Docker.',
        cause: error,
      })
    }
  }

  deploy(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    return this.serialised(lease, () => this.reconcile(lease, group, options))
  }

  update(lease: LeaseId, group: ManifestGroup, options: DeployOptions = {}): Promise<LeaseRuntimeStatus> {
    return this.deploy(lease, group, options)
  }

  async status(lease: LeaseId): Promise<LeaseRuntimeStatus> {
    const containers = await this.leaseContainers(lease)
    const known = this.groups.get(leaseKey(lease))
    const failures: ReplicaFailure[] = [...(this.deployErrors.get(leaseKey(lease)) ?? [])]
    const services: Record<string, ServiceRuntimeStatus> = {}
    for (const service of known?.services ?? []) {
      services[service.name] = {name: service.name, total: service.count, available: 0, ready: false, generation: 1, updated: 0, replicas: [], ports: []}
    }
    const generations = new Map<string, number[]>()
    let group = known?.name ?? ''
    let manifestVersion: string | undefined
    const now = this.now()
    const grace = this.options.readyGraceMs ?? READY_GRACE_MS
    for (const c of containers) {
      const labels = c.Labels ?? {}
      const name = labels[Labels.service]
      if (!name || this.removing.has(c.Id)) continue
      group ||= labels[Labels.group] ?? ''
      manifestVersion ??= labels[Labels.manifestVersion]
      const replica = Number(labels[Labels.replica] ?? 0)
      const entry = (services[name] ??= {name, total: Number(labels[Labels.count] ?? 1), available: 0, ready: false, generation: 1, updated: 0, replicas: [], ports: []})
      generations.set(name, [...(generations.get(name) ?? []), containerGeneration(labels)])
      const state = containerState(c.State)
      const exitCode = exitCodeFromStatus(c.Status)
      const supervised = this.supervision(c.Id, lease, name, replica)
      if ((state === 'running' || state === 'restarting') && supervised.startedAt === undefined) supervised.startedAt = await this.startedAt(c.Id)
      const status: ReplicaStatus = {
        replica,
        id: c.Id,
        state,
        ...(exitCode !== undefined && state !== 'running' ? {exitCode} : {}),
        ...(supervised.startedAt !== undefined ? {startedAt: new Date(supervised.startedAt).toISOString()} : {}),
        restarts: supervised.restarts,
      }
      entry.replicas.push(status)
      const {available, failing} = assessReplica(status, now, grace)
      if (available) entry.available += 1
      if (failing) {
        // An exit the engine's event stream did not deliver (the watcher was reconnecting).
        if ((state === 'exited' || state === 'dead') && !supervised.timer && !this.closed) this.crashed(c.Id, supervised, exitCode, now)
        failures.push(await this.failure(c.Id, supervised, state === 'running' || state === 'restarting' ? supervised.exitCode : exitCode, state === 'running' ? 'crash_loop' : 'exited'))
      }
      entry.ports.push(...publishedPorts(name, replica, parseExposeLabel(labels[Labels.expose]), c, this.addresses()))
    }
    for (const entry of Object.values(services)) {
      entry.replicas.sort((a, b) => a.replica - b.replica)
      entry.ports.sort((a, b) => a.replica - b.replica || a.port - b.port)
      entry.ready = entry.total > 0 && entry.available >= entry.total
      const seen = generations.get(entry.name) ?? []
      entry.generation = Math.max(1, ...seen)
      entry.updated = seen.filter((g) => g === entry.generation).length
    }
    return {lease, group, ...(manifestVersion ? {manifestVersion} : {}), services, errors: failures.map(failureErrorLine), failures, warnings: []}
  }

  logs(lease: LeaseId, options: LogOptions = {}): AsyncIterable<LogLine> {
    // The listing is async; an async generator keeps the signature simple for callers.
    const self = this
    return (async function* () {
      const containers = await self.leaseContainers(lease)
      const wanted = options.services && options.services.length > 0 ? new Set(options.services) : undefined
      const sources = containers
        .map((c) => ({id: c.Id, service: c.Labels?.[Labels.service] ?? '', replica: Number(c.Labels?.[Labels.replica] ?? 0)}))
        .filter((s) => s.service && (!wanted || wanted.has(s.service)))
        .sort((a, b) => (a.service === b.service ? a.replica - b.replica : a.service < b.service ? -1 : 1))
      yield* containerLogLines(self.docker, sources, options)
    })()
  }

  events(lease: LeaseId, options: EventOptions = {}): AsyncIterable<RuntimeEvent> {
    const self = this
    return (async function* () {
      if (options.follow) await self.watcher.start().catch(() => undefined)
      const history = await self.historyFromEngine(lease).catch(() => [])
      yield* self.journal.stream(lease, options, history)
    })()
  }

  async exec(lease: LeaseId, options: ExecOptions): Promise<ExecSession> {
    const replica = options.replica ?? 0
    const containers = await this.leaseContainers(lease)
    if (containers.length === 0) {
      throw new ProviderError(`Lease ${leaseKey(lease)} has no containers here.`, {code: 'lease_not_found'})
    }
    const match = containers.find(
      (c) => c.Labels?.[Labels.service] === options.service && Number(c.Labels?.[Labels.replica] ?? 0) === replica,
    )
    if (!match) {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not part of this lease.`, {
        code: 'service_not_found',
        details: {service: options.service, replica},
      })
    }
    if (containerState(match.State) !== 'running') {
      throw new ProviderError(`Service ${options.service} replica ${replica} is not running (${match.State}).`, {
        code: 'service_unavailable',
        details: {service: options.service, replica, state: match.State},
      })
    }
    return dockerExec(this.docker.getContainer(match.Id), {
      cmd: options.cmd,
      tty: Boolean(options.tty),
      stdin: Boolean(options.stdin),
      ...(options.columns ? {columns: options.columns} : {}),
      ...(options.rows ? {rows: options.rows} : {}),
      ...(options.signal ? {signal: options.signal} : {}),
    })
  }

  teardown(lease: LeaseId): Promise<void> {
    return this.serialised(lease, async () => {
      const containers = await this.leaseContainers(lease)
      for (const [id, s] of this.supervised) if (leaseKey(s.lease) === leaseKey(lease)) this.forget(id)
      await Promise.all(containers.map((c) => this.removeContainer(c.Id)))
      await this.removeVolumes({label: leaseLabelFilters(lease)})
      await this.removeNetwork(this.networkName(lease))
      this.journal.emit(this.event(lease, {type: 'lease.removed', severity: 'normal', reason: 'Killing', message: 'Lease removed'}))
      this.deployErrors.delete(leaseKey(lease))
      this.groups.delete(leaseKey(lease))
      this.journal.forget(lease)
    })
  }

  async list(): Promise<RunningLease[]> {
    const label = [`${Labels.managed}=true`, ...(this.options.provider ? [`${Labels.provider}=${this.options.provider}`] : [])]
    const containers = (await this.docker.listContainers({all: true, filters: {label}})).filter((c) => matchesLabelFilters(c.Labels, label))
    const byLease = new Map<string, RunningLease>()
    for (const c of containers) {
      const lease = leaseFromLabels(c.Labels)
      if (!lease) continue
      const key = leaseKey(lease)
      const entry = byLease.get(key) ?? {lease, group: c.Labels[Labels.group] ?? '', services: []}
      const version = c.Labels[Labels.manifestVersion]
      if (version && !entry.manifestVersion) entry.manifestVersion = version
      const service = c.Labels[Labels.service]
      if (service && !entry.services.includes(service)) entry.services.push(service)
      byLease.set(key, entry)
    }
    for (const entry of byLease.values()) entry.services.sort()
    return [...byLease.values()]
  }

  async close(): Promise<void> {
    this.closed = true
    this.watcher.stop()
    if (this.sweeper) clearInterval(this.sweeper)
    for (const s of this.supervised.values()) if (s.timer) clearTimeout(s.timer)
  }

  // ---- supervision: restarts with back-off, readiness (supervision.ts) ----

  private onEngineEvent(event: RuntimeEvent, id: string | undefined): void {
    if (!id) {
      this.journal.emit(event)
      return
    }
    if (event.type === 'container.started') {
      const s = this.supervised.get(id)
      if (s) s.startedAt = event.ts
    } else if (event.type === 'container.removed') {
      this.forget(id)
    } else if (event.type === 'container.died') {
      if (this.removing.has(id)) {
        this.journal.emit({...event, severity: 'normal', reason: 'Killing', message: `Stopped ${event.service ?? 'container'} replica ${event.replica ?? 0}`})
        return
      }
      if (event.service !== undefined) {
        const s = this.supervision(id, event.lease, event.service, event.replica ?? 0)
        this.crashed(id, s, event.exitCode, event.ts)
        return
      }
    }
    this.journal.emit(event)
  }

  private supervision(id: string, lease: LeaseId, service: string, replica: number): Supervised {
    let s = this.supervised.get(id)
    if (!s) {
      s = {lease, service, replica, restarts: 0, crashes: 0}
      this.supervised.set(id, s)
    }
    return s
  }

  /** A container exited on its own: tell it (exit code, last lines) and restart it after the back-off. */
  private crashed(id: string, s: Supervised, exitCode: number | undefined, at: number): void {
    if (s.timer || this.closed) return
    s.crashes = nextCrashCount(s.crashes, s.startedAt !== undefined ? at - s.startedAt : 0)
    if (exitCode !== undefined) s.exitCode = exitCode
    s.nextRestartAt = at + restartDelayMs(s.crashes - 1)
    s.timer = setTimeout(() => {
      s.timer = undefined
      void this.serialised(s.lease, () => this.restart(id, s)).catch(() => undefined)
    }, Math.max(0, s.nextRestartAt - this.now()))
    s.timer.unref()
    void this.failure(id, s, s.exitCode, 'exited').then((f) => {
      this.journal.emit(
        this.event(s.lease, {
          type: 'container.died',
          service: s.service,
          replica: s.replica,
          severity: 'warning',
          reason: 'BackOff',
          message: `${f.message}; restarting in ${Math.max(1, Math.ceil(((s.nextRestartAt ?? at) - this.now()) / 1000))} s${f.lastLines.length ? `; last log lines: ${f.lastLines.join(' | ')}` : ''}`,
          ...(s.exitCode !== undefined ? {exitCode: s.exitCode} : {}),
        }),
      )
    })
  }

  private async restart(id: string, s: Supervised): Promise<void> {
    if (this.closed || this.removing.has(id)) return
    let info
    try {
      info = await this.docker.getContainer(id).inspect()
    } catch (error) {
      if (statusCode(error) === 404) this.forget(id)
      return
    }
    if (info.State.Running) return
    try {
      await this.docker.getContainer(id).start()
      s.restarts += 1
      s.startedAt = this.now()
    } catch (error) {
      if (statusCode(error) === 404) {
        this.forget(id)
        return
      }
      // It could not even start (a port taken meanwhile): one more crash, one more back-off.
      this.crashed(id, s, s.exitCode, this.now())
    }
  }

  private forget(id: string): void {
    const s = this.supervised.get(id)
    if (s?.timer) clearTimeout(s.timer)
    this.supervised.delete(id)
  }

  /** When a running container last started (from the engine, once; then kept). */
  private async startedAt(id: string): Promise<number | undefined> {
    try {
      const started = Date.parse((await this.docker.getContainer(id).inspect()).State.StartedAt)
      return started > 0 ? started : undefined
    } catch {
      return undefined
    }
  }

  private async failure(id: string, s: Supervised, exitCode: number | undefined, reason: 'exited' | 'crash_loop'): Promise<ReplicaFailure> {
    const base = {service: s.service, replica: s.replica, reason, ...(exitCode !== undefined ? {exitCode} : {}), restarts: s.restarts, lastLines: await this.lastLines(id, s)}
    return {...base, message: failureMessage(base, this.now(), reason === 'exited' ? s.nextRestartAt : undefined)}
  }

  private async lastLines(id: string, s: Supervised): Promise<string[]> {
    const lines: string[] = []
    try {
      for await (const l of containerLogLines(this.docker, [{id, service: s.service, replica: s.replica}], {tail: 10})) lines.push(l.line)
    } catch {
      // No logs (removed meanwhile): the failure is still worth telling.
    }
    return lastLines(lines)
  }

  /** Finds exited containers whose engine event was missed, so they are restarted all the same. */
  private supervise(): void {
    if (this.sweeper || this.closed) return
    this.sweeper = setInterval(() => {
      void this.sweep().catch(() => undefined)
    }, this.options.sweepMs ?? 10_000)
    this.sweeper.unref()
  }

  private async sweep(): Promise<void> {
    const label = [`${Labels.managed}=true`, ...(this.options.provider ? [`${Labels.provider}=${this.options.provider}`] : [])]
    const containers = (await this.docker.listContainers({all: true, filters: {label}})).filter((c) => matchesLabelFilters(c.Labels, label))
    for (const c of containers) {
      const state = containerState(c.State)
      if ((state !== 'exited' && state !== 'dead') || this.removing.has(c.Id)) continue
      const lease = leaseFromLabels(c.Labels)
      const service = c.Labels?.[Labels.service]
      if (!lease || !service) continue
      const s = this.supervision(c.Id, lease, service, Number(c.Labels?.[Labels.replica] ?? 0))
      if (!s.timer) this.crashed(c.Id, s, exitCodeFromStatus(c.Status), this.now())
    }
  }

  // ---- deploy ----

  private async reconcile(lease: LeaseId, group: ManifestGroup, options: DeployOptions): Promise<LeaseRuntimeStatus> {
    const key = leaseKey(lease)
    const unsubscribe = options.onEvent ? this.journal.subscribe(lease, options.onEvent) : undefined
    try {
      this.groups.set(key, group)
      this.deployErrors.set(key, [])
      // Subscribe before creating anything, so the lease's event stream sees every container.
      await this.watcher.start().catch(() => undefined)
      this.supervise()

      const existing = await this.leaseContainers(lease)
      const plans = group.services.map((service) => {
        const specHash = serviceSpecHash(service)
        const current = existing.filter((c) => c.Labels?.[Labels.service] === service.name)
        const stale = current.filter((c) => c.Labels?.[Labels.specHash] !== specHash)
        return {service, specHash, current, stale}
      })
      const needImages = plans.filter((p) => p.stale.length > 0 || p.current.length < p.service.count)
      try {
        await this.pullImages(lease, needImages.map((p) => p.service), options)
      } catch (error) {
        this.journal.emit(
          this.event(lease, {type: 'lease.deploy.failed', severity: 'warning', reason: 'Failed', message: errorMessage(error)}),
        )
        throw error
      }

      const network = this.options.leaseNetworks === false ? undefined : await this.ensureNetwork(lease)

      // Services gone from the manifest: containers and their volumes go.
      const names = new Set(group.services.map((s) => s.name))
      const orphans = existing.filter((c) => !names.has(c.Labels?.[Labels.service] ?? ''))
      await Promise.all(orphans.map((c) => this.removeContainer(c.Id)))
      for (const service of new Set(orphans.map((c) => c.Labels?.[Labels.service] ?? ''))) {
        await this.removeVolumes({label: [...leaseLabelFilters(lease), `${Labels.service}=${service}`]})
      }

      const failures: string[] = []
      const failed: ReplicaFailure[] = []
      for (const plan of plans) {
        try {
          await this.reconcileService(lease, group.name, plan, network, options)
        } catch (error) {
          failures.push(`${plan.service.name}: ${errorMessage(error)}`)
          failed.push({service: plan.service.name, reason: 'start_failed', message: `${plan.service.name} could not start: ${errorMessage(error)}`, restarts: 0, lastLines: []})
          this.journal.emit(
            this.event(lease, {
              type: 'lease.deploy.failed',
              service: plan.service.name,
              severity: 'warning',
              reason: 'Failed',
              message: `Service ${plan.service.name} could not start: ${errorMessage(error)}`,
            }),
          )
        }
      }
      if (failures.length > 0) {
        this.deployErrors.set(key, failed)
        throw new ProviderError(`The lease could not start: ${failures.join('; ')}`, {
          code: 'deploy_failed',
          hint: 'See the lease events for details.',
          details: {failures},
        })
      }
      this.journal.emit(this.event(lease, {type: 'lease.deployed', severity: 'normal', reason: 'Deployed', message: `Group ${group.name} is deployed`}))
      return await this.status(lease)
    } finally {
      unsubscribe?.()
    }
  }

  private async pullImages(lease: LeaseId, services: ManifestService[], options: DeployOptions): Promise<void> {
    const byImage = new Map<string, ManifestService>()
    for (const s of services) byImage.set(normalizeImage(s.image), s)
    const results = await Promise.allSettled(
      [...byImage].map(async ([image, service]) => {
        const emit = (e: Omit<RuntimeEvent, 'ts' | 'lease'>) => this.journal.emit(this.event(lease, {...e, image}))
        let pull = this.pulls.get(image)
        if (!pull) {
          pull = ensureImage(this.docker, image, {
            credentials: service.credentials ?? null,
            ...(this.options.pullTimeoutMs ? {timeoutMs: this.options.pullTimeoutMs} : {}),
            ...(this.options.pullIdleTimeoutMs ? {idleTimeoutMs: this.options.pullIdleTimeoutMs} : {}),
            ...(options.signal ? {signal: options.signal} : {}),
            onPullStarted: () => emit({type: 'image.pull.started', service: service.name, severity: 'normal', reason: 'Pulling', message: `Pulling image ${image}`}),
            onProgress: (p) =>
              emit({
                type: 'image.pull.progress',
                service: service.name,
                severity: 'normal',
                reason: 'Pulling',
                message: `${image}: ${p.status}`,
                ...(p.current !== undefined ? {current: p.current} : {}),
                ...(p.total !== undefined ? {total: p.total} : {}),
              }),
          }).finally(() => this.pulls.delete(image))
          this.pulls.set(image, pull)
        }
        try {
          const how = await pull
          emit(
            how === 'pulled'
              ? {type: 'image.pulled', service: service.name, severity: 'normal', reason: 'Pulled', message: `Pulled image ${image}`}
              : {type: 'image.present', service: service.name, severity: 'normal', reason: 'Pulled', message: `Image ${image} is already present`},
          )
        } catch (error) {
          emit({type: 'image.pull.failed', service: service.name, severity: 'warning', reason: 'Failed', message: errorMessage(error)})
          throw error
        }
      }),
    )
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed.length > 0) {
      const messages = failed.map((f) => errorMessage(f.reason))
      const names = [...byImage.values()].map((svc) => svc.name)
      this.deployErrors.set(
        leaseKey(lease),
        results.flatMap((r, i) => (r.status === 'rejected' ? [{service: names[i] ?? '', reason: 'image_pull_failed' as const, message: errorMessage(r.reason), restarts: 0, lastLines: []}] : [])),
      )
      const first = failed[0]?.reason
      if (first instanceof ProviderError) throw first
      throw new ProviderError(messages.join('; '), {code: 'image_pull_failed'})
    }
  }

  private async reconcileService(
    lease: LeaseId,
    group: string,
    plan: {service: ManifestService; specHash: string; current: ContainerSummary[]; stale: ContainerSummary[]},
    network: string | undefined,
    options: DeployOptions,
  ): Promise<void> {
    const {service, specHash} = plan
    // Replicas already on this spec keep their revision; a changed spec is the next one; a first deploy is 1.
    const onSpec = plan.current.filter((c) => !plan.stale.includes(c)).map((c) => containerGeneration(c.Labels ?? {}))
    const generation = onSpec.length > 0 ? Math.max(...onSpec) : Math.max(0, ...plan.current.map((c) => containerGeneration(c.Labels ?? {}))) + 1
    // Host ports of replaced containers are asked for again, so forwarded ports survive an update.
    const previousPorts = new Map<string, number>()
    for (const c of plan.current) {
      for (const p of c.Ports ?? []) {
        if (p.PublicPort) previousPorts.set(`${c.Labels?.[Labels.replica]}|${p.PrivatePort}/${p.Type}|${p.IP}`, p.PublicPort)
      }
    }
    if (plan.stale.length > 0) {
      await Promise.all(plan.stale.map((c) => this.removeContainer(c.Id)))
      for (const c of plan.stale) this.forget(c.Id)
      this.journal.emit(
        this.event(lease, {type: 'service.replaced', service: service.name, severity: 'normal', reason: 'Updated', message: `Replacing ${service.name}: its spec changed`}),
      )
    }
    const keep = plan.current.filter((c) => !plan.stale.includes(c))
    for (const c of keep) {
      const replica = Number(c.Labels?.[Labels.replica] ?? 0)
      if (replica >= service.count) {
        await this.removeContainer(c.Id)
      } else if (containerState(c.State) !== 'running') {
        // Stopped while the provider was away: start it now; the back-off resumes if it exits again.
        const s = this.supervision(c.Id, lease, service.name, replica)
        if (s.timer) continue
        await this.docker.getContainer(c.Id).start()
        s.startedAt = this.now()
      }
    }
    for (let replica = 0; replica < service.count; replica++) {
      if (keep.some((c) => Number(c.Labels?.[Labels.replica] ?? 0) === replica)) continue
      await this.createReplica(lease, group, service, {specHash, generation}, replica, network, previousPorts, options)
    }
  }

  private async createReplica(
    lease: LeaseId,
    group: string,
    service: ManifestService,
    revision: {specHash: string; generation: number},
    replica: number,
    network: string | undefined,
    previousPorts: Map<string, number>,
    options: DeployOptions,
  ): Promise<void> {
    const ports = await this.planPorts(service, replica, previousPorts)
    const volumes: {volume: string; mount: string; readOnly: boolean}[] = []
    const tmpfs: {mount: string; sizeBytes: number}[] = []
    for (const m of serviceMounts(service)) {
      if (m.kind === 'tmpfs') {
        tmpfs.push({mount: m.mount, sizeBytes: m.sizeBytes})
        continue
      }
      const volume = `edge-${leaseHash(lease)}-${safeName(service.name)}-${replica}-${safeName(m.name)}`
      await this.ensureVolume(lease, service.name, volume, m.name)
      volumes.push({volume, mount: m.mount, readOnly: m.readOnly})
    }
    const gpuDeviceIds = options.gpuDeviceIds?.[service.name]
    const create = containerCreateOptions({
      lease,
      group,
      service,
      replica,
      name: `edge-${leaseHash(lease, 8)}-${safeName(service.name)}-${replica}-${randomBytes(3).toString('hex')}`,
      ...revision,
      ...(options.manifestVersion ? {manifestVersion: options.manifestVersion} : {}),
      ports,
      volumes,
      tmpfs,
      ...(network ? {network} : {}),
      ...(gpuDeviceIds ? {gpuDeviceIds} : {}),
      limits: this.options.limits !== false,
      // The provider restarts exited replicas itself, with the shared back-off (supervision.ts):
      // Podman's "always" restarts a crashing container several times a second.
      restartPolicy: 'no',
      ...(this.options.logMaxSize ? {logMaxSize: this.options.logMaxSize} : {}),
    })
    try {
      const container = await this.docker.createContainer(create)
      try {
        await container.start()
        Object.assign(this.supervision(container.id, lease, service.name, replica), {startedAt: this.now()})
      } catch (error) {
        // A container that cannot start would hold its ports and name: remove it.
        await this.removeContainer(container.id)
        throw error
      }
    } finally {
      for (const p of ports) if (p.hostPort > 0) this.allocator?.release(p.hostPort)
    }
  }

  private async planPorts(service: ManifestService, replica: number, previous: Map<string, number>): Promise<PortBindingPlan[]> {
    const plans: PortBindingPlan[] = []
    const seen = new Set<string>()
    for (const expose of service.expose ?? []) {
      const proto = exposeProto(expose)
      const hostIp = this.bindAddressFor(expose)
      const id = `${expose.port}/${proto}|${hostIp}`
      if (seen.has(id)) continue
      seen.add(id)
      const preferred = previous.get(`${replica}|${portKey(expose.port, proto)}|${hostIp}`)
      let hostPort = 0
      if (this.allocator) hostPort = await this.allocator.allocate(hostIp, proto, preferred)
      else if (preferred && (await portIsFree(hostIp, preferred, proto))) hostPort = preferred
      plans.push({port: expose.port, proto, hostIp, hostPort})
    }
    return plans
  }

  private bindAddressFor(expose: ManifestExpose): string {
    const {publicAddress, privateAddress} = this.addresses()
    return expose.global && !isIngressExpose(expose) ? publicAddress : privateAddress
  }

  private addresses(): {publicAddress: string; privateAddress: string} {
    return {publicAddress: this.options.publicAddress ?? '0.0.0.0', privateAddress: this.options.privateAddress ?? '127.0.0.1'}
  }

  private async publishedHostPorts(): Promise<number[]> {
    const containers = await this.docker.listContainers({all: true})
    return containers.flatMap((c) => (c.Ports ?? []).map((p) => p.PublicPort).filter((p): p is number => Boolean(p)))
  }

  private networkName(lease: LeaseId): string {
    return `edge-${leaseHash(lease)}`
  }

  private async ensureNetwork(lease: LeaseId): Promise<string> {
    const name = this.networkName(lease)
    try {
      await this.docker.getNetwork(name).inspect()
      return name
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    }
    try {
      await this.docker.createNetwork({Name: name, Labels: leaseLabels(lease), CheckDuplicate: true})
      this.journal.emit(this.event(lease, {type: 'network.created', severity: 'normal', reason: 'Created', message: `Created network ${name}`}))
    } catch (error) {
      if (statusCode(error) !== 409) throw error
    }
    return name
  }

  private async ensureVolume(lease: LeaseId, service: string, name: string, storage: string): Promise<void> {
    try {
      await this.docker.getVolume(name).inspect()
      return
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    }
    try {
      await this.docker.createVolume({Name: name, Labels: {...leaseLabels(lease), [Labels.service]: service, [Labels.volume]: storage}})
      this.journal.emit(
        this.event(lease, {type: 'volume.created', service, severity: 'normal', reason: 'Created', message: `Created volume ${name} for ${storage}`}),
      )
    } catch (error) {
      if (statusCode(error) !== 409) throw error
    }
  }

  private async removeContainer(id: string): Promise<void> {
    this.removing.add(id)
    const s = this.supervised.get(id)
    if (s?.timer) clearTimeout(s.timer)
    try {
      await this.docker.getContainer(id).remove({force: true, v: true})
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    } finally {
      // The engine's die event for it arrives a moment later; forget it after that.
      setTimeout(() => {
        this.removing.delete(id)
        this.supervised.delete(id)
      }, 30_000).unref()
    }
  }

  private async removeVolumes(filters: {label: string[]}): Promise<void> {
    const result = await this.docker.listVolumes({filters})
    const mine = (result.Volumes ?? []).filter((v) => matchesLabelFilters(v.Labels ?? undefined, filters.label))
    await Promise.all(
      mine.map(async (v) => {
        try {
          await this.docker.getVolume(v.Name).remove({force: true})
        } catch (error) {
          if (statusCode(error) !== 404) throw error
        }
      }),
    )
  }

  private async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove()
    } catch (error) {
      if (statusCode(error) !== 404) throw error
    }
  }

  private async leaseContainers(lease: LeaseId): Promise<ContainerSummary[]> {
    const label = leaseLabelFilters(lease)
    const containers = await this.docker.listContainers({all: true, filters: {label}})
    return containers.filter((c) => matchesLabelFilters(c.Labels, label))
  }

  /** Events a restarted provider cannot remember, rebuilt from the containers' own timestamps. */
  private async historyFromEngine(lease: LeaseId): Promise<RuntimeEvent[]> {
    const known = new Set(this.journal.history(lease).map((e) => `${e.type}|${e.service}|${e.replica}`))
    const containers = await this.leaseContainers(lease)
    const events: RuntimeEvent[] = []
    for (const c of containers) {
      const service = c.Labels?.[Labels.service]
      const replica = Number(c.Labels?.[Labels.replica] ?? 0)
      if (!service || known.has(`container.created|${service}|${replica}`)) continue
      const who = `${service} replica ${replica}`
      const base = {lease, service, replica}
      events.push({...base, type: 'container.created', ts: c.Created * 1000, severity: 'normal', reason: 'Created', message: `Created ${who}`})
      try {
        const info = await this.docker.getContainer(c.Id).inspect()
        const started = Date.parse(info.State.StartedAt)
        if (started > 0) events.push({...base, type: 'container.started', ts: started, severity: 'normal', reason: 'Started', message: `Started ${who}`})
        const finished = Date.parse(info.State.FinishedAt)
        if (!info.State.Running && finished > 0 && finished >= started) {
          const exitCode = info.State.ExitCode
          events.push({
            ...base,
            type: 'container.died',
            ts: finished,
            severity: exitCode === 0 ? 'normal' : 'warning',
            reason: exitCode === 0 ? 'Completed' : 'BackOff',
            message: `${who} exited with code ${exitCode}`,
            exitCode,
          })
        }
      } catch {
        // Removed meanwhile: its creation is all there is to say.
      }
    }
    return events
  }

  private event(lease: LeaseId, e: Omit<RuntimeEvent, 'ts' | 'lease'>): RuntimeEvent {
    return {ts: this.now(), lease, ...e}
  }

  private serialised<T>(lease: LeaseId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(leaseKey(lease), fn)
  }
}

function containerState(state: string | undefined): ReplicaState {
  switch ((state ?? '').toLowerCase()) {
    case 'running':
      return 'running'
    case 'created':
    case 'configured':
    case 'initialized':
      return 'created'
    case 'restarting':
      return 'restarting'
    case 'paused':
      return 'paused'
    case 'exited':
    case 'stopped':
      return 'exited'
    case 'dead':
    case 'removing':
      return 'dead'
    default:
      return 'unknown'
  }
}

/** "Exited (3) 2 minutes ago" → 3. */
export function exitCodeFromStatus(status: string | undefined): number | undefined {
  const m = /Exited \((-?\d+)\)/i.exec(status ?? '')
  return m ? Number(m[1]) : undefined
}

function parseExposeLabel(label: string | undefined): ManifestExpose[] {
  if (!label) return []
  try {
    const parsed = JSON.parse(label) as unknown
    return Array.isArray(parsed) ? (parsed as ManifestExpose[]) : []
  } catch {
    return []
  }
}

/** Matches a replica's exposes to the host ports the engine reports for it. */
export function publishedPorts(
  service: string,
  replica: number,
  exposes: ManifestExpose[],
  container: Pick<ContainerSummary, 'Ports'>,
  addresses: {publicAddress: string; privateAddress: string},
): PublishedPort[] {
  const out: PublishedPort[] = []
  for (const expose of exposes) {
    const proto = exposeProto(expose)
    const ingress = isIngressExpose(expose)
    const wantIp = expose.global && !ingress ? addresses.publicAddress : addresses.privateAddress
    const candidates = (container.Ports ?? []).filter(
      (p) => p.PrivatePort === expose.port && String(p.Type).toUpperCase() === proto && p.PublicPort,
    )
    const binding = candidates.find((p) => sameAddress(p.IP, wantIp)) ?? candidates[0]
    out.push({
      service,
      replica,
      port: expose.port,
      externalPort: externalPortOf(expose),
      proto,
      global: Boolean(expose.global),
      ingress,
      hostIp: binding?.IP || wantIp,
      hostPort: binding?.PublicPort ?? 0,
      hosts: [...(expose.hosts ?? [])],
      httpOptions: httpOptionsOf(expose),
    })
  }
  return out
}

function sameAddress(a: string | undefined, b: string): boolean {
  const norm = (x: string | undefined) => (!x || x === '::' ? '0.0.0.0' : x)
  return norm(a) === norm(b)
}

/** Containers from before generations were labelled count as revision 1. */
function containerGeneration(labels: Record<string, string>): number {
  const value = Number(labels[Labels.generation])
  return Number.isInteger(value) && value > 0 ? value : 1
}
