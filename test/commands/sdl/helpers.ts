import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const root = join(import.meta.dirname, '../../..')

/** A temp config/data dir (never the user's) and a work dir for SDL files. */
export function setup(): {dir: string; write(name: string, text: string): string} {
  const dir = mkdtempSync(join(tmpdir(), 'edge-sdl-cmd-'))
  process.env.EDGE_CONFIG_DIR = join(dir, 'config')
  process.env.EDGE_DATA_DIR = join(dir, 'data')
  delete process.env.EDGE_NETWORK
  return {
    dir,
    write(name, text) {
      const path = join(dir, name)
      writeFileSync(path, text)
      return path
    },
  }
}

export function cleanup(): void {
  delete process.env.EDGE_CONFIG_DIR
  delete process.env.EDGE_DATA_DIR
  process.exitCode = undefined
}
