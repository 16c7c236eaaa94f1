import type {Context, ProtoCodec, QueryRoute} from '../types.js'
import {GrpcCode, QueryError} from './query-error.js'

/**
 * A query as all three doors see it: gRPC method path → handler(request) → response, with an
 * optional grpc-gateway HTTP path. Module query routes and the system services (tx, node info)
 * are registered the same way.
 */
export interface RouterEntry {
  path: string
  http?: string
  httpMethod?: 'GET' | 'POST'
  /**
   * false for a service the node registers on its gRPC server only, outside the app's query
   * router (discovery): `abci_query` answers it as an unknown path.
   */
  abci?: false
  request: ProtoCodec
  response: ProtoCodec
  handle(request: unknown): unknown | Promise<unknown>
  /** The response's bytes, where the route builds them itself (gRPC and abci_query use them). */
  handleBytes?(request: unknown): Uint8Array
  /**
   * The gateway's JSON where proto-JSON cannot tell it (a LegacyDec kept in a `bytes` field, as
   * x/mint and x/slashing declare theirs): overrides the REST rendering of the response.
   */
  json?(response: unknown): unknown
}

interface HttpPattern {
  entry: RouterEntry
  method: 'GET' | 'POST'
  regex: RegExp
  params: string[]
  literals: number
}

export interface HttpMatch {
  entry: RouterEntry
  params: Record<string, string>
}

/** One router keyed by gRPC method path, serving gRPC, `abci_query` and the REST gateway. */
export class QueryRouter {
  private readonly entries = new Map<string, RouterEntry>()
  private patterns: HttpPattern[] = []

  add(entry: RouterEntry): void {
    if (this.entries.has(entry.path)) throw new Error(`query ${entry.path} is registered twice`)
    this.entries.set(entry.path, entry)
    if (entry.http) {
      this.patterns.push(compile(entry, entry.http, entry.httpMethod ?? 'GET'))
      // More literal segments first, so `/providers/{owner}` does not shadow a fixed sibling.
      this.patterns.sort((a, b) => b.literals - a.literals)
    }
  }

  addModuleRoute(route: QueryRoute, context: () => Context): void {
    this.add({
      path: route.path,
      http: route.http,
      request: route.request,
      response: route.response,
      handle: (request) => route.handle(context(), request),
      handleBytes: route.encoded ? (request) => route.encoded!(context(), request) : undefined,
    })
  }

  get(path: string): RouterEntry | undefined {
    return this.entries.get(path)
  }

  paths(): string[] {
    return [...this.entries.keys()]
  }

  /** Request bytes → response bytes; throws QueryError(Unimplemented) for an unknown path. */
  async queryBytes(path: string, data: Uint8Array, door: 'grpc' | 'abci' = 'grpc'): Promise<Uint8Array> {
    const entry = this.entries.get(path)
    if (!entry || (door === 'abci' && entry.abci === false)) throw new QueryError(GrpcCode.unimplemented, `unknown query path ${path}`)
    let request: unknown
    try {
      request = entry.request.decode(data)
    } catch (error) {
      throw new QueryError(GrpcCode.invalidArgument, `failed to decode ${entry.request.$type}: ${(error as Error).message}`)
    }
    if (entry.handleBytes) return entry.handleBytes(request)
    const response = await entry.handle(request)
    return entry.response.encode(response).finish()
  }

  matchHttp(method: string, pathname: string): HttpMatch | undefined {
    for (const p of this.patterns) {
      if (p.method !== method) continue
      const m = p.regex.exec(pathname)
      if (!m) continue
      const params: Record<string, string> = {}
      p.params.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])))
      return {entry: p.entry, params}
    }
    return undefined
  }
}

function compile(entry: RouterEntry, http: string, method: 'GET' | 'POST'): HttpPattern {
  const params: string[] = []
  let literals = 0
  const source = http
    .split('/')
    .map((segment) => {
      const m = /^\{([^}=]+)(=\*\*)?\}$/.exec(segment)
      if (!m) {
        if (segment) literals++
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      }
      params.push(m[1])
      return m[2] ? '(.+)' : '([^/]+)'
    })
    .join('/')
  return {entry, method, regex: new RegExp(`^${source}/?$`), params, literals}
}

/**
 * The request object a gateway GET builds: path params plus query parameters (`a.b=c`,
 * repeated keys become lists), keys in proto (snake_case) form, ready for `fromJSON`.
 */
export function requestJson(params: Record<string, string>, search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const put = (dotted: string, value: string, repeat: boolean) => {
    const parts = dotted.split('.').map(snakeCase)
    let node = out
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {}
      node = node[part] as Record<string, unknown>
    }
    const leaf = parts[parts.length - 1]
    const v: unknown = value === 'true' ? true : value === 'false' ? false : value
    if (repeat && leaf in node) node[leaf] = Array.isArray(node[leaf]) ? [...(node[leaf] as unknown[]), v] : [node[leaf], v]
    else node[leaf] = v
  }
  for (const [key, value] of search) put(key, value, true)
  for (const [key, value] of Object.entries(params)) put(key, value, false)
  return out
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}
