import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** The containers.conf the tests' Podman runs with (runc, cgroupfs, no default ulimits). */
export const testContainersConf = fileURLToPath(new URL('../podman/containers.conf', import.meta.url))

export interface PodmanSocket {
  /** Path of the Docker-compatible API socket. */
  socketPath: string
  /** The same as a DOCKER_HOST value (unix://…). */
  dockerHost: string
  /** True when this helper started the service (and stop() ends it). */
  owned: boolean
  /** Ends the service this helper started; leaves a reused one alone. */
  stop(): Promise<void>
}

export interface StartPodmanOptions {
  /** How long to wait for the API to answer, default 30 s. */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
}

/** GET /version over a unix socket; resolves with the HTTP status, or 0 when nothing answers. */
export function getVersionStatus(socketPath: string, timeoutMs = 2000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({socketPath, path: '/version', timeout: timeoutMs}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => {
      req.destroy()
      resolve(0)
    })
    req.on('error', () => resolve(0))
  })
}

function configuredSocket(env: NodeJS.ProcessEnv): string | undefined {
  if (env.EDGE_DOCKER_SOCKET) return env.EDGE_DOCKER_SOCKET.replace(/^unix:\/\//, '')
  if (env.DOCKER_HOST?.startsWith('unix://')) return env.DOCKER_HOST.slice('unix://'.length)
  return undefined
}

function podmanInstalled(): boolean {
  const result = spawnSync('podman', ['--version'], {stdio: 'ignore'})
  return !result.error && result.status === 0
}

/**
 * A Docker Engine API socket for tests: the one EDGE_DOCKER_SOCKET / DOCKER_HOST names when it
 * answers, else a fresh `podman system service` in a temp dir with test/podman/containers.conf.
 * Throws (never skips) when Podman is missing.
 */
export async function startPodman(options: StartPodmanOptions = {}): Promise<PodmanSocket> {
  const env = options.env ?? process.env
  const timeoutMs = options.timeoutMs ?? 30_000
  const configured = configuredSocket(env)
  if (configured && existsSync(configured) && (await getVersionStatus(configured)) === 200) {
    return {socketPath: configured, dockerHost: `unix://${configured}`, owned: false, stop: async () => undefined}
  }
  if (!podmanInstalled()) {
    throw new Error(
      'Podman is not installed, and these tests need a container engine. Install it with ' +
        '`apt-get install -y podman runc busybox-static` (what .ci/run does), or set EDGE_DOCKER_SOCKET to the ' +
        'socket of a running Docker or Podman API service.',
    )
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-podman-'))
  const socketPath = path.join(dir, 'podman.sock')
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    env: {...env, CONTAINERS_CONF: testContainersConf},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  let exited: number | null | undefined
  child.on('exit', (code) => {
    exited = code
  })
  const stop = () => stopService(child, dir)
  const deadline = Date.now() + timeoutMs
  while ((await getVersionStatus(socketPath, 1000)) !== 200) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop()
      throw new Error(
        `podman system service did not answer on ${socketPath} within ${timeoutMs} ms` +
          (exited !== undefined ? ` (it exited with code ${exited})` : '') +
          (stderr ? `:\n${stderr.trim()}` : ''),
      )
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {socketPath, dockerHost: `unix://${socketPath}`, owned: true, stop}
}

async function stopService(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await gone
    clearTimeout(timer)
  }
  rmSync(dir, {recursive: true, force: true})
}
