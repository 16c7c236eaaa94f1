import {type IncomingMessage, type Server, type ServerResponse, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'

import type {DevApp} from '../app.js'
import {coerceRequestJson, toProtoJson} from '../core/proto-json.js'
import {GrpcCode, QueryError, queryFailure} from '../core/query-error.js'
import {requestJson} from '../core/query-router.js'
import {BodyTooLargeError, readBody} from './http-body.js'
import {type RestJsonRoute, matchRestJsonRoute} from './single-validator/index.js'

export interface RestServerOptions {
  app: DevApp
  host: string
  port: number
  /** Routes answered with plain JSON (modules whose types chain-sdk does not ship). */
  jsonRoutes?: readonly RestJsonRoute[]
  log?: (line: string) => void
}

/** grpc-gateway's HTTP status for a gRPC code. */
function httpStatus(code: number): number {
  switch (code) {
    case GrpcCode.ok:
      return 200
    case GrpcCode.invalidArgument:
    case GrpcCode.failedPrecondition:
      return 400
    case GrpcCode.notFound:
      return 404
    case GrpcCode.alreadyExists:
      return 409
    case GrpcCode.permissionDenied:
      return 403
    case GrpcCode.unauthenticated:
      return 401
    case GrpcCode.unimplemented:
      return 501
    case GrpcCode.unavailable:
      return 503
    default:
      return 500
  }
}

/**
 * The REST gateway (as the Cosmos SDK's grpc-gateway serves it on :1317): each query route's
 * HTTP path, request fields from path params and query string, responses in the SDK's proto-JSON.
 */
export class RestServer {
  private server: Server | undefined

  constructor(private readonly options: RestServerOptions) {}

  async listen(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => resolve())
    })
    this.server = server
    return (server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'access-control-allow-origin': '*',
        'grpc-metadata-x-cosmos-block-height': String(this.options.app.height()),
      })
      res.end(text)
    }
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': '*',
        })
        res.end()
        return
      }
      const url = new URL(req.url ?? '/', 'http://localhost')
      const method = req.method === 'POST' ? 'POST' : 'GET'
      const match = this.options.app.queries.matchHttp(method, url.pathname)
      if (!match) {
        const json = method === 'GET' ? matchRestJsonRoute(this.options.jsonRoutes ?? [], url.pathname) : undefined
        if (json) send(200, json.route.handle(json.params))
        else send(501, {code: GrpcCode.unimplemented, message: 'Not Implemented', details: []})
        return
      }
      const {entry, params} = match
      let json: Record<string, unknown>
      if (method === 'POST') {
        let body: string
        try {
          body = await readBody(req)
        } catch (error) {
          if (error instanceof BodyTooLargeError) throw new QueryError(GrpcCode.invalidArgument, error.message)
          throw error
        }
        try {
          json = body ? (JSON.parse(body) as Record<string, unknown>) : {}
        } catch (error) {
          throw new QueryError(GrpcCode.invalidArgument, (error as Error).message)
        }
        Object.assign(json, requestJson(params, new URLSearchParams()))
      } else json = requestJson(params, url.searchParams)
      let request: unknown
      try {
        request = entry.request.fromJSON(coerceRequestJson(entry.request, json))
      } catch (error) {
        throw new QueryError(GrpcCode.invalidArgument, (error as Error).message)
      }
      const response = await entry.handle(request)
      send(200, entry.json ? entry.json(response) : toProtoJson(entry.response, response))
    } catch (error) {
      const f = queryFailure(error)
      if (f.grpcCode === GrpcCode.internal) this.options.log?.(`rest ${req.url} failed: ${(error as Error).stack ?? error}`)
      send(httpStatus(f.grpcCode), {code: f.grpcCode, message: f.message, details: []})
    }
  }
}
