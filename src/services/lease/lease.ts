/** Finding a deployment's leases and their providers, with errors that say what to do. */
import {UsageError} from '../../errors.js'
import {type Deployment, isLeaseLive, type Lease, type ProviderInfo} from '../../market/market.js'
import type {ProviderClient} from '../../provider-client/client.js'
import type {LeaseRef} from '../../provider-client/types.js'
import type {TenantContext} from './context.js'
import {providerClient} from './provider-client.js'

export interface LeaseHandle {
  lease: Lease
  provider: ProviderInfo
  ref: LeaseRef
  client: ProviderClient
  /** Service names, when the ledger knows them (they narrow the provider token). */
  services: string[]
}

export async function requireDeployment(ctx: TenantContext, dseq: bigint): Promise<Deployment> {
  const deployment = await ctx.market.deployment({owner: ctx.owner, dseq})
  if (!deployment) {
    throw new UsageError(`Deployment ${dseq} of ${ctx.owner} does not exist on ${ctx.network.name}.`, {
      code: 'deployment_not_found',
      hint: 'List your deployments with `edge ls`.',
      details: {dseq, owner: ctx.owner, network: ctx.network.name},
    })
  }
  return deployment
}

/** The deployment's running leases (active, or reclaiming until closed) with a provider client each. */
export async function activeLeases(ctx: TenantContext, dseq: bigint): Promise<LeaseHandle[]> {
  const deployment = await requireDeployment(ctx, dseq)
  const leases = (await ctx.market.leases({owner: ctx.owner, dseq})).filter(isLeaseLive)
  if (leases.length === 0) {
    throw new UsageError(
      deployment.state === 'closed' ? `Deployment ${dseq} is closed.` : `Deployment ${dseq} has no active lease yet.`,
      {
        code: 'no_active_lease',
        hint: deployment.state === 'closed' ? 'Deploy again with `edge deploy`.' : `See its bids with \`edge bids ${dseq}\`.`,
      },
    )
  }
  const services = ctx.ledger.get(ctx.network.name, ctx.owner, dseq)?.services ?? []
  const providers = await Promise.all(leases.map((lease) => ctx.market.provider(lease.id.provider)))
  return leases.map((lease, i) => {
    const provider = providers[i]
    if (!provider) throw new UsageError(`The provider ${lease.id.provider} of deployment ${dseq} has no record on chain.`, {code: 'provider_unknown'})
    return {
      lease,
      provider,
      ref: {owner: lease.id.owner, provider: lease.id.provider, dseq, gseq: lease.id.gseq, oseq: lease.id.oseq},
      client: providerClient(ctx, provider, dseq, services),
      services,
    }
  })
}

/** Merges async iterables, yielding items as they arrive. */
export async function* merge<T>(sources: Array<AsyncIterable<T>>): AsyncGenerator<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]())
  const pending = new Map<number, Promise<{i: number; r: IteratorResult<T>}>>()
  const pull = (i: number) => pending.set(i, iterators[i].next().then((r) => ({i, r})))
  iterators.forEach((_, i) => pull(i))
  try {
    while (pending.size > 0) {
      const {i, r} = await Promise.race(pending.values())
      if (r.done) {
        pending.delete(i)
        continue
      }
      pull(i)
      yield r.value
    }
  } finally {
    await Promise.all(iterators.map(async (it) => it.return?.().catch(() => undefined)))
  }
}
