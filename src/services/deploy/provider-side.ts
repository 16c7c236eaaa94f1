/**
 * The run's provider clients. The provider-side code (TLS, JWTs, websockets) loads lazily, while
 * the chain includes the deployment, so a dry run or a refused order never pays for it.
 */
import {ProviderError} from '../../errors.js'
import type {ProviderClient} from '../../provider-client/client.js'
import type {ProviderDirectory} from './directory.js'
import type {DeployDeps} from './types.js'

type Modules = [typeof import('../lease/provider-client.js'), typeof import('../../provider-client/probe.js')]

/** The run's provider clients, one per provider, built by the one lease-client factory. */
export class ProviderSide {
  private modules?: Promise<Modules>
  private readonly clients = new Map<string, ProviderClient>()

  constructor(private readonly o: {ctx: DeployDeps; directory: ProviderDirectory; services: string[]; dseq: () => bigint}) {}

  /** Starts loading the provider-side code without waiting for it. */
  preload(): void {
    void this.load().catch(() => undefined)
  }

  async probe(): Promise<Modules[1]> {
    return (await this.load())[1]
  }

  async client(provider: string): Promise<ProviderClient> {
    const [{leaseClient, leaseTokens}] = await this.load()
    let client = this.clients.get(provider)
    if (client) return client
    const info = this.o.directory.get(provider)
    if (!info) throw new ProviderError(`Provider ${provider} has no record on chain.`, {code: 'provider_unknown'})
    const {ctx, services} = this.o
    const lease = {provider: info, dseq: this.o.dseq(), key: ctx.key, services, ...(ctx.now ? {now: ctx.now} : {})}
    client = ctx.clientFor ? ctx.clientFor(info, leaseTokens(lease)) : leaseClient({...lease, certificates: ctx.market, ...(ctx.sleep ? {sleep: ctx.sleep} : {})})
    this.clients.set(provider, client)
    return client
  }

  private load(): Promise<Modules> {
    this.modules ??= Promise.all([import('../lease/provider-client.js'), import('../../provider-client/probe.js')])
    return this.modules
  }
}
