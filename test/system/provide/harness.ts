/**
 * A real `edge dev` (background, the real binary), a real Podman socket, and `edge provide start`
 * run as the real binary, with its JSONL events collected. Used by the provide system tests.
 */
import http from 'node:http'
import {join} from 'node:path'

import type {ResultPromise} from 'execa'

import {Keystore} from '../../../src/config/keystore.js'
import {type PodmanSocket, startPodman} from '../../helpers/podman.js'
import {type EdgeHome, makeEdgeHome, runEdge, spawnEdge} from '../../helpers/run-edge.js'
import {ensureTestImage} from '../../helpers/test-image.js'
import {freePort} from '../../helpers/ports.js'

export {freePort} from '../../helpers/ports.js'

export interface ProviderProcess {
  child: ResultPromise
  events: Array<Record<string, any>>
  /** Resolves with the first event of `type` that `match` accepts (also one already seen). */
  waitFor(type: string, match?: (e: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>
}

export interface Harness {
  home: EdgeHome
  podman: PodmanSocket
  endpoints: {rpc: string; grpc: string; rest: string}
  devMnemonic: string
  providerAddress: string
  hostUri: string
  ingressPort: number
  provider?: ProviderProcess
  startProvider(): Promise<ProviderProcess>
  stop(): Promise<void>
}

export async function startHarness(options: {blockTime?: string; prefix?: string} = {}): Promise<Harness> {
  const home = makeEdgeHome(options.prefix ?? 'edge-provide-')
  const ports = [await freePort(), await freePort(), await freePort()]
  const dev = await runEdge(['dev', 'start', '--json', '--block-time', options.blockTime ?? '500ms', '--rpc-port', String(ports[0]), '--grpc-port', String(ports[1]), '--rest-port', String(ports[2])], {home})
  if (dev.exitCode !== 0) throw new Error(`edge dev start failed: ${dev.stderr}`)
  const endpoints = dev.json.result.endpoints as Harness['endpoints']
  const devMnemonic = await new Keystore(join(home.env.EDGE_DATA_DIR, 'keys')).unlock('dev', '')
  const podman = await startPodman()
  await ensureTestImage(podman.socketPath)
  const gatewayPort = await freePort()
  const ingressPort = await freePort()
  const init = await runEdge(
    [
      'provide', 'init', '--json', '--region', 'us-west', '--runtime', 'docker', '--socket', podman.socketPath,
      '--host-uri', `https://127.0.0.1:${gatewayPort}`, '--ingress-listen', `127.0.0.1:${ingressPort}`, '--cpu', '4', '--memory', '8Gi',
    ],
    {home},
  )
  if (init.exitCode !== 0) throw new Error(`edge provide init failed: ${init.stdout}\n${init.stderr}`)

  const harness: Harness = {
    home,
    podman,
    endpoints,
    devMnemonic,
    providerAddress: init.json.result.address,
    hostUri: init.json.result.hostUri,
    ingressPort,
    async startProvider() {
      const child = spawnEdge(['provide', 'start', '--output', 'jsonl'], {home, buffer: false})
      const events: ProviderProcess['events'] = []
      const waiters: Array<() => void> = []
      let rest = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        rest += chunk.toString()
        const lines = rest.split('\n')
        rest = lines.pop() ?? ''
        for (const line of lines) {
          try {
            events.push(JSON.parse(line))
          } catch {
            // not an event line
          }
        }
        for (const w of waiters.splice(0)) w()
      })
      let stderr = ''
      child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
      const proc: ProviderProcess = {
        child,
        events,
        waitFor(type, match = () => true, timeoutMs = 60_000) {
          return new Promise((resolve, reject) => {
            const deadline = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; stderr: ${stderr}; last events: ${JSON.stringify(events.slice(-5))}`)), timeoutMs)
            const check = () => {
              const found = events.find((e) => e.type === type && match(e))
              if (found) {
                clearTimeout(deadline)
                resolve(found)
                return
              }
              const failed = events.find((e) => e.type === 'error')
              if (failed) {
                clearTimeout(deadline)
                reject(new Error(`provider failed: ${JSON.stringify(failed)}`))
                return
              }
              waiters.push(check)
            }
            check()
          })
        },
      }
      harness.provider = proc
      await proc.waitFor('provider.started')
      return proc
    },
    async stop() {
      if (harness.provider) {
        harness.provider.child.kill('SIGTERM')
        await harness.provider.child.catch(() => {})
      }
      await runEdge(['dev', 'stop'], {home})
      await removeProviderContainers(podman.socketPath, harness.providerAddress).catch(() => {})
      await podman.stop()
      home.cleanup()
    },
  }
  return harness
}

export interface ContainerSummary {
  Id: string
  State: string
  Labels: Record<string, string>
}

export function dockerGet<T>(socketPath: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get({socketPath, path}, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => {
          try {
            resolve(JSON.parse(body))
          } catch (error) {
            reject(error)
          }
        })
      })
      .on('error', reject)
  })
}

/** Containers of one lease (by Akash's lease labels). */
export function leaseContainers(socketPath: string, owner: string, dseq: bigint | string): Promise<ContainerSummary[]> {
  const filters = JSON.stringify({label: [`akash.network/lease.id.owner=${owner}`, `akash.network/lease.id.dseq=${dseq}`]})
  return dockerGet(socketPath, `/containers/json?all=1&filters=${encodeURIComponent(filters)}`)
}

async function removeProviderContainers(socketPath: string, provider: string): Promise<void> {
  const filters = JSON.stringify({label: [`akash.network/lease.id.provider=${provider}`]})
  const list = await dockerGet<ContainerSummary[]>(socketPath, `/containers/json?all=1&filters=${encodeURIComponent(filters)}`)
  for (const c of list) {
    await new Promise<void>((resolve) => {
      const req = http.request({socketPath, method: 'DELETE', path: `/containers/${c.Id}?force=1&v=1`}, (res) => {
        res.resume()
        res.on('end', () => resolve())
      })
      req.on('error', () => resolve())
      req.end()
    })
  }
}

/** GET through the ingress with the lease hostname as Host (so no DNS is needed). */
export function ingressGet(port: number, host: string, path = '/'): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    http
      .get({host: '127.0.0.1', port, path, headers: {Host: host}, agent: false}, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      })
      .on('error', reject)
  })
}

export const WEB_SDL = (marker: string) => `
version: "2.0"
services:
  web:
    image: busybox:1.36
    command: ["sh", "-c"]
    args: ["mkdir -p /www && echo ${marker} > /www/index.html && echo started ${marker} && httpd -f -v -p 8080 -h /www"]
    expose:
      - port: 8080
        as: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.1}
        memory: {size: 64Mi}
        storage: {size: 128Mi}
  placement:
    dc:
      attributes:
        region: us-west
      pricing:
        web: {denom: uact, amount: 1000}
deployment:
  web:
    dc:
      profile: web
      count: 1
`
