import type {ContainerCreateOptions} from 'dockerode'

import {Labels, leaseLabels} from './labels.js'
import {cpuMillis, exposeProto, gpuUnits, memoryBytes, normalizeImage} from './manifest-read.js'
import type {ManifestService} from './manifest-types.js'
import type {LeaseId} from './types.js'

/** Docker refuses memory limits under 6 MiB. */
const minMemoryBytes = 6 * 1024 * 1024

export interface PortBindingPlan {
  port: number
  proto: 'TCP' | 'UDP'
  hostIp: string
  /** 0 lets the engine choose. */
  hostPort: number
}

export interface ContainerPlan {
  lease: LeaseId
  group: string
  service: ManifestService
  replica: number
  name: string
  specHash: string
  /** The service's spec revision (Labels.generation). */
  generation: number
  manifestVersion?: string
  ports: PortBindingPlan[]
  /** Engine volume name per `params.storage` name (persistent storage). */
  volumes: {volume: string; mount: string; readOnly: boolean}[]
  tmpfs: {mount: string; sizeBytes: number}[]
  /** Per-lease network where the service is reachable by its name. */
  network?: string
  gpuDeviceIds?: string[]
  /** Apply CPU and memory limits (off only where the engine cannot, e.g. no cgroup controllers). */
  limits: boolean
  restartPolicy: 'always' | 'unless-stopped' | 'on-failure' | 'no'
  /** json-file style rotation, e.g. "10m"; unset keeps the engine's default. */
  logMaxSize?: string
}

export function portKey(port: number, proto: 'TCP' | 'UDP'): string {
  return `${port}/${proto.toLowerCase()}`
}

/** The Docker Engine API body of `POST /containers/create` for one replica. */
export function containerCreateOptions(plan: ContainerPlan): ContainerCreateOptions {
  const {service} = plan
  const labels: Record<string, string> = {
    ...leaseLabels(plan.lease),
    [Labels.group]: plan.group,
    [Labels.service]: service.name,
    [Labels.replica]: String(plan.replica),
    [Labels.specHash]: plan.specHash,
    [Labels.generation]: String(plan.generation),
    [Labels.count]: String(service.count),
    [Labels.expose]: JSON.stringify(service.expose ?? []),
  }
  if (plan.manifestVersion) labels[Labels.manifestVersion] = plan.manifestVersion

  const exposedPorts: Record<string, object> = {}
  const portBindings: Record<string, {HostIp: string; HostPort: string}[]> = {}
  for (const p of plan.ports) {
    const key = portKey(p.port, p.proto)
    exposedPorts[key] = {}
    portBindings[key] = [...(portBindings[key] ?? []), {HostIp: p.hostIp, HostPort: p.hostPort > 0 ? String(p.hostPort) : ''}]
  }
  // Exposes also declare the ports the service listens on inside the lease network.
  for (const e of service.expose ?? []) exposedPorts[portKey(e.port, exposeProto(e))] ??= {}

  const hostConfig: NonNullable<ContainerCreateOptions['HostConfig']> = {
    PortBindings: portBindings,
    RestartPolicy: {Name: plan.restartPolicy, ...(plan.restartPolicy === 'on-failure' ? {MaximumRetryCount: 10} : {})},
    Mounts: [
      ...plan.volumes.map((v) => ({Type: 'volume' as const, Source: v.volume, Target: v.mount, ReadOnly: v.readOnly})),
      ...plan.tmpfs.map((t) => ({
        Type: 'tmpfs' as const,
        Source: '',
        Target: t.mount,
        ...(t.sizeBytes > 0 ? {TmpfsOptions: {SizeBytes: t.sizeBytes, Mode: 0o1777}} : {}),
      })),
    ],
  }
  if (plan.limits) {
    const millis = cpuMillis(service)
    if (millis > 0) hostConfig.NanoCpus = millis * 1_000_000
    const memory = memoryBytes(service)
    if (memory > 0) hostConfig.Memory = Math.max(memory, minMemoryBytes)
  }
  const gpus = gpuUnits(service)
  if (gpus > 0 || (plan.gpuDeviceIds?.length ?? 0) > 0) {
    hostConfig.DeviceRequests = [
      plan.gpuDeviceIds && plan.gpuDeviceIds.length > 0
        ? {Driver: 'nvidia', DeviceIDs: [...plan.gpuDeviceIds], Capabilities: [['gpu']]}
        : {Driver: 'nvidia', Count: gpus, Capabilities: [['gpu']]},
    ]
  }
  if (plan.logMaxSize) hostConfig.LogConfig = {Type: '', Config: {'max-size': plan.logMaxSize}}
  if (plan.network) hostConfig.NetworkMode = plan.network

  const options: ContainerCreateOptions = {
    name: plan.name,
    Image: normalizeImage(service.image),
    Env: [...akashEnv(plan.lease), ...(service.env ?? [])],
    Labels: labels,
    ExposedPorts: exposedPorts,
    HostConfig: hostConfig,
  }
  // Kubernetes semantics, which Akash follows: command replaces the entrypoint (and then the
  // image's CMD is not used), args replace CMD.
  if (service.command && service.command.length > 0) options.Entrypoint = [...service.command]
  if (service.args && service.args.length > 0) options.Cmd = [...service.args]
  if (plan.network) options.NetworkingConfig = {EndpointsConfig: {[plan.network]: {Aliases: [service.name]}}}
  return options
}

/** Variables Akash's provider gives every workload about its lease. */
export function akashEnv(lease: LeaseId): string[] {
  return [
    `AKASH_OWNER=${lease.owner}`,
    `AKASH_DEPLOYMENT_SEQUENCE=${lease.dseq}`,
    `AKASH_GROUP_SEQUENCE=${lease.gseq}`,
    `AKASH_ORDER_SEQUENCE=${lease.oseq}`,
    `AKASH_PROVIDER=${lease.provider}`,
  ]
}
