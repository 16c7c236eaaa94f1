import * as grpc from '@grpc/grpc-js'

import type {DevApp} from '../app.js'
import {queryFailure} from '../core/query-error.js'

export interface GrpcServerOptions {
  app: DevApp
  host: string
  port: number
  log?: (line: string) => void
}

const identity = (b: Buffer): Buffer => b

/**
 * gRPC (HTTP/2, plaintext) over the one query router: every registered method path becomes a
 * unary method whose handler takes and returns raw protobuf bytes. chain-sdk's
 * `createChainNodeSDK` and Go clients talk to it unchanged.
 */
export class GrpcServer {
  private server: grpc.Server | undefined

  constructor(private readonly options: GrpcServerOptions) {}

  async listen(): Promise<number> {
    const server = new grpc.Server({'grpc.max_receive_message_length': 20 * 1024 * 1024})
    const services = new Map<string, Record<string, grpc.MethodDefinition<Buffer, Buffer>>>()
    const handlers = new Map<string, grpc.UntypedServiceImplementation>()
    for (const path of this.options.app.queries.paths()) {
      const m = /^\/([^/]+)\/([^/]+)$/.exec(path)
      if (!m) continue
      const [, service, method] = m
      let def = services.get(service)
      if (!def) {
        def = {}
        services.set(service, def)
        handlers.set(service, {})
      }
      def[method] = {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      }
      handlers.get(service)![method] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const app = this.options.app
        const md = new grpc.Metadata()
        md.set('x-cosmos-block-height', String(app.height()))
        call.sendMetadata(md)
        app.queries.queryBytes(path, call.request).then(
          (bytes) => callback(null, Buffer.from(bytes)),
          (error) => {
            const f = queryFailure(error)
            if (f.grpcCode === grpc.status.INTERNAL) this.options.log?.(`grpc ${path} failed: ${(error as Error).stack ?? error}`)
            callback({code: f.grpcCode, details: f.message})
          },
        )
      }
    }
    for (const [service, def] of services) server.addService(def as grpc.ServiceDefinition, handlers.get(service)!)
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${this.options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    )
    this.server = server
    return port
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown()
        resolve()
      }, 2000)
      server.tryShutdown(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}
