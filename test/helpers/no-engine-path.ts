import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Programs a "Node and npm only" machine does not have: container engines, their runtimes, busybox. */
export const HIDDEN_PROGRAMS = new Set(['busybox', 'podman', 'docker', 'runc', 'crun', 'conmon', 'nerdctl', 'containerd'])

export interface NoEnginePath {
  /** A PATH of one directory: links to every program of the current PATH but the hidden ones. */
  PATH: string
  dir: string
  cleanup(): void
}

/**
 * A PATH that holds everything this machine's PATH does except container engines and busybox, so
 * a test (or `npm run demo`) runs as on a machine with Node and npm only. Debian's /bin is /usr/bin,
 * so the programs are linked one by one into a directory of their own rather than the system
 * directories being listed: nothing that looks only in PATH can find busybox.
 */
export function noEnginePath(base = process.env.PATH ?? ''): NoEnginePath {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-no-engine-bin-'))
  const seen = new Set<string>()
  for (const from of base.split(':').filter(Boolean)) {
    let names: string[]
    try {
      names = readdirSync(from)
    } catch {
      continue
    }
    for (const name of names) {
      if (seen.has(name) || HIDDEN_PROGRAMS.has(name)) continue
      const target = path.join(from, name)
      try {
        const st = statSync(target)
        if (!st.isFile() || (st.mode & 0o111) === 0) continue
      } catch {
        continue
      }
      seen.add(name)
      symlinkSync(target, path.join(dir, name))
    }
  }
  if (!existsSync(path.join(dir, 'node')) || !existsSync(path.join(dir, 'sh'))) throw new Error(`node and sh must be on the PATH (${base})`)
  return {PATH: dir, dir, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}
