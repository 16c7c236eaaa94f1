import type {ProviderInfo} from '../../market/market.js'
import {ProviderClient} from '../../provider-client/client.js'
import {type JwtScope, leaseToken} from '../../provider-client/jwt.js'
import type {TenantContext} from './context.js'

// Its own module so that commands which never talk to a provider (deploy until its lease exists)
// do not load the provider client, its websockets and its TLS code at start-up.
/** A provider client for one of the tenant's deployments, with tokens scoped to it. */
export function providerClient(ctx: TenantContext, provider: ProviderInfo, dseq: bigint, services?: string[]): ProviderClient {
  const key = ctx.key
  if (!key) throw new Error('providerClient needs a context opened with sign: true')
  return new ProviderClient({
    provider: provider.owner,
    hostUri: provider.hostUri,
    certificates: ctx.market,
    token: (scope: JwtScope[]) => leaseToken({key, provider: provider.owner, dseq, scope, ...(services?.length ? {services} : {})}),
  })
}
