import type {RuntimeKindName} from '../../provider/config/provider-config.js'

/** What a runtime means for a person starting edge dev: said up front, since host processes are not isolated. */
export function runtimeDescription(kind: RuntimeKindName): string {
  return kind === 'process'
    ? 'host processes (no container engine answered): images are ignored and workloads run on this machine without isolation'
    : 'containers through the Docker or Podman API'
}
