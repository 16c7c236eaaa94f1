import type {ForwardedPort, LeaseIngressPlan} from '../ingress/hostnames.js'
import type {LeaseRuntimeStatus, ServiceRuntimeStatus} from '../runtime/types.js'

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

export interface LeaseStatusJson {
  errors?: string[]
  services: Record<string, ServiceStatusJson>
  forwarded_ports: Record<string, ForwardedPort[]>
  ips: null
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

export function leaseStatusJson(status: LeaseRuntimeStatus, plan: Pick<LeaseIngressPlan, 'uris' | 'forwardedPorts'>): LeaseStatusJson {
  const services: Record<string, ServiceStatusJson> = {}
  for (const [name, svc] of Object.entries(status.services)) services[name] = serviceStatusJson(svc, plan.uris[name])
  return {
    ...(status.errors.length > 0 ? {errors: [...status.errors]} : {}),
    services,
    forwarded_ports: plan.forwardedPorts,
    ips: null,
  }
}
