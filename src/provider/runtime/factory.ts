import type {PortRange} from './ports.js'
import {detectDockerSocket} from './detect-socket.js'
import {DockerRuntime, type DockerRuntimeOptions} from './docker/docker-runtime.js'
import {ProcessRuntime, type ProcessRuntimeOptions} from './process/process-runtime.js'
import type {Runtime} from './types.js'

export type RuntimeConfig =
  | ({kind: 'docker'; socketPath?: string; portRange?: PortRange} & Omit<DockerRuntimeOptions, 'socketPath'>)
  | ({kind: 'process'} & ProcessRuntimeOptions)

/** The runtime a provider config asks for; a docker runtime without a socket finds one. */
export async function createRuntime(config: RuntimeConfig): Promise<Runtime> {
  if (config.kind === 'process') return new ProcessRuntime(config)
  const socketPath = config.socketPath ?? (await detectDockerSocket())
  return new DockerRuntime({...config, socketPath})
}
