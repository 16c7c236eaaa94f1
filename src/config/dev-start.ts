import {BUILT_IN_NETWORKS, type NetworkContext} from './networks.js'

/**
 * The `edge dev start` command line that brings back the chain a dev network points at: the ports
 * (and host) of its last start when they are not the defaults. A bare `edge dev start` would start
 * on the default ports and point `local` there, away from what the user had (and onto another chain
 * that may run there).
 */
export function devStartCommand(network: Pick<NetworkContext, 'rpc' | 'grpc' | 'rest'>): string {
  const defaults = BUILT_IN_NETWORKS.local
  const flags: string[] = []
  const rpc = endpoint(network.rpc)
  if (rpc && !isLoopback(rpc.hostname)) flags.push('--host', rpc.hostname.replace(/^\[|\]$/g, ''))
  for (const [flag, url, fallback] of [
    ['--rpc-port', network.rpc, defaults.rpc],
    ['--grpc-port', network.grpc, defaults.grpc],
    ['--rest-port', network.rest, defaults.rest],
  ] as const) {
    const port = endpoint(url)?.port
    if (port && port !== endpoint(fallback)?.port) flags.push(flag, port)
  }
  return ['edge dev start', ...flags].join(' ')
}

function endpoint(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost'
}
