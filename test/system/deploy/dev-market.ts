/**
 * The whole local market through the real binary: `edge dev start --providers N` (the chain and
 * `edge provide` nodes) in a temp home on free ports, and helpers to drive `edge` against it.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'

import {type PodmanSocket, startPodman} from '../../helpers/podman.js'
import {type EdgeHome, type EdgeResult, makeEdgeHome, runEdge} from '../../helpers/run-edge.js'
import {ensureTestImage} from '../../helpers/test-image.js'
import {freePort} from '../../helpers/ports.js'


export interface DevMarket {
  home: EdgeHome
  podman: PodmanSocket
  edge(args: string[], options?: {timeout?: number; env?: Record<string, string>}): Promise<EdgeResult>
  stop(): Promise<void>
}

/** `edge dev start --providers N` whose providers run containers through Podman (test/helpers/podman.ts). */
export async function startDevMarket(providers = 2, blockTime = '1s'): Promise<DevMarket> {
  const podman = await startPodman()
  await ensureTestImage(podman.socketPath)
  const home = makeEdgeHome('edge-deploy-sys-')
  home.env.EDGE_DOCKER_SOCKET = podman.socketPath
  const ports = [await freePort(), await freePort(), await freePort()]
  const edge = (args: string[], options: {timeout?: number; env?: Record<string, string>} = {}) =>
    runEdge(args, {home, timeout: options.timeout ?? 180_000, ...(options.env ? {env: options.env} : {})})
  let started
  try {
    started = await edge(
      ['dev', 'start', '--json', '--providers', String(providers), '--block-time', blockTime, '--rpc-port', String(ports[0]), '--grpc-port', String(ports[1]), '--rest-port', String(ports[2])],
      {timeout: 240_000},
    )
  } catch (error) {
    // A result that breaks its schema (run-edge.ts) still started the chain and providers.
    await stopAll(home, edge, podman)
    throw error
  }
  if (started.exitCode !== 0) {
    await stopAll(home, edge, podman)
    throw new Error(`edge dev start failed (${started.exitCode}): ${started.stdout}\n${started.stderr}`)
  }
  return {home, podman, edge, stop: () => stopAll(home, edge, podman)}
}

async function stopAll(home: EdgeHome, edge: DevMarket['edge'], podman: PodmanSocket | undefined): Promise<void> {
  // Closing every deployment first lets the providers tear their workloads down; a provider
  // stopped with leases still running keeps them (it is restart-safe by design).
  await edge(['close', '--all', '--yes'], {timeout: 60_000}).catch(() => undefined)
  await new Promise((r) => setTimeout(r, 2000))
  await edge(['dev', 'stop'], {timeout: 60_000}).catch(() => undefined)
  // Local providers are separate processes started for this home; end each by its pid file.
  const dir = join(home.env.EDGE_DATA_DIR, 'provider')
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    names = []
  }
  for (const name of names) {
    try {
      const pid = Number(readFileSync(join(dir, name, 'provider.pid'), 'utf8').trim())
      if (pid > 0) process.kill(pid, 'SIGTERM')
    } catch {
      // not running
    }
  }
  await new Promise((r) => setTimeout(r, 500))
  await podman?.stop()
  home.cleanup()
}

/**
 * GET a URI a deployment reported. `*.localhost` names are answered on 127.0.0.1 (RFC 6761), which
 * Node's resolver does not do by itself, so the request goes there with the name as Host.
 */
export function httpGet(uri: string, timeoutMs = 5000): Promise<{status: number; body: string}> {
  const url = new URL(/^[a-z]+:\/\//.test(uri) ? uri : `http://${uri}`)
  const local = url.hostname === 'localhost' || url.hostname.endsWith('.localhost')
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: local ? '127.0.0.1' : url.hostname,
        port: url.port || 80,
        path: url.pathname + url.search,
        headers: {host: url.host},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

/** Retries a GET until it answers 200 (a container may need a moment after "ready"). */
export async function waitForHttp(uri: string, deadlineMs = 30_000): Promise<{status: number; body: string}> {
  const end = Date.now() + deadlineMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const r = await httpGet(uri)
      if (r.status === 200) return r
      last = new Error(`status ${r.status}`)
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw last
}

export interface HostDevMarket {
  home: EdgeHome
  /** The environment every `edge` of this market runs with: no engine, no busybox on PATH. */
  env: Record<string, string>
  edge(args: string[], options?: {timeout?: number; env?: Record<string, string>}): Promise<EdgeResult>
  stop(): Promise<void>
}

/**
 * `edge dev start --providers N` as on a machine without a container engine: no engine socket is
 * named, and the PATH (test/helpers/no-engine-path.ts) holds neither busybox nor any engine, so
 * the local providers run workloads as host processes.
 */
export async function startHostDevMarket(providers: number, path: string, blockTime = '1s'): Promise<{market: HostDevMarket; started: EdgeResult}> {
  const home = makeEdgeHome('edge-host-sys-')
  const env = {PATH: path, EDGE_DOCKER_SOCKET: '', DOCKER_HOST: '', XDG_RUNTIME_DIR: join(home.root, 'run')}
  const edge = (args: string[], options: {timeout?: number; env?: Record<string, string>} = {}) =>
    runEdge(args, {home, timeout: options.timeout ?? 180_000, env: {...env, ...options.env}})
  const ports = [await freePort(), await freePort(), await freePort()]
  const market: HostDevMarket = {home, env, edge, stop: () => stopAll(home, edge, undefined)}
  let started
  try {
    started = await edge(
      ['dev', 'start', '--json', '--providers', String(providers), '--block-time', blockTime, '--rpc-port', String(ports[0]), '--grpc-port', String(ports[1]), '--rest-port', String(ports[2])],
      {timeout: 240_000},
    )
  } catch (error) {
    // A result that breaks its schema (run-edge.ts) still started the chain and providers.
    await market.stop()
    throw error
  }
  if (started.exitCode !== 0) {
    await market.stop()
    throw new Error(`edge dev start failed (${started.exitCode}): ${started.stdout}\n${started.stderr}`)
  }
  return {market, started}
}
