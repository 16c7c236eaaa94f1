/**
 * Where the provider's servers listen: the gRPC status service (with its fallback port), and the
 * errors and display names of listen addresses.
 */
import {UsageError} from '../errors.js'
import type {EventHub} from './events.js'
import type {AttestationRpc} from './grpc/attestation-rpc.js'
import type {providerStatusProto} from './grpc/status-proto.js'
import {StatusServer, type StatusServerOptions} from './grpc/status-server.js'

/**
 * The gRPC status service. A port the operator chose (`gateway.grpcListen`, `grpcPort`) must be
 * served, like the gateway's; the derived one (the gateway's port + 1, Akash's 8443/8444 pairing)
 * falls back to any free port with a warning when another process holds it, since clients that know
 * only the convention cannot reach it either way and the provider's own work does not depend on it.
 */
export async function serveStatusGrpc(o: {
  tls: {certPem: string; keyPem: string}
  host: string
  /** The operator's choice, if any. */
  port?: number
  /** The gateway's requested port (0 = any). */
  gatewayPort: number
  status: () => ReturnType<typeof providerStatusProto>
  attestationQuote?: AttestationRpc
  bidScreening: StatusServerOptions['bidScreening']
  hub: EventHub
}): Promise<{server: StatusServer; bound: {host: string; port: number}}> {
  const {host, hub} = o
  const base = {tls: o.tls, host, status: o.status, bidScreening: o.bidScreening, ...(o.attestationQuote ? {attestationQuote: o.attestationQuote} : {})}
  const port = o.port ?? (o.gatewayPort > 0 && o.gatewayPort < 65535 ? o.gatewayPort + 1 : 0)
  const server = new StatusServer({...base, port})
  try {
    return {server, bound: await server.listen()}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (o.port !== undefined || port === 0 || (code !== 'EADDRINUSE' && code !== 'EACCES')) {
      throw listenFailure(error, 'gRPC status service', `${host}:${port}`, 'gateway.grpcListen')
    }
  }
  const fallback = new StatusServer({...base, port: 0})
  const bound = await fallback.listen()
  hub.emit({
    type: 'warning',
    message: `the gRPC status service cannot listen on ${host}:${port} (the gateway's port + 1, where Akash clients look for it); it serves on port ${bound.port} instead — set gateway.grpcListen in the provider config to choose`,
  })
  return {server: fallback, bound}
}

/** A port that is taken or privileged is a setting to change, not a crash: say which and how. */
export function listenFailure(error: unknown, what: 'gateway' | 'ingress' | 'gRPC status service', address: string, setting: string): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE') {
    return new UsageError(`The ${what} cannot listen on ${address}: another process uses that port.`, {
      code: 'port_in_use',
      hint: `Stop that process, or choose another port with ${setting} in the provider config.`,
      cause: error,
    })
  }
  if (code === 'EACCES') {
    return new UsageError(`The ${what} may not listen on ${address}: ports below 1024 need privileges.`, {
      code: 'port_not_permitted',
      hint: `Choose a port above 1023 with ${setting} (and forward the public port to it), or let node bind low ports: sudo setcap cap_net_bind_service=+ep "$(command -v node)".`,
      cause: error,
    })
  }
  if (code === 'EADDRNOTAVAIL') {
    return new UsageError(`The ${what} cannot listen on ${address}: no interface of this machine has that address.`, {
      code: 'address_not_available',
      hint: `Set ${setting} to an address of this machine, or 0.0.0.0 for all.`,
      cause: error,
    })
  }
  return error
}

export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}
