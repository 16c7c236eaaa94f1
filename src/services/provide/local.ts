import {existsSync, mkdirSync, readFileSync, statSync} from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {providerDir} from '../../config/paths.js'
import {ProviderError} from '../../errors.js'
import {spawnDetached, withoutSecrets} from '../../lib/daemon.js'
import {sleep} from '../../lib/sleep.js'
import {type RuntimeKindName, configPath, hostUriPort, listenAddress, loadProviderConfig} from '../../provider/config/provider-config.js'
import {displayHost} from '../../provider/listen.js'
import {openSession} from '../session.js'
import {initProvider} from './init.js'
import {DEV_NODE_PID_ENV, PROVIDER_LOG_ENV} from './start.js'
import {PID_FILE, livePid, processAlive} from './pid-file.js'

/** What `edge dev start --providers N` gets back, and prints. */
export interface LocalProvider {
  name: string
  address: string
  hostUri: string
  region: string
  /** Where its ingress serves leases (http://127.0.0.1:port). */
  ingressUrl?: string
  /** How it runs workloads: containers (docker: Docker or Podman's API) or host processes. */
  runtime: RuntimeKindName
  pid?: number
  logFile?: string
}


export interface LocalProvidersContext {
  /** The running edge dev node (its state file); only its presence matters here. */
  node?: unknown
  env: NodeJS.ProcessEnv
  /** One region per provider, in order. */
  regions: string[]
  /** docker or process; default docker when a Docker/Podman socket answers, else process. */
  runtime?: RuntimeKindName
  /** Seconds to wait for each provider to serve its gateway. */
  readyTimeoutS?: number
}

export const LOCAL_PREFIX = 'local-'
const LOG_FILE = 'provider.log'

/**
 * Starts `count` providers for `edge dev`, each its own background process
 * (`edge provide start --name local-<n> --output jsonl`, log in `<data>/provider/local-<n>/provider.log`):
 * each gets its own key (funded by the dev faucet), free gateway and ingress ports on 127.0.0.1,
 * the region `regions[i]`, and is registered on chain before this resolves. Idempotent: a provider
 * already running is reported, not started twice.
 */
export async function startLocalProviders(count: number, context: LocalProvidersContext): Promise<LocalProvider[]> {
  // Local providers sign with their own dev keys: a tenant's EDGE_MNEMONIC must neither register
  // them nor reach their processes.
  const env = withoutSecrets(context.env)
  const session = await openSession('local', env)
  const host = (context.node as {host?: string} | undefined)?.host ?? '127.0.0.1'
  const out: LocalProvider[] = []
  for (let i = 0; i < count; i++) {
    const name = `${LOCAL_PREFIX}${i + 1}`
    const region = context.regions[i] ?? `local-${i + 1}`
    const dir = providerDir(name, env)
    const running = livePid(join(dir, PID_FILE))
    // The ports of an earlier start when they are still free: a lease's URI names the ingress port,
    // so a provider that comes back on the same ports keeps every URI it gave out.
    const before = existsSync(configPath(name, env)) ? await loadProviderConfig(name, env).catch(() => undefined) : undefined
    const gatewayPort = running ? 0 : await reusePort(host, before ? hostUriPort(before.hostUri) : undefined)
    const ingressPort = running ? 0 : await reusePort(host, listenAddress(before?.ingress.listen ?? '')?.port)
    // Its own free port: the gateway's port + 1 (the default) may belong to another process.
    const grpcPort = running ? 0 : await reusePort(host, listenAddress(before?.gateway.grpcListen ?? '')?.port)
    const init = await initProvider(session, {
      name,
      ...(running ? {} : localListen(host, {gateway: gatewayPort, ingress: ingressPort, grpc: grpcPort})),
      region,
      attributes: [`organization=edge-dev`],
      ...(context.runtime ? {runtime: context.runtime} : {}),
      register: true,
      interactive: false,
      env,
    })
    if (running) {
      const listen = listenAddress(before?.ingress.listen ?? '')
      out.push({name, address: init.address, hostUri: init.hostUri, region, ...(listen ? {ingressUrl: `http://${displayHost(listen.host)}:${listen.port}`} : {}), runtime: init.runtime, pid: running, logFile: join(dir, LOG_FILE)})
      continue
    }
    const nodePid = (context.node as {pid?: number} | undefined)?.pid
    const pid = spawnProvider(name, dir, env, nodePid)
    await waitForGateway(init.hostUri, init.address, pid, join(dir, LOG_FILE), (context.readyTimeoutS ?? 60) * 1000)
    out.push({name, address: init.address, hostUri: init.hostUri, region, ingressUrl: `http://${displayHost(host)}:${ingressPort}`, runtime: init.runtime, pid, logFile: join(dir, LOG_FILE)})
  }
  return out
}

/**
 * Where a local provider listens: on the dev chain's own host (`edge dev start --host`, 127.0.0.1 by default), so
 * a loopback-only edge dev exposes no provider port to the network (D36). The host URI names an address that
 * reaches it (127.0.0.1 for 0.0.0.0).
 */
export function localListen(host: string, ports: {gateway: number; ingress: number; grpc: number}): {hostUri: string; gatewayListen: string; ingressListen: string; grpcListen: string} {
  const bind = host.includes(':') ? `[${host}]` : host
  return {
    hostUri: `https://${displayHost(host)}:${ports.gateway}`,
    gatewayListen: `${bind}:${ports.gateway}`,
    ingressListen: `${bind}:${ports.ingress}`,
    grpcListen: `${bind}:${ports.grpc}`,
  }
}

function spawnProvider(name: string, dir: string, env: NodeJS.ProcessEnv, nodePid?: number): number {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const fromSource = import.meta.url.endsWith('.ts')
  const bin = fileURLToPath(new URL(`../../../bin/${fromSource ? 'dev.js' : 'run.js'}`, import.meta.url))
  // A local provider lives as long as its edge dev node: `edge dev stop` ends it too.
  const childEnv = {...env, [PROVIDER_LOG_ENV]: join(dir, LOG_FILE), ...(nodePid ? {[DEV_NODE_PID_ENV]: String(nodePid)} : {})}
  try {
    const args = [bin, 'provide', 'start', '--name', name, '--network', 'local', '--output', 'jsonl']
    return spawnDetached(process.execPath, args, {logFile: join(dir, LOG_FILE), env: childEnv}).pid
  } catch {
    throw new ProviderError(`Could not start local provider ${name}.`)
  }
}

async function waitForGateway(hostUri: string, address: string, pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const start = existsSync(logFile) ? statSync(logFile).size : 0
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!processAlive(pid)) {
      const tail = readFileSync(logFile, 'utf8').slice(start).trim().split('\n').slice(-5).join('\n')
      throw new ProviderError(`Local provider at ${hostUri} stopped while starting.`, {hint: tail ? `Its log ends with:\n${tail}` : `See ${logFile}.`})
    }
    if ((await addressAt(hostUri)) === address) return
    await sleep(250)
  }
  throw new ProviderError(`Local provider at ${hostUri} did not answer within ${Math.round(timeoutMs / 1000)} s.`, {hint: `See ${logFile}.`})
}

function addressAt(hostUri: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = https.get(new URL('/address', hostUri), {rejectUnauthorized: false, timeout: 1000}, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => {
        try {
          resolve(JSON.parse(body).address)
        } catch {
          resolve(undefined)
        }
      })
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
  })
}

/** `port` when it is set and free on `host`, else any free port there. */
async function reusePort(host: string, port: number | undefined): Promise<number> {
  if (port && port > 0 && (await portFree(host, port))) return port
  return freePort(host)
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({host, port, exclusive: true}, () => server.close(() => resolve(true)))
  })
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })
}
