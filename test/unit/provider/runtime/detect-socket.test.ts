import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {detectDockerSocket, dockerSocketCandidates} from '../../../../src/provider/runtime/detect-socket.js'
import {UsageError} from '../../../../src/errors.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function tempFile(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-detect-'))
  dirs.push(dir)
  const file = path.join(dir, name)
  writeFileSync(file, '')
  return file
}

describe('docker socket detection', () => {
  it('looks at EDGE_DOCKER_SOCKET, DOCKER_HOST, then the usual Podman and Docker places', () => {
    expect(dockerSocketCandidates({EDGE_DOCKER_SOCKET: '/a.sock', DOCKER_HOST: 'unix:///b.sock', XDG_RUNTIME_DIR: '/run/user/1000'})).toEqual([
      '/a.sock',
      '/b.sock',
      '/run/edge/podman.sock',
      '/run/podman/podman.sock',
      '/var/run/docker.sock',
      '/run/user/1000/podman/podman.sock',
    ])
    expect(dockerSocketCandidates({DOCKER_HOST: 'tcp://1.2.3.4:2375'})[0]).toBe('/run/edge/podman.sock')
  })

  it('returns the first candidate that answers', async () => {
    const dead = tempFile('dead.sock')
    const live = tempFile('live.sock')
    const found = await detectDockerSocket({
      env: {EDGE_DOCKER_SOCKET: dead, DOCKER_HOST: `unix://${live}`},
      probe: async (p) => p === live,
    })
    expect(found).toBe(live)
  })

  it('says what to start when nothing answers', async () => {
    const dead = tempFile('dead.sock')
    const error = await detectDockerSocket({env: {EDGE_DOCKER_SOCKET: dead}, probe: async () => false}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).hint).toMatch(/podman system service --time=0 unix:\/\/\/run\/edge\/podman.sock/)
    expect((error as UsageError).details?.tried).toContain(`${dead} (no answer)`)
  })
})
