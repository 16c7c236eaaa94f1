import type Docker from 'dockerode'

import {portKey, type PortBindingPlan} from '../container-spec.js'
import {exposeProto, isIngressExpose} from '../manifest-read.js'
import type {ManifestExpose, ManifestService} from '../manifest-types.js'
import {PortAllocator, portIsFree, type PortRange} from '../ports.js'

export interface HostAddresses {
  /** Where forwarded (public) ports are bound. */
  publicAddress: string
  /** Where ports only the provider reaches (HTTP behind the ingress, internal) are bound. */
  privateAddress: string
}

/**
 * Chooses the host address and port each replica's exposes are published on: from the provider's
 * port range when it has one (skipping what the engine already publishes), else the engine's
 * choice, keeping a replaced container's ports where they are still free.
 */
export class HostPortPlanner {
  private readonly allocator: PortAllocator | undefined

  constructor(
    private readonly docker: Docker,
    readonly addresses: HostAddresses,
    portRange: PortRange | undefined,
  ) {
    if (portRange) this.allocator = new PortAllocator({range: portRange, used: () => this.publishedHostPorts()})
  }

  async plan(service: ManifestService, replica: number, previous: Map<string, number>): Promise<PortBindingPlan[]> {
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

  /** Gives back a port planned for a container that was not created. */
  release(hostPort: number): void {
    this.allocator?.release(hostPort)
  }

  private bindAddressFor(expose: ManifestExpose): string {
    const {publicAddress, privateAddress} = this.addresses
    return expose.global && !isIngressExpose(expose) ? publicAddress : privateAddress
  }

  private async publishedHostPorts(): Promise<number[]> {
    const containers = await this.docker.listContainers({all: true})
    return containers.flatMap((c) => (c.Ports ?? []).map((p) => p.PublicPort).filter((p): p is number => Boolean(p)))
  }
}
