import type {ProviderInfo} from '../../market/market.js'
import {ProviderClient, type TokenSource} from '../../provider-client/client.js'
import {type JwtKey, type JwtScope, leaseToken} from '../../provider-client/jwt.js'
import type {CertificateSource} from '../../provider-client/trust.js'
import type {TenantContext} from './context.js'

// Its own module so that commands which never talk to a provider (deploy until its lease exists)
// do not load the provider client, its websockets and its TLS code at start-up.

export interface LeaseClientOptions {
  provider: ProviderInfo
  dseq: bigint
  /** The tenant's key, which signs the provider JWTs. */
  key: JwtKey
  /** Where the provider's certificate is looked up (the Market). */
  certificates: CertificateSource
  /** The services the tokens are scoped to; without them the token covers the whole lease. */
  services?: readonly string[]
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** The JWTs for one of the tenant's deployments on one provider. */
export function leaseTokens(o: Omit<LeaseClientOptions, 'certificates' | 'sleep'>): TokenSource {
  return (scope: JwtScope[]) =>
    leaseToken({key: o.key, provider: o.provider.owner, dseq: o.dseq, scope, ...(o.services?.length ? {services: [...o.services]} : {}), ...(o.now ? {now: o.now} : {})})
}

/** The one way the tenant's code builds a provider client for a lease. */
export function leaseClient(o: LeaseClientOptions): ProviderClient {
  return new ProviderClient({
    provider: o.provider.owner,
    hostUri: o.provider.hostUri,
    certificates: o.certificates,
    token: leaseTokens(o),
    ...(o.sleep ? {sleep: o.sleep} : {}),
  })
}

/** A provider client for one of the tenant's deployments, with tokens scoped to it. */
export function providerClient(ctx: TenantContext, provider: ProviderInfo, dseq: bigint, services?: string[]): ProviderClient {
  const key = ctx.key
  if (!key) throw new Error('providerClient needs a context opened with sign: true')
  return leaseClient({provider, dseq, key, certificates: ctx.market, ...(services ? {services} : {})})
}
