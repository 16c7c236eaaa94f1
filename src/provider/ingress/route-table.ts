import type {ManifestHttpOptions} from '../runtime/manifest-types.js'
import type {LeaseId} from '../runtime/types.js'
import {normalizeHostname} from './hostnames.js'

export interface IngressTarget {
  host: string
  port: number
  replica: number
}

/** One HTTP expose of one service, reachable under `hostnames`. */
export interface IngressRoute {
  /** The generated name first, then the SDL's `accept` names. */
  hostnames: string[]
  leaseKey: string
  lease: LeaseId
  service: string
  /** The container port. */
  port: number
  /** One per running replica. */
  targets: IngressTarget[]
  httpOptions: ManifestHttpOptions
}

export interface SetRoutesResult {
  /** Hostnames another lease already serves: not routed for this lease. */
  conflicts: string[]
}

/** Host name → route, owned lease by lease. */
export class RouteTable {
  private readonly byHost = new Map<string, IngressRoute>()
  private readonly byLease = new Map<string, IngressRoute[]>()

  /** Replaces every route of `leaseKey`. A name held by another lease stays with that lease. */
  setLease(leaseKey: string, routes: IngressRoute[]): SetRoutesResult {
    this.removeLease(leaseKey)
    const conflicts: string[] = []
    const kept: IngressRoute[] = []
    for (const route of routes) {
      const hostnames: string[] = []
      for (const raw of route.hostnames) {
        const host = normalizeHostname(raw)
        const owner = this.byHost.get(host)
        if (owner && owner.leaseKey !== leaseKey) {
          conflicts.push(host)
          continue
        }
        if (!hostnames.includes(host)) hostnames.push(host)
      }
      const stored = {...route, leaseKey, hostnames}
      for (const host of hostnames) this.byHost.set(host, stored)
      kept.push(stored)
    }
    this.byLease.set(leaseKey, kept)
    return {conflicts}
  }

  removeLease(leaseKey: string): void {
    for (const route of this.byLease.get(leaseKey) ?? []) {
      for (const host of route.hostnames) if (this.byHost.get(host) === route) this.byHost.delete(host)
    }
    this.byLease.delete(leaseKey)
  }

  lookup(host: string | undefined): IngressRoute | undefined {
    return host ? this.byHost.get(normalizeHostname(host)) : undefined
  }

  all(): IngressRoute[] {
    return [...this.byLease.values()].flat()
  }

  leaseRoutes(leaseKey: string): IngressRoute[] {
    return [...(this.byLease.get(leaseKey) ?? [])]
  }
}
