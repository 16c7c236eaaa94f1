import {randomBytes} from 'node:crypto'
import {KeyedLock} from '../../../lib/keyed-lock.js'
import Docker from 'dockerode'

import {ProviderError} from '../../../errors.js'
import {containerCreateOptions} from '../container-spec.js'
import {EventJournal} from '../event-journal.js'
import {Labels, leaseHash, leaseKey, leaseLabelFilters, safeName} from '../labels.js'
import {serviceMounts} from '../manifest-read.js'
import type {ManifestGroup, ManifestService} from '../manifest-types.js'
import type {PortRange} from '../ports.js'
import {serviceSpecHash} from '../spec-hash.js'
import {READY_GRACE_MS, assessReplica, failureErrorLine} from '../supervision.js'
import type {
  DeployOptions,
  EventOptions,
  ExecOptions,
  ExecSession,
  LeaseId,
  LeaseRuntimeStatus,
  LogLine,
  LogOptions,
  ReplicaFailure,
  ReplicaStatus,
  RunningLease,
  Runtime,
  RuntimeEvent,
  RuntimeInfo,
  ServiceRuntimeStatus,
} from '../types.js'
import {EngineEventWatcher} from './engine-events.js'
import {HostPortPlanner} from './host-ports.js'
import {dockerExec} from './exec.js'
import {errorMessage} from './image-pull.js'
import {LeaseImages} from './lease-images.js'
import {ensureNetwork, ensureVolume, historyFromEngine, leaseContainers, listLeases, networkName, removeNetwork, removeVolumes} from './lease-resources.js'
import {containerLogLines} from './logs.js'
import {RunningImages} from './running-images.js'
import {containerGeneration, containerState, exitCodeFromStatus, parseExposeLabel, publishedPorts} from './status.js'
import {ContainerSupervisor} from './supervisor.js'

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

/** Runs leases as containers through the Docker Engine API (Docker or Podman). */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const
  readonly docker: Docker
  private readonly journal = new EventJournal()
  private readonly watcher: EngineEventWatcher
  private readonly ports: HostPortPlanner
  /** Selects this provider's containers in the engine. */
  private readonly labelFilters: string[]
  private readonly now: () => number
  /** Failures of the last deploy per lease (pull failures, start failures). */
  private readonly deployErrors = new Map<string, ReplicaFailure[]>()
  /** Restarts of the containers the provider created with the engine's restart policy off. */
  private readonly supervisor: ContainerSupervisor
  /** The last group deployed per lease, so status knows services that have no container yet. */
  private readonly groups = new Map<string, ManifestGroup>()
  private readonly locks = new KeyedLock()
  private readonly images: LeaseImages
  /** The image each container runs, inspected once per container. */
  private readonly running: RunningImages

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker({socketPath: options.socketPath})
    this.now = options.now ?? Date.now
    const filters = [`${Labels.managed}=true`, ...(options.provider ? [`${Labels.provider}=${options.provider}`] : [])]
    this.labelFilters = filters
    this.supervisor = new ContainerSupervisor({
      docker: this.docker,
      journal: this.journal,
      now: this.now,
      serialised: (lease, fn) => this.serialised(lease, fn),
      labelFilters: filters,
      ...(options.sweepMs !== undefined ? {sweepMs: options.sweepMs} : {}),
    })
    this.watcher = new EngineEventWatcher(this.docker, {labelFilters: filters, onEvent: (e, id) => this.supervisor.onEngineEvent(e, id)})
    const addresses = {publicAddress: options.publicAddress ?? '0.0.0.0', privateAddress: options.privateAddress ?? '127.0.0.1'}
    this.ports = new HostPortPlanner(this.docker, addresses, options.portRange)
    this.running = new RunningImages(this.docker)
    this.images = new LeaseImages(this.docker, {
      ...(options.pullTimeoutMs ? {timeoutMs: options.pullTimeoutMs} : {}),
      ...(options.pullIdleTimeoutMs ? {idleTimeoutMs: options.pullIdleTimeoutMs} : {}),
    })
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
    const containers = await leaseContainers(this.docker, lease)
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
    const imageOf: Array<{id: string; service: string}> = []
    for (const c of containers) {
      const labels = c.Labels ?? {}
      const name = labels[Labels.service]
      if (!name || this.supervisor.isRemoving(c.Id)) continue
      imageOf.push({id: c.Id, service: name})
      group ||= labels[Labels.group] ?? ''
      manifestVersion ??= labels[Labels.manifestVersion]
      const replica = Number(labels[Labels.replica] ?? 0)
      const entry = (services[name] ??= {name, total: Number(labels[Labels.count] ?? 1), available: 0, ready: false, generation: 1, updated: 0, replicas: [], ports: []})
      generations.set(name, [...(generations.get(name) ?? []), containerGeneration(labels)])
      const state = containerState(c.State)
      const exitCode = exitCodeFromStatus(c.Status)
      const supervised = this.supervisor.supervision(c.Id, lease, name, replica)
      if ((state === 'running' || state === 'restarting') && supervised.startedAt === undefined) supervised.startedAt = await this.supervisor.startedAt(c.Id)
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
        if ((state === 'exited' || state === 'dead') && !supervised.timer && !this.supervisor.isClosed) this.supervisor.crashed(c.Id, supervised, exitCode, now)
        failures.push(await this.supervisor.failure(c.Id, supervised, state === 'running' || state === 'restarting' ? supervised.exitCode : exitCode, state === 'running' ? 'crash_loop' : 'exited'))
      }
      entry.ports.push(...publishedPorts(name, replica, parseExposeLabel(labels[Labels.expose]), c, this.ports.addresses))
    }
    for (const entry of Object.values(services)) {
      entry.replicas.sort((a, b) => a.replica - b.replica)
      entry.ports.sort((a, b) => a.replica - b.replica || a.port - b.port)
      entry.ready = entry.total > 0 && entry.available >= entry.total
      const seen = generations.get(entry.name) ?? []
      entry.generation = Math.max(1, ...seen)
      entry.updated = seen.filter((g) => g === entry.generation).length
    }
    const images = await this.running.of(leaseKey(lease), imageOf)
    return {lease, group, ...(manifestVersion ? {manifestVersion} : {}), services, errors: failures.map(failureErrorLine), failures, warnings: [], images}
  }

  logs(lease: LeaseId, options: LogOptions = {}): AsyncIterable<LogLine> {
    // The listing is async; an async generator keeps the signature simple for callers.
    return this.logLines(lease, options)
  }

  private async *logLines(lease: LeaseId, options: LogOptions): AsyncGenerator<LogLine> {
    const containers = await leaseContainers(this.docker, lease)
    const wanted = options.services && options.services.length > 0 ? new Set(options.services) : undefined
    const sources = containers
      .map((c) => ({id: c.Id, service: c.Labels?.[Labels.service] ?? '', replica: Number(c.Labels?.[Labels.replica] ?? 0)}))
      .filter((s) => s.service && (!wanted || wanted.has(s.service)))
      .sort((a, b) => (a.service === b.service ? a.replica - b.replica : a.service < b.service ? -1 : 1))
    yield* containerLogLines(this.docker, sources, options)
  }

  events(lease: LeaseId, options: EventOptions = {}): AsyncIterable<RuntimeEvent> {
    return this.eventStream(lease, options)
  }

  private async *eventStream(lease: LeaseId, options: EventOptions): AsyncGenerator<RuntimeEvent> {
    if (options.follow) await this.watcher.start().catch(() => undefined)
    const history = await historyFromEngine(this.docker, lease, this.journal.history(lease)).catch(() => [])
    yield* this.journal.stream(lease, options, history)
  }

  async exec(lease: LeaseId, options: ExecOptions): Promise<ExecSession> {
    const replica = options.replica ?? 0
    const containers = await leaseContainers(this.docker, lease)
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
      const containers = await leaseContainers(this.docker, lease)
      this.supervisor.forgetLease(lease)
      this.running.forgetLease(leaseKey(lease))
      await Promise.all(containers.map((c) => this.supervisor.remove(c.Id)))
      await removeVolumes(this.docker, {label: leaseLabelFilters(lease)})
      await removeNetwork(this.docker, networkName(lease))
      this.journal.emit(this.event(lease, {type: 'lease.removed', severity: 'normal', reason: 'Killing', message: 'Lease removed'}))
      this.deployErrors.delete(leaseKey(lease))
      this.groups.delete(leaseKey(lease))
      this.journal.forget(lease)
    })
  }

  list(): Promise<RunningLease[]> {
    return listLeases(this.docker, this.labelFilters)
  }

  async close(): Promise<void> {
    this.supervisor.close()
    this.watcher.stop()
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
      this.supervisor.start()

      const existing = await leaseContainers(this.docker, lease)
      const plans = group.services.map((service) => {
        const specHash = serviceSpecHash(service)
        const current = existing.filter((c) => c.Labels?.[Labels.service] === service.name)
        const stale = current.filter((c) => c.Labels?.[Labels.specHash] !== specHash)
        return {service, specHash, current, stale}
      })
      const needImages = plans.filter((p) => p.stale.length > 0 || p.current.length < p.service.count)
      try {
        await this.images.pull(
          needImages.map((p) => p.service),
          (e) => this.journal.emit(this.event(lease, e)),
          (failures) => this.deployErrors.set(leaseKey(lease), failures),
          options.signal,
        )
      } catch (error) {
        this.journal.emit(
          this.event(lease, {type: 'lease.deploy.failed', severity: 'warning', reason: 'Failed', message: errorMessage(error)}),
        )
        throw error
      }

      const network = this.options.leaseNetworks === false ? undefined : await ensureNetwork(this.docker, lease, (e) => this.journal.emit(this.event(lease, e)))

      // Services gone from the manifest: containers and their volumes go.
      const names = new Set(group.services.map((s) => s.name))
      const orphans = existing.filter((c) => !names.has(c.Labels?.[Labels.service] ?? ''))
      await Promise.all(orphans.map((c) => this.supervisor.remove(c.Id)))
      for (const service of new Set(orphans.map((c) => c.Labels?.[Labels.service] ?? ''))) {
        await removeVolumes(this.docker, {label: [...leaseLabelFilters(lease), `${Labels.service}=${service}`]})
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
      // Said before the old containers stop, so their exits read as part of the update (ux-test D26).
      this.journal.emit(
        this.event(lease, {type: 'service.replaced', service: service.name, severity: 'normal', reason: 'Updated', message: `Replacing ${service.name}: its spec changed`}),
      )
      await Promise.all(plan.stale.map((c) => this.supervisor.remove(c.Id)))
      for (const c of plan.stale) this.supervisor.forget(c.Id)
    }
    const keep = plan.current.filter((c) => !plan.stale.includes(c))
    for (const c of keep) {
      const replica = Number(c.Labels?.[Labels.replica] ?? 0)
      if (replica >= service.count) {
        await this.supervisor.remove(c.Id)
      } else if (containerState(c.State) !== 'running') {
        // Stopped while the provider was away: start it now; the back-off resumes if it exits again.
        const s = this.supervisor.supervision(c.Id, lease, service.name, replica)
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
    const ports = await this.ports.plan(service, replica, previousPorts)
    const volumes: {volume: string; mount: string; readOnly: boolean}[] = []
    const tmpfs: {mount: string; sizeBytes: number}[] = []
    for (const m of serviceMounts(service)) {
      if (m.kind === 'tmpfs') {
        tmpfs.push({mount: m.mount, sizeBytes: m.sizeBytes})
        continue
      }
      const volume = `edge-${leaseHash(lease)}-${safeName(service.name)}-${replica}-${safeName(m.name)}`
      await ensureVolume(this.docker, lease, service.name, volume, m.name, (e) => this.journal.emit(this.event(lease, e)))
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
        Object.assign(this.supervisor.supervision(container.id, lease, service.name, replica), {startedAt: this.now()})
      } catch (error) {
        // A container that cannot start would hold its ports and name: remove it.
        await this.supervisor.remove(container.id)
        throw error
      }
    } finally {
      for (const p of ports) if (p.hostPort > 0) this.ports.release(p.hostPort)
    }
  }

  private event(lease: LeaseId, e: Omit<RuntimeEvent, 'ts' | 'lease'>): RuntimeEvent {
    return {ts: this.now(), lease, ...e}
  }

  private serialised<T>(lease: LeaseId, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(leaseKey(lease), fn)
  }

}
