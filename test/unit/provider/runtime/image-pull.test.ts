import Docker from 'dockerode'
import http from 'node:http'
import {mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {ProviderError} from '../../../../src/errors.js'
import {ensureImage} from '../../../../src/provider/runtime/docker/image-pull.js'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** A small engine on a unix socket answering only what a pull needs. */
async function fakeEngine(onCreate: Handler, present: () => boolean): Promise<{docker: Docker; requests: string[]}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-fake-engine-'))
  const socketPath = path.join(dir, 'engine.sock')
  const requests: string[] = []
  const sockets = new Set<import('node:net').Socket>()
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    if (req.method === 'GET' && req.url?.startsWith('/images/')) {
      res.writeHead(present() ? 200 : 404, {'Content-Type': 'application/json'})
      res.end(present() ? '{"Id":"sha256:1"}' : '{"message":"no such image"}')
      return
    }
    if (req.method === 'POST' && req.url?.startsWith('/images/create')) return onCreate(req, res)
    res.writeHead(404).end()
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(socketPath, () => r()))
  cleanups.push(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => server.close(() => r()))
    rmSync(dir, {recursive: true, force: true})
  })
  return {docker: new Docker({socketPath}), requests}
}

describe('ensureImage', () => {
  it('does nothing when the image is present', async () => {
    const {docker, requests} = await fakeEngine(() => undefined, () => true)
    expect(await ensureImage(docker, 'docker.io/library/busybox:1.36')).toBe('present')
    expect(requests.some((r) => r.startsWith('POST'))).toBe(false)
  })

  it('pulls an absent image, reporting progress, with credentials only in the auth header', async () => {
    let pulled = false
    let auth: string | undefined
    const {docker, requests} = await fakeEngine((req, res) => {
      auth = req.headers['x-registry-auth'] as string | undefined
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.write('{"status":"Pulling fs layer","id":"a"}\n')
      res.write('{"status":"Downloading","progressDetail":{"current":5,"total":10},"id":"a"}\n')
      pulled = true
      res.end('{"status":"Download complete","id":"a"}\n')
    }, () => pulled)
    const progress: string[] = []
    const result = await ensureImage(docker, 'registry.example.com/team/app:2', {
      credentials: {host: 'registry.example.com', username: 'u', password: 's3cret'},
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p.status),
    })
    expect(result).toBe('pulled')
    expect(progress).toEqual(['Pulling fs layer', 'Downloading', 'Download complete'])
    const create = requests.find((r) => r.startsWith('POST')) ?? ''
    expect(create).toContain('fromImage=registry.example.com%2Fteam%2Fapp')
    expect(create).toContain('tag=2')
    expect(create).not.toContain('s3cret')
    expect(JSON.parse(Buffer.from(auth ?? '', 'base64').toString())).toMatchObject({username: 'u', password: 's3cret'})
  })

  it('fails with the registry\'s reason when the pull reports an error', async () => {
    const {docker} = await fakeEngine((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.end('{"error":"manifest unknown","errorDetail":{"message":"manifest unknown"}}\n')
    }, () => false)
    const error = await ensureImage(docker, 'docker.io/library/nope:1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderError)
    expect((error as ProviderError).code).toBe('image_pull_failed')
    expect((error as ProviderError).message).toMatch(/nope:1 could not be pulled: manifest unknown/)
  })

  it('reads the error a stream ends with even without a final newline, and lines split across chunks', async () => {
    const {docker} = await fakeEngine((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'})
      const line = '{"status":"Pulling fs layer","id":"a"}\n'
      res.write(line.slice(0, 10))
      setTimeout(() => {
        res.write(line.slice(10))
        res.end('{"error":"toomanyrequests","errorDetail":{"message":"toomanyrequests: rate limit"}}')
      }, 20)
    }, () => false)
    const progress: string[] = []
    const error = await ensureImage(docker, 'docker.io/library/limited:1', {progressIntervalMs: 0, onProgress: (p) => progress.push(p.status)}).catch((e: unknown) => e)
    expect(progress).toEqual(['Pulling fs layer'])
    expect((error as ProviderError).message).toMatch(/limited:1 could not be pulled: toomanyrequests: rate limit/)
  })

  it('gives up on a pull that stops making progress instead of hanging', async () => {
    const {docker} = await fakeEngine((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.write('{"status":"Pulling fs layer"}\n')
      // …and then nothing, forever.
    }, () => false)
    const error = await ensureImage(docker, 'docker.io/library/slow:1', {idleTimeoutMs: 200}).catch((e: unknown) => e)
    expect((error as ProviderError).code).toBe('image_pull_failed')
    expect((error as ProviderError).message).toMatch(/no progress/)
  })

  it('fails when the engine says it pulled but has no such image', async () => {
    const {docker} = await fakeEngine((_req, res) => {
      res.writeHead(200).end('{"status":"done"}\n')
    }, () => false)
    await expect(ensureImage(docker, 'docker.io/library/ghost:1')).rejects.toThrow(/not there/)
  })
})
