import type {Claims, PermissionDeployment, Scope} from './jwt.js'

/**
 * Who is calling: the owner (JWT issuer or mTLS certificate CN) and what the token lets them do.
 * mTLS grants full access, like Akash's synthesized claims.
 */
export interface Identity {
  owner: string
  method: 'jwt' | 'mtls'
  claims: Claims
}

/** Akash's `AuthorizeForProvider`: a granular token must name this provider. */
export function authorizedForProvider(claims: Claims, provider: string): boolean {
  switch (claims.leases.access) {
    case 'full':
    case 'scoped':
      return true
    case 'granular':
      return (claims.leases.permissions ?? []).some((p) => p.provider === provider)
    default:
      return false
  }
}

/** `AuthorizeDeploymentIDForPermissionScope` (manifest PUT: scope send-manifest). */
export function authorizedForDeployment(claims: Claims, owner: string, dseq: bigint, provider: string, scope?: Scope): boolean {
  return grants(claims, owner, provider, scope, (d) => BigInt(d.dseq) === dseq)
}

export interface LeaseRef {
  owner: string
  dseq: bigint
  gseq: number
  oseq: number
  provider: string
}

/** `AuthorizeLeaseIDForPermissionScope`; without a scope, `AuthorizeForLeaseID`. */
export function authorizedForLease(claims: Claims, lease: LeaseRef, scope?: Scope): boolean {
  return grants(claims, lease.owner, lease.provider, scope, (d) => BigInt(d.dseq) === lease.dseq && (!d.gseq || d.gseq === lease.gseq) && (!d.oseq || d.oseq === lease.oseq))
}

/**
 * Akash's rules for both: the token's issuer owns it; full access grants all, scoped access the
 * listed scopes, granular access what a permission naming this provider grants — for a granular
 * permission, a deployment entry that `covers` the target and lists the scope.
 */
function grants(claims: Claims, owner: string, provider: string, scope: Scope | undefined, covers: (d: PermissionDeployment) => boolean): boolean {
  if (claims.iss !== owner) return false
  const hasScope = (list: readonly Scope[] | undefined) => scope === undefined || (list ?? []).includes(scope)
  switch (claims.leases.access) {
    case 'full':
      return true
    case 'scoped':
      return hasScope(claims.leases.scope)
    case 'granular':
      for (const p of claims.leases.permissions ?? []) {
        if (p.provider !== provider) continue
        if (p.access === 'full') return true
        if (p.access === 'scoped') return hasScope(p.scope)
        if (p.access === 'granular' && (p.deployments ?? []).some((d) => covers(d) && hasScope(d.scope))) return true
      }
      return false
    default:
      return false
  }
}

/** The services a granular permission limits a lease to (undefined = all). */
export function allowedServices(claims: Claims, lease: LeaseRef): string[] | undefined {
  if (claims.leases.access !== 'granular') return undefined
  const services = new Set<string>()
  for (const p of claims.leases.permissions ?? []) {
    if (p.provider !== lease.provider) continue
    if (p.access !== 'granular') return undefined
    for (const d of p.deployments ?? []) {
      if (BigInt(d.dseq) !== lease.dseq) continue
      if (!d.services?.length) return undefined
      for (const s of d.services) services.add(s)
    }
  }
  return services.size > 0 ? [...services] : undefined
}
