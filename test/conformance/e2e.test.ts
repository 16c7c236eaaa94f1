// `edge provide` + `edge deploy` end to end, through the real binary, against every conformance
// backend: `edge dev` and, where it can be built, a real Akash node. The same steps, the same
// assertions; only the chain differs. Workloads run in Podman containers.
import http from 'node:http'
import https from 'node:https'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {ResultPromise} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type PodmanSocket, startPodman} from '../helpers/podman.js'
import {type EdgeHome, makeEdgeHome, runEdge, spawnEdge} from '../helpers/run-edge.js'
import {ensureTestImage} from '../helpers/test-image.js'
import {type ChainBackend, startOrSkip, wantedBackends} from './backends/index.js'
import {freePort} from '../helpers/ports.js'

const HELLO = join(import.meta.dirname, '../../templates/hello/deploy.yaml')
const PASSPHRASE = 'conformance-passphrase'



async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

/** GET through the provider's ingress by Host header (lease hostnames need no DNS this way). */
async function page(uri: string, ingressPort: number): Promise<string> {
  const host = new URL(uri).hostname
  return new Promise((resolve, reject) => {
    const request = http.get({host: '127.0.0.1', port: ingressPort, path: '/', headers: {host}, timeout: 5000}, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve(body))
    })
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', reject)
  })
}

for (const backendCase of wantedBackends()) {
  describe(`edge provide + edge deploy: ${backendCase.name}`, () => {
    let backend: ChainBackend | undefined
    let skip: string | undefined
    let podman: PodmanSocket
    let home: EdgeHome
    let provider: ResultPromise | undefined
    let ingressPort: number
    const edge = (...args: string[]) => runEdge(args, {home, env: {EDGE_PASSPHRASE: PASSPHRASE}, timeout: 180_000})

    beforeAll(async () => {
      const started = await startOrSkip(backendCase, 'end-to-end conformance')
      skip = started.skip
      if (!started.backend) return
      backend = started.backend
      podman = await startPodman()
      await ensureTestImage(podman.socketPath)
      home = makeEdgeHome('edge-e2e-')
      const add = await edge('network', 'add', 'target', '--chain-id', backend.chainId, '--rpc', backend.rpc, '--grpc', backend.grpc, '--rest', backend.rest, '--gas-price', backend.gasPrice, '--block-time', String(backendCase.blockTimeMs))
      expect(add.exitCode, add.stderr).toBe(0)
      await edge('network', 'use', 'target')
      for (const name of ['tenant', 'provider'] as const) {
        const imported = await runEdge(['wallet', 'import', name], {home, env: {EDGE_PASSPHRASE: PASSPHRASE}, input: backend.accounts[name].mnemonic})
        expect(imported.exitCode, imported.stderr).toBe(0)
      }
      await edge('wallet', 'use', 'tenant')
      const gatewayPort = await freePort()
      ingressPort = await freePort()
      const init = await edge(
        'provide', 'init', '--key', 'provider', '--host-uri', `https://127.0.0.1:${gatewayPort}`, '--region', 'eu-west',
        '--price-cpu', '0.01', '--price-memory', '0.005', '--price-storage', '0.001',
        '--runtime', 'docker', '--socket', podman.socketPath, '--ingress-listen', `127.0.0.1:${ingressPort}`, '--yes', '--json',
      )
      expect(init.exitCode, init.stdout + init.stderr).toBe(0)
      provider = spawnEdge(['provide', 'start', '--output', 'jsonl'], {home, env: {EDGE_PASSPHRASE: PASSPHRASE}, buffer: false})
      // The gateway's certificate is self-signed (CN = provider address), so probe without a CA.
      await until('the provider gateway', () =>
        new Promise<true | undefined>((resolve) => {
          const request = https.get({host: '127.0.0.1', port: gatewayPort, path: '/version', rejectUnauthorized: false, timeout: 2000}, (response) => {
            response.resume()
            resolve(response.statusCode === 200 ? true : undefined)
          })
          request.on('error', () => resolve(undefined))
          request.on('timeout', () => request.destroy())
        }),
      )
    })

    afterAll(async () => {
      provider?.kill('SIGTERM')
      await provider?.catch(() => {})
      await backend?.stop()
      await podman?.stop()
      home?.cleanup()
    })

    it('deploys hello, serves it through the ingress, runs a shell, updates it in place and closes it', async (ctx) => {
      if (skip) ctx.skip(skip)
      const deployed = await edge('deploy', HELLO, '--yes', '--json', '--key', 'tenant', '--bid-timeout', '60s')
      expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0)
      const {dseq, uris} = deployed.json.result
      expect(uris).toHaveLength(1)
      expect(await until('the page', async () => {
        const body = await page(uris[0], ingressPort)
        return body.includes('Hello from edge!') ? body : undefined
      })).toContain('Hello from edge!')

      const shell = await edge('shell', String(dseq), '--key', 'tenant', '--', 'sh', '-c', 'echo hi; exit 3')
      expect(shell.stdout.trim()).toBe('hi')
      expect(shell.exitCode).toBe(3)

      const changed = join(home.root, 'hello-v2.yaml')
      writeFileSync(changed, readFileSync(HELLO, 'utf8').replace('Hello from edge!', 'Hello again!'))
      const updated = await edge('update', String(dseq), changed, '--json', '--key', 'tenant')
      expect(updated.exitCode, updated.stdout + updated.stderr).toBe(0)
      await until('the updated page', async () => ((await page(uris[0], ingressPort)).includes('Hello again!') ? true : undefined))

      const closed = await edge('close', String(dseq), '--json', '--key', 'tenant')
      expect(closed.exitCode).toBe(0)
      const again = await edge('close', String(dseq), '--json', '--key', 'tenant')
      expect(again.exitCode).toBe(0)
      const open = await edge('ls', '--json', '--key', 'tenant')
      expect(open.json.result.filter((d: {dseq: string; state: string}) => String(d.dseq) === String(dseq) && d.state !== 'closed')).toEqual([])
    })

    it('exits 3 with a diagnosis when the price cap is below every bid, and leaves nothing open', async (ctx) => {
      if (skip) ctx.skip(skip)
      const result = await edge('deploy', HELLO, '--yes', '--json', '--key', 'tenant', '--max-price', '0.00000001usd/h', '--bid-timeout', '20s')
      expect(result.exitCode, result.stdout + result.stderr).toBe(3)
      expect(result.json.error.code).toBe('no_bids')
      const open = await edge('ls', '--json', '--key', 'tenant')
      expect(open.json.result.filter((d: {state: string}) => d.state !== 'closed')).toEqual([])
    })
  })
}
