/** The provider API's JSON shapes (chain-sdk go/provider/client/types.go), as edge reads them. */

export interface LeaseRef {
  owner: string
  provider: string
  dseq: bigint
  gseq: number
  oseq: number
}

export interface ServiceStatus {
  name: string
  available: number
  total: number
  uris: string[] | null
  observed_generation?: number
  replicas?: number
  updated_replicas?: number
  ready_replicas: number
  available_replicas: number
}

export interface ForwardedPort {
  host?: string
  port: number
  externalPort: number
  proto: string
  name?: string
}

/** One failing replica, as edge's provider reports it (the `edge` member of a lease status). */
export interface ServiceFailureJson {
  service: string
  replica?: number
  /** exited | crash_loop | start_failed | image_pull_failed | deploy_failed */
  reason: string
  message: string
  exit_code?: number
  restarts: number
  last_lines: string[]
}

/**
 * What `edge provide` adds to a lease status (Akash's providers do not send it): the runtime, the
 * manifest version it applies, whether it is still applying it, failures with exit codes and log
 * lines, and warnings.
 */
export interface EdgeLeaseStatus {
  runtime?: {kind: string; engine: string; isolated: boolean; uses_images: boolean; terminal: boolean}
  manifest_version?: string
  deploying?: boolean
  failures?: ServiceFailureJson[]
  warnings?: string[]
  /** What each service's containers run, as the engine reports it; absent from host-process runtimes. */
  images?: ServiceImageJson[]
}

/** The image one service's containers run, as edge's provider reports it. */
export interface ServiceImageJson {
  service: string
  /** The reference the container was created from (`docker.io/library/busybox:1.36`). */
  image: string
  /** `sha256:<hex>` where known. */
  digest?: string
  /** `manifest`: the repository's manifest digest (what `image@sha256:` pins); `config`: the image id. */
  digest_of?: string
}

export interface LeaseStatus {
  services: Record<string, ServiceStatus>
  forwarded_ports?: Record<string, ForwardedPort[]> | null
  ips?: Record<string, Array<{Port: number; ExternalPort: number; Protocol: string; IP: string}>> | null
  errors?: string[] | null
  edge?: EdgeLeaseStatus
}

export interface LogFrame {
  /** Pod/replica name (starts with the service name). */
  name: string
  message: string
}

export interface KubeEvent {
  type: string
  reportingController?: string
  reportingInstance?: string
  reason: string
  note: string
  object: {kind: string; namespace?: string; name: string}
  /**
   * When it happened (RFC 3339). edge's providers add it; Akash's (cluster/types LeaseEvent) send
   * no time, so it is absent from theirs.
   */
  eventTime?: string
}

export interface ProviderStatusJson {
  address?: string
  cluster?: {leases?: unknown; inventory?: unknown}
  bidengine?: {orders?: number}
  manifest?: {deployments?: number}
  cluster_public_hostname?: string
}

export const leasePath = (lease: LeaseRef) => `/lease/${lease.dseq}/${lease.gseq}/${lease.oseq}`
