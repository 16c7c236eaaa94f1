import type {Readable, Writable} from 'node:stream'

import type {ManifestGroup, ManifestHttpOptions} from './manifest-types.js'

/** Identifies a lease on chain; the provider is the one running it. dseq is a uint64 as a string. */
export interface LeaseId {
  owner: string
  dseq: string
  gseq: number
  oseq: number
  provider: string
}

export type RuntimeKind = 'docker' | 'process'

export interface RuntimeInfo {
  kind: RuntimeKind
  /** e.g. "Podman Engine 4.3.1", "Docker Engine 27.1.0", "host processes". */
  engine: string
  version: string
  /** Where the engine was reached (socket path), when there is one. */
  endpoint?: string
  /** Workloads are isolated from the provider's host (containers); false for host processes. */
  isolated: boolean
  /** The SDL's image is what runs; false for host processes, which run the command on the host. */
  usesImages: boolean
  /** `exec` can give a command a terminal (tty). */
  terminal: boolean
}

export interface DeployOptions {
  /** The manifest version hash (hex) from the chain, stored on every container. */
  manifestVersion?: string
  /** Explicit GPU assignment per service (device indexes or UUIDs); else the engine picks `count`. */
  gpuDeviceIds?: Record<string, string[]>
  signal?: AbortSignal
  /** Called for each event of this deploy, in addition to the lease's event stream. */
  onEvent?: (event: RuntimeEvent) => void
}

/** One port of one replica, as published on the host. */
export interface PublishedPort {
  service: string
  replica: number
  /** The port inside the container (the manifest's `port`). */
  port: number
  /** The manifest's external port (`as`), or `port` when it gave 0. */
  externalPort: number
  proto: 'TCP' | 'UDP'
  global: boolean
  /** True for a global TCP expose on external port 80: served through the HTTP ingress. */
  ingress: boolean
  /** Address the engine bound on the host ("0.0.0.0" = all). */
  hostIp: string
  /** The published host port; 0 when not published (yet). */
  hostPort: number
  /** `accept` hostnames from the SDL. */
  hosts: string[]
  httpOptions: ManifestHttpOptions
}

export type ReplicaState = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'missing' | 'unknown'

export interface ReplicaStatus {
  replica: number
  /** Container id, or pid as a string for the process runtime. */
  id: string
  state: ReplicaState
  exitCode?: number
  startedAt?: string
  /** Times the provider restarted this replica after it exited. */
  restarts?: number
  /** When it last exited (while not running). */
  finishedAt?: string
}

export type FailureReason = 'exited' | 'crash_loop' | 'start_failed' | 'image_pull_failed' | 'deploy_failed'

/** Why a replica (or a whole service, when `replica` is absent) does not run: told to the tenant at once. */
export interface ReplicaFailure {
  service: string
  replica?: number
  reason: FailureReason
  /** One line a person can read: what happened, the exit code, the restarts. */
  message: string
  exitCode?: number
  restarts: number
  /** The last lines the replica printed (stdout and stderr), oldest first. */
  lastLines: string[]
}

export interface ServiceRuntimeStatus {
  name: string
  /** Replicas the manifest asks for. */
  total: number
  /** Replicas running now. */
  available: number
  /** All replicas running. */
  ready: boolean
  /** How many times the service's spec has changed, starting at 1 (Kubernetes' observedGeneration). */
  generation: number
  /** Replicas that run the current spec (Kubernetes' updatedReplicas). */
  updated: number
  replicas: ReplicaStatus[]
  ports: PublishedPort[]
}

/** The image a service's containers run, as the engine reports it (runtimes that run images only). */
export interface ServiceImage {
  service: string
  /** The reference the container was created from, e.g. `docker.io/library/busybox:1.36`. */
  image: string
  /** `sha256:<hex>`: the image's manifest digest in its repository, or else its image id. */
  digest?: string
  /** `manifest`: what `image@sha256:` pins; `config`: the image id (the engine knows no repository digest). */
  digestOf?: 'manifest' | 'config'
}

export interface LeaseRuntimeStatus {
  lease: LeaseId
  group: string
  manifestVersion?: string
  services: Record<string, ServiceRuntimeStatus>
  /** Why the lease is not (fully) running: image pull failures, crashed replicas, … */
  errors: string[]
  /** The same failures, structured: exit code, restarts, last log lines (edge's lease-status extension). */
  failures?: ReplicaFailure[]
  /** Things a tenant should know that are not failures (host processes: absolute paths, a port not listened on). */
  warnings?: string[]
  /** What each service's containers run (one row per service and digest); absent where no images run. */
  images?: ServiceImage[]
}

/** A lease found running from its labels (docker) or state files (process). */
export interface RunningLease {
  lease: LeaseId
  group: string
  manifestVersion?: string
  services: string[]
}

export interface LogOptions {
  /** Only these services; all when empty or absent. */
  services?: string[]
  /** Last N lines per replica; absent or negative = all. */
  tail?: number
  follow?: boolean
  signal?: AbortSignal
}

export interface LogLine {
  service: string
  replica: number
  line: string
  stream: 'stdout' | 'stderr'
}

export interface EventOptions {
  /** Keep the stream open for new events. */
  follow?: boolean
  /** Only events of these services (events without a service are kept). */
  services?: string[]
  signal?: AbortSignal
}

export type RuntimeEventType =
  | 'image.present'
  | 'image.pull.started'
  | 'image.pull.progress'
  | 'image.pulled'
  | 'image.pull.failed'
  | 'volume.created'
  | 'volume.removed'
  | 'network.created'
  | 'container.created'
  | 'container.started'
  | 'container.died'
  | 'container.oom'
  | 'container.removed'
  | 'service.replaced'
  | 'lease.deployed'
  | 'lease.deploy.failed'
  | 'lease.warning'
  | 'lease.removed'

/**
 * One thing that happened to a lease. `reason` and `severity` follow Kubernetes events
 * (Pulling, Pulled, Failed, Created, Started, BackOff, Killing) so the gateway can serve them
 * as `kubeevents` unchanged.
 */
export interface RuntimeEvent {
  type: RuntimeEventType
  /** Milliseconds since the epoch. */
  ts: number
  lease: LeaseId
  service?: string
  replica?: number
  severity: 'normal' | 'warning'
  reason: string
  message: string
  image?: string
  exitCode?: number
  /** Pull progress: bytes done and total, when the engine reports them. */
  current?: number
  total?: number
}

export interface ExecOptions {
  service: string
  /** Replica index (Akash's podIndex); 0 when absent. */
  replica?: number
  cmd: string[]
  tty?: boolean
  /** Open stdin for writing. */
  stdin?: boolean
  /** Initial terminal size, for tty sessions. */
  columns?: number
  rows?: number
  signal?: AbortSignal
}

export interface ExecSession {
  stdout: Readable
  /** Empty when `tty` is set: a terminal merges both streams into stdout. */
  stderr: Readable
  /** Present when `stdin` was asked for; `end()` sends EOF. */
  stdin?: Writable
  resize(columns: number, rows: number): Promise<void>
  /** Resolves once the command has exited and its output has been delivered. */
  exit: Promise<{exitCode: number}>
  /** Stops reading and releases the connection (the command may keep running in the engine). */
  close(): void
}

/**
 * How the provider's lease manager runs workloads. Implementations keep no state that matters:
 * everything (what runs, for which lease, on which ports) is read back from the engine (labels)
 * or from files, so a restarted provider sees the same leases.
 */
export interface Runtime {
  readonly kind: RuntimeKind
  info(): Promise<RuntimeInfo>
  /**
   * Makes the lease run `group`: pulls missing images, creates what is missing, replaces services
   * whose spec changed, removes services no longer in the group, starts stopped replicas and keeps
   * replicas that already run the same spec (so it is also how a restarted provider re-attaches).
   * Rejects (ProviderError) when an image cannot be pulled or a container cannot start; the reason
   * is also in `status().errors` and the event stream.
   */
  deploy(lease: LeaseId, group: ManifestGroup, options?: DeployOptions): Promise<LeaseRuntimeStatus>
  /** A new manifest for a running lease: same as deploy, named for the caller's intent. */
  update(lease: LeaseId, group: ManifestGroup, options?: DeployOptions): Promise<LeaseRuntimeStatus>
  status(lease: LeaseId): Promise<LeaseRuntimeStatus>
  logs(lease: LeaseId, options?: LogOptions): AsyncIterable<LogLine>
  events(lease: LeaseId, options?: EventOptions): AsyncIterable<RuntimeEvent>
  exec(lease: LeaseId, options: ExecOptions): Promise<ExecSession>
  /** Removes every container, volume and network of the lease. Idempotent. */
  teardown(lease: LeaseId): Promise<void>
  /** Leases this runtime runs for its provider (all providers when it was given none). */
  list(): Promise<RunningLease[]>
  /** Releases sockets and watchers; leaves workloads running. */
  close(): Promise<void>
}
