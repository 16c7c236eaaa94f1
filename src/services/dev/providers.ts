import type {LocalProvider} from '../provide/local.js'
import type {NodeState} from './files.js'

export type {LocalProvider}

/** Regions given to local providers in order, so that region filters have something to choose from. */
export const LOCAL_REGIONS = ['us-west', 'eu-central', 'ap-southeast', 'us-east', 'eu-west', 'sa-east']

/**
 * `edge dev start --providers N`: N `edge provide` processes with distinct regions. The provider
 * code is imported only when providers are asked for, so a bare `edge dev start` does not load it.
 */
export async function startLocalProviders(count: number, context: {node: NodeState; env: NodeJS.ProcessEnv}): Promise<LocalProvider[]> {
  const {startLocalProviders: start} = await import('../provide/local.js')
  const regions = Array.from({length: count}, (_, i) => LOCAL_REGIONS[i % LOCAL_REGIONS.length] + (i >= LOCAL_REGIONS.length ? `-${Math.floor(i / LOCAL_REGIONS.length) + 1}` : ''))
  return start(count, {...context, regions})
}
