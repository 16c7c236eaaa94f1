import type {ProviderStore, LeaseRow} from '../state/store.js'
import type {EventHub} from '../events.js'
import {normalizeHostname} from '../ingress/hostnames.js'
import type {ManifestGroup} from '../runtime/manifest-types.js'
import {parseOrderKey} from '../state/keys.js'
import type {IngressBinding, RequestFailure} from './lease-manager.js'

/** What a migration needs of the lease manager. */
export interface MigrationContext {
  store: ProviderStore
  events: EventHub
  ingress?: IngressBinding
  now(): number
  /** Whether a lease row still runs here. */
  isActive(row: LeaseRow): boolean
  manifestGroup(row: LeaseRow): ManifestGroup | undefined
  /** The runtime's lease key (routes and pins are held under it). */
  runtimeKey(row: LeaseRow): string
}

/** The owner's active lease of group (dseq, gseq) with a manifest: a migration's destination. */
function migrationDestination(ctx: MigrationContext, owner: string, dseq: bigint, gseq: number): {row: LeaseRow; group: ManifestGroup} | undefined {
  for (const row of ctx.store.leasesOfDeployment(owner, dseq.toString())) {
    if (!ctx.isActive(row) || parseOrderKey(row.orderKey).gseq !== gseq) continue
    const group = ctx.manifestGroup(row)
    if (group) return {row, group}
  }
  return undefined
}

/**
 * `POST /hostname/migrate`: moves hostnames (the SDL's `accept` names) from one of the owner's
 * leases to another, as Akash's provider does when a tenant redeploys under a new DSEQ: the
 * destination must declare each name, and a name another tenant holds is refused.
 */
export function migrateHostnames(
  ctx: MigrationContext,
  owner: string,
  hostnames: string[],
  dseq: bigint,
  gseq: number,
): {ok: true; transferred: string[]} | ({ok: false} & RequestFailure) {
  const destination = migrationDestination(ctx, owner, dseq, gseq)
  if (!destination) return {ok: false, status: 400, message: 'destination deployment does not exist'}
  const declared = new Set(destination.group.services.flatMap((s) => (s.expose ?? []).flatMap((e) => (e.hosts ?? []).map((h) => normalizeHostname(h)))))
  for (const host of hostnames) {
    if (!declared.has(normalizeHostname(host))) return {ok: false, status: 400, message: `the hostname "${host}" is not used by this deployment`}
  }
  const proxy = ctx.ingress?.proxy
  for (const host of hostnames) {
    // Held now (routed), or pinned by an earlier migration to a lease not routed at the moment
    // (deploying, restarting): either way another tenant's name is not to be taken.
    const holder = proxy?.hostnameHolder(host)?.owner ?? ownerOfPin(ctx.store.hostnamePin(normalizeHostname(host)))
    if (holder !== undefined && holder !== owner) return {ok: false, status: 400, message: `hostname not allowed: "${host}" is in use by another tenant`}
  }
  const leaseKey = ctx.runtimeKey(destination.row)
  for (const host of hostnames) {
    ctx.store.pinHostname(normalizeHostname(host), destination.row.orderKey, ctx.now())
    proxy?.pinHostname(host, leaseKey)
    ctx.events.emit({type: 'lease.hostname_migrated', lease: destination.row.orderKey, hostname: normalizeHostname(host)})
  }
  return {ok: true, transferred: hostnames}
}

/**
 * `POST /endpoint/migrate`: moves IP endpoints between the owner's leases. This provider leases no
 * IPs (it does not bid on orders that ask for them), so a destination never declares an endpoint;
 * the answers are Akash's.
 */
export function migrateEndpoints(
  ctx: MigrationContext,
  owner: string,
  endpoints: string[],
  dseq: bigint,
  gseq: number,
): ({ok: false} & RequestFailure) | {ok: true; transferred: string[]} {
  const destination = migrationDestination(ctx, owner, dseq, gseq)
  if (!destination) return {ok: false, status: 400, message: 'destination deployment does not exist'}
  const declared = new Set(destination.group.services.flatMap((s) => (s.expose ?? []).filter((e) => e.global && e.ip).map((e) => e.ip)))
  const missing = endpoints.find((e) => !declared.has(e))
  if (missing !== undefined) return {ok: false, status: 400, message: `the endpoint "${missing}" does not exist in the destination deployment`}
  return {ok: false, status: 400, message: 'this provider does not lease IP endpoints'}
}

function ownerOfPin(orderKey: string | undefined): string | undefined {
  return orderKey === undefined ? undefined : parseOrderKey(orderKey).owner
}
