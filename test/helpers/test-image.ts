import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

/**
 * The image the runtime tests (and SDLs in tests) use. It is built here from busybox-static and
 * tagged with the public name, so a runtime that pulls only absent images finds it locally and
 * never contacts a registry (shared/design/containers.md).
 */
export const testImage = 'docker.io/library/busybox:1.36'

const busyboxCandidates = ['/bin/busybox', '/usr/bin/busybox']

function request(
  socketPath: string,
  method: string,
  urlPath: string,
  body?: NodeJS.ReadableStream,
): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {socketPath, method, path: urlPath, headers: body ? {'Content-Type': 'application/x-tar'} : {}},
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          text += c
        })
        res.on('end', () => resolve({status: res.statusCode ?? 0, text}))
      },
    )
    req.on('error', reject)
    if (body) body.pipe(req)
    else req.end()
  })
}

/** True for an ELF executable without an interpreter (PT_INTERP): it runs in an empty rootfs. */
function isStaticElf(file: string): boolean {
  const fd = openSync(file, 'r')
  try {
    const header = Buffer.alloc(64)
    readSync(fd, header, 0, 64, 0)
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false
    const phoff = Number(header.readBigUInt64LE(32))
    const phentsize = header.readUInt16LE(54)
    const phnum = header.readUInt16LE(56)
    const table = Buffer.alloc(phentsize * phnum)
    readSync(fd, table, 0, table.length, phoff)
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false
    return true
  } finally {
    closeSync(fd)
  }
}

function staticBusybox(): string {
  for (const candidate of busyboxCandidates) {
    if (existsSync(candidate) && isStaticElf(candidate)) return candidate
  }
  throw new Error(
    'A statically linked busybox is needed to build the test image offline. Install it with ' +
      '`apt-get install -y busybox-static` (what .ci/run does).',
  )
}

/** A root filesystem: busybox, its applet links, /etc/passwd and the usual empty directories. */
function buildRootfsTar(dir: string): string {
  const busybox = staticBusybox()
  const root = path.join(dir, 'rootfs')
  for (const d of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'var/www', 'data']) mkdirSync(path.join(root, d), {recursive: true})
  chmodSync(path.join(root, 'tmp'), 0o1777)
  copyFileSync(busybox, path.join(root, 'bin', 'busybox'))
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755)
  const list = spawnSync(busybox, ['--list'], {encoding: 'utf8'})
  for (const applet of list.stdout.split('\n').map((s) => s.trim())) {
    if (!applet || applet === 'busybox' || applet.includes('/')) continue
    symlinkSync('busybox', path.join(root, 'bin', applet))
  }
  writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n')
  writeFileSync(path.join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n')
  const tar = path.join(dir, 'rootfs.tar')
  const result = spawnSync('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-cf', tar, '.'])
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr?.toString()}`)
  return tar
}

/**
 * Makes `docker.io/library/busybox:1.36` present on the engine at `socketPath` (idempotent, one
 * HTTP call when it is there). Imports through the Docker API, then tags, because Podman's
 * compatible import ignores the repo/tag it is given.
 */
export async function ensureTestImage(socketPath: string, image = testImage): Promise<string> {
  const present = await request(socketPath, 'GET', `/images/${encodeURIComponent(image)}/json`)
  if (present.status === 200) return image
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-test-image-'))
  try {
    const tar = buildRootfsTar(dir)
    const changes = encodeURIComponent('CMD ["sh"]')
    const imported = await request(socketPath, 'POST', `/images/create?fromSrc=-&changes=${changes}`, createReadStream(tar))
    if (imported.status !== 200) throw new Error(`image import failed (${imported.status}): ${imported.text}`)
    const id = lastImageId(imported.text)
    if (!id) throw new Error(`image import answered no image id: ${imported.text}`)
    const colon = image.lastIndexOf(':')
    const repo = image.slice(0, colon)
    const tag = image.slice(colon + 1)
    const tagged = await request(socketPath, 'POST', `/images/${encodeURIComponent(id)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`)
    if (tagged.status >= 300) throw new Error(`image tag failed (${tagged.status}): ${tagged.text}`)
    return image
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** Docker answers `{"status":"sha256:…"}` lines; Podman the same, with an `id` too. */
function lastImageId(text: string): string | undefined {
  let id: string | undefined
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const message = JSON.parse(line) as {status?: string; id?: string}
      const candidate = message.id ?? message.status
      if (candidate && /^(sha256:)?[0-9a-f]{12,64}$/.test(candidate)) id = candidate
    } catch {
      // progress text
    }
  }
  return id
}
