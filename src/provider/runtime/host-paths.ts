import type {ManifestService} from './manifest-types.js'

/**
 * First path segments a host-process command may name without touching anyone's data: programs
 * and libraries (/bin/sh, /usr/bin/python3), devices, kernel views, and scratch space.
 */
const SYSTEM_ROOTS = new Set(['bin', 'sbin', 'usr', 'lib', 'lib32', 'lib64', 'libx32', 'etc', 'dev', 'proc', 'sys', 'tmp', 'run', 'nix', 'opt'])

/**
 * An absolute path as a word of a command line: not part of a URL (`http://x/y`), a relative path
 * (`a/b`) or an HTML closing tag (`</h1>`, which pages written by `echo` are full of).
 */
const ABSOLUTE_PATH = /(?<![\w.:/$~<-])\/(?!\/)[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]*)*/g

/**
 * Absolute paths a service names that, run as a host process, would be read and written on the
 * provider's own filesystem outside the replica's working directory: paths in its command, args
 * and env, and its storage mounts. In a container they are the container's own; on the host they
 * are the host's (the batch template's `mkdir -p /results` creates /results in the host's root).
 */
export function absoluteHostPaths(service: Pick<ManifestService, 'command' | 'args' | 'env' | 'params'>): string[] {
  const found = new Set<string>()
  const texts = [...(service.command ?? []), ...(service.args ?? []), ...(service.env ?? []).map((e) => e.slice(e.indexOf('=') + 1))]
  for (const text of texts) {
    for (const match of text.matchAll(ABSOLUTE_PATH)) {
      const path = match[0].replace(/\/+$/, '')
      const root = path.split('/')[1] ?? ''
      if (path === '' || SYSTEM_ROOTS.has(root)) continue
      found.add(path)
    }
  }
  for (const p of service.params?.storage ?? []) {
    if (p.mount?.startsWith('/')) found.add(p.mount.replace(/\/+$/, '') || '/')
  }
  return [...found].sort()
}
