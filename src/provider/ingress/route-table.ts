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
  /** Every name the lease asked for, including those another lease holds (set by the table). */
  declared?: string[]
}

export interface SetRoutesResult {
  /** Hostnames another lease already serves: not routed for this lease. */
  conflicts: string[]
}

/**
 * Host name → route, owned lease by lease. A name goes to the first lease that asks for it, unless
 * a hostname migration pinned it to a lease: then that lease holds it, whatever order leases are
 * routed in (after a restart too, since pins are restored from the provider's state).
 */
export class RouteTable {
  private readonly byHost = new Map<string, IngressRoute>()
  private readonly byLease = new Map<string, IngressRoute[]>()
  private readonly pins = new Map<string, string>()

  /** Replaces every route of `leaseKey`. A name held by (or pinned to) another lease stays there. */
  setLease(leaseKey: string, routes: IngressRoute[]): SetRoutesResult {
    this.unroute(leaseKey)
    const conflicts: string[] = []
    const kept: IngressRoute[] = []
    for (const route of routes) {
      const hostnames: string[] = []
      const declared = [...new Set(route.hostnames.map((h) => normalizeHostname(h)))]
      for (const host of declared) {
        const pinned = this.pins.get(host)
        const owner = this.byHost.get(host)
        if (pinned !== undefined && pinned !== leaseKey) {
          conflicts.push(host)
          continue
        }
        if (owner && owner.leaseKey !== leaseKey) {
          if (pinned !== leaseKey) {
            conflicts.push(host)
            continue
          }
          owner.hostnames = owner.hostnames.filter((h) => h !== host)
        }
        hostnames.push(host)
      }
      const stored = {...route, leaseKey, hostnames, declared}
      for (const host of hostnames) this.byHost.set(host, stored)
      kept.push(stored)
    }
    this.byLease.set(leaseKey, kept)
    return {conflicts}
  }

  /** The lease is gone: its routes and the names pinned to it are released. */
  removeLease(leaseKey: string): void {
    this.unroute(leaseKey)
    for (const [host, lease] of this.pins) if (lease === leaseKey) this.pins.delete(host)
  }

  private unroute(leaseKey: string): void {
    for (const route of this.byLease.get(leaseKey) ?? []) {
      for (const host of route.hostnames) if (this.byHost.get(host) === route) this.byHost.delete(host)
    }
    this.byLease.delete(leaseKey)
  }

  /** The route serving `host` now, if any. */
  holder(host: string): IngressRoute | undefined {
    return this.byHost.get(normalizeHostname(host))
  }

  /**
   * Gives `host` to `leaseKey` and pins it there. Where the lease is routed and declares the name,
   * it serves it at once; otherwise it takes it when it is routed.
   */
  pin(host: string, leaseKey: string): void {
    const name = normalizeHostname(host)
    this.pins.set(name, leaseKey)
    const current = this.byHost.get(name)
    if (current?.leaseKey === leaseKey) return
    const target = (this.byLease.get(leaseKey) ?? []).find((r) => r.declared?.includes(name))
    if (current) {
      current.hostnames = current.hostnames.filter((h) => h !== name)
      this.byHost.delete(name)
    }
    if (target) {
      target.hostnames.push(name)
      this.byHost.set(name, target)
    }
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
