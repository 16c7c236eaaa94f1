import type {ForwardedPort, LeaseIngressPlan} from '../ingress/hostnames.js'
import type {LeaseRuntimeStatus, ReplicaFailure, RuntimeInfo, ServiceImage, ServiceRuntimeStatus} from '../runtime/types.js'

/** `ServiceStatus` as Akash's gateway serves it (chain-sdk go/provider/client/types.go). */
export interface ServiceStatusJson {
  name: string
  available: number
  total: number
  uris: string[] | null
  observed_generation: number
  replicas: number
  updated_replicas: number
  ready_replicas: number
  available_replicas: number
}

/** One failing replica (or service) in edge's lease-status extension. */
export interface FailureJson {
  service: string
  replica?: number
  reason: ReplicaFailure['reason']
  message: string
  exit_code?: number
  restarts: number
  last_lines: string[]
}

/** The image one service runs, as the engine reports it (edge's lease-status extension). */
export interface ImageJson {
  service: string
  /** The reference the container was created from. */
  image: string
  /** `sha256:<hex>` where known. */
  digest?: string
  /** `manifest`: the repository's manifest digest (what `image@sha256:` pins); `config`: the image id. */
  digest_of?: ServiceImage['digestOf']
}

/**
 * edge's extension of Akash's lease status (an extra member, which Akash's clients ignore): how
 * the provider runs the lease, which manifest it applies, and why replicas fail, structured.
 */
export interface EdgeLeaseStatusJson {
  runtime?: {kind: RuntimeInfo['kind']; engine: string; isolated: boolean; uses_images: boolean; terminal: boolean}
  /** The version (hash, hex) of the manifest the provider applies or has applied. */
  manifest_version?: string
  /** A manifest is being applied (images pulling, containers starting); the status may still be the previous one's. */
  deploying: boolean
  failures: FailureJson[]
  warnings: string[]
  /** What each service's containers run; absent where the runtime runs no images (host processes). */
  images?: ImageJson[]
}

export interface LeaseStatusJson {
  errors?: string[]
  services: Record<string, ServiceStatusJson>
  forwarded_ports: Record<string, ForwardedPort[]>
  ips: null
  edge?: EdgeLeaseStatusJson
}

export interface EdgeStatusInputs {
  runtime?: RuntimeInfo
  manifestVersion?: string
  deploying: boolean
  /** Why the last deploy failed, when the runtime says nothing more precise. */
  deployError?: string
}

export function failureJson(f: ReplicaFailure): FailureJson {
  return {
    service: f.service,
    ...(f.replica !== undefined ? {replica: f.replica} : {}),
    reason: f.reason,
    message: f.message,
    ...(f.exitCode !== undefined ? {exit_code: f.exitCode} : {}),
    restarts: f.restarts,
    last_lines: [...f.lastLines],
  }
}

export function edgeStatusJson(status: LeaseRuntimeStatus, inputs: EdgeStatusInputs): EdgeLeaseStatusJson {
  const failures = (status.failures ?? []).map(failureJson)
  if (inputs.deployError && failures.length === 0) failures.push({service: '', reason: 'deploy_failed', message: inputs.deployError, restarts: 0, last_lines: []})
  const r = inputs.runtime
  return {
    ...(r ? {runtime: {kind: r.kind, engine: r.engine, isolated: r.isolated, uses_images: r.usesImages, terminal: r.terminal}} : {}),
    ...(inputs.manifestVersion ? {manifest_version: inputs.manifestVersion} : {}),
    deploying: inputs.deploying,
    failures,
    warnings: [...(status.warnings ?? [])],
    ...(status.images ? {images: status.images.map(imageJson)} : {}),
  }
}

function imageJson(i: ServiceImage): ImageJson {
  return {service: i.service, image: i.image, ...(i.digest ? {digest: i.digest} : {}), ...(i.digestOf ? {digest_of: i.digestOf} : {})}
}

export function serviceStatusJson(service: ServiceRuntimeStatus, uris: string[] | undefined): ServiceStatusJson {
  return {
    name: service.name,
    available: service.available,
    total: service.total,
    uris: uris && uris.length > 0 ? uris : null,
    observed_generation: service.generation,
    replicas: service.total,
    updated_replicas: service.updated,
    ready_replicas: service.available,
    available_replicas: service.available,
  }
}

export function leaseStatusJson(status: LeaseRuntimeStatus, plan: Pick<LeaseIngressPlan, 'uris' | 'forwardedPorts'>, edge?: EdgeStatusInputs): LeaseStatusJson {
  const services: Record<string, ServiceStatusJson> = {}
  for (const [name, svc] of Object.entries(status.services)) services[name] = serviceStatusJson(svc, plan.uris[name])
  return {
    ...(status.errors.length > 0 ? {errors: [...status.errors]} : {}),
    services,
    forwarded_ports: plan.forwardedPorts,
    ips: null,
    ...(edge ? {edge: edgeStatusJson(status, edge)} : {}),
  }
}
