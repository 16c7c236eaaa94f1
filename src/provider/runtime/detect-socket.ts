import {existsSync} from 'node:fs'
import http from 'node:http'
import path from 'node:path'

import {UsageError} from '../../errors.js'

export interface DetectSocketOptions {
  env?: NodeJS.ProcessEnv
  /** Per candidate, default 2 s. */
  timeoutMs?: number
  /** Checks that something answers the Docker API on a socket (tests inject). */
  probe?: (socketPath: string, timeoutMs: number) => Promise<boolean>
}

/** Where to look for a Docker-compatible engine, in order. */
export function dockerSocketCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = []
  if (env.EDGE_DOCKER_SOCKET) candidates.push(stripUnix(env.EDGE_DOCKER_SOCKET))
  if (env.DOCKER_HOST?.startsWith('unix://')) candidates.push(stripUnix(env.DOCKER_HOST))
  candidates.push('/run/edge/podman.sock', '/run/podman/podman.sock', '/var/run/docker.sock')
  if (env.XDG_RUNTIME_DIR) candidates.push(path.join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'))
  return [...new Set(candidates)]
}

function stripUnix(value: string): string {
  return value.startsWith('unix://') ? value.slice('unix://'.length) : value
}

/** GET /_ping over the unix socket: any HTTP answer means an engine is there. */
export function probeDockerSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({socketPath, path: '/_ping', timeout: timeoutMs}, (res) => {
      res.resume()
      resolve((res.statusCode ?? 500) < 500)
    })
    req.on('timeout', () => {
      req.destroy()
      resolve(false)
    })
    req.on('error', () => resolve(false))
  })
}

/**
 * Finds a live Docker Engine API socket: EDGE_DOCKER_SOCKET, DOCKER_HOST=unix://…, Podman's
 * and Docker's usual places. Throws a UsageError naming what to start when none answers.
 */
export async function detectDockerSocket(options: DetectSocketOptions = {}): Promise<string> {
  const env = options.env ?? process.env
  const probe = options.probe ?? probeDockerSocket
  const timeoutMs = options.timeoutMs ?? 2000
  const candidates = dockerSocketCandidates(env)
  const tried: string[] = []
  for (const candidate of candidates) {
    if (!existsSync(candidate)) {
      tried.push(`${candidate} (absent)`)
      continue
    }
    if (await probe(candidate, timeoutMs)) return candidate
    tried.push(`${candidate} (no answer)`)
  }
  if (env.DOCKER_HOST && !env.DOCKER_HOST.startsWith('unix://')) tried.push(`DOCKER_HOST=${env.DOCKER_HOST} (only unix:// sockets are supported)`)
  throw new UsageError('No container engine answers on this machine.', {
    code: 'runtime_unavailable',
    hint:
      'Start Podman\'s Docker-compatible API: `mkdir -p /run/edge && podman system service --time=0 unix:///run/edge/podman.sock &` ' +
      '(or start Docker), or point EDGE_DOCKER_SOCKET at a running engine\'s socket.',
    details: {tried},
  })
}
