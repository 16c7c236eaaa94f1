import {UsageError} from '../../errors.js'
import type {NodeState} from './files.js'

/** A local provider started by `edge dev start --providers N`. */
export interface LocalProvider {
  name: string
  address: string
  hostUri: string
  region: string
}

/**
 * What `edge provide` must export (from `src/services/provide/local.ts`) for
 * `edge dev start --providers N` to start providers: N providers with distinct `region`
 * attributes, registered and bidding on the running edge dev chain, funded through its faucet
 * (`edge_fund` on `node.endpoints.rpc`).
 */
export interface LocalProvidersModule {
  startLocalProviders(count: number, context: {node: NodeState; env: NodeJS.ProcessEnv; regions: string[]}): Promise<LocalProvider[]>
}

/** Regions given to local providers in order, so that region filters have something to choose from. */
export const LOCAL_REGIONS = ['us-west', 'eu-central', 'ap-southeast', 'us-east', 'eu-west', 'sa-east']

/**
 * The hook into `edge provide` (built by another engineer): loaded by path so that `edge dev`
 * works before it exists, and fails with a clear message when providers are asked for too early.
 */
export async function startLocalProviders(count: number, context: {node: NodeState; env: NodeJS.ProcessEnv}): Promise<LocalProvider[]> {
  const specifier = '../provide/local.js'
  let mod: Partial<LocalProvidersModule>
  try {
    mod = (await import(specifier)) as Partial<LocalProvidersModule>
  } catch (error) {
    const code = (error as {code?: string}).code
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error
    mod = {}
  }
  if (typeof mod.startLocalProviders !== 'function') {
    throw new UsageError('`edge dev start --providers` needs `edge provide`, which this build does not include yet.', {
      code: 'providers_unavailable',
      hint: 'Start without --providers; the chain is running.',
    })
  }
  const regions = Array.from({length: count}, (_, i) => LOCAL_REGIONS[i % LOCAL_REGIONS.length] + (i >= LOCAL_REGIONS.length ? `-${Math.floor(i / LOCAL_REGIONS.length) + 1}` : ''))
  return mod.startLocalProviders(count, {...context, regions})
}
