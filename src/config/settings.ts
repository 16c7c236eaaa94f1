import {randomBytes} from 'node:crypto'
import {closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {configDir} from './paths.js'
import type {StoredNetwork} from './networks.js'

/** What edge remembers between runs (config dir, `config.json`). */
export interface SettingsShape {
  /** The selected network context. */
  network?: string
  /** The selected keystore key. */
  key?: string
  /** User-defined networks, by name. */
  networks?: Record<string, StoredNetwork>
}

export interface Settings {
  get<K extends keyof SettingsShape>(key: K): SettingsShape[K]
  set<K extends keyof SettingsShape>(key: K, value: SettingsShape[K]): void
  delete(key: keyof SettingsShape): void
  readonly path: string
}

/**
 * Settings: one JSON file, `config.json` in the config dir (the file and format `conf` kept, which
 * edge used before: its JSON Schema validator alone cost about 60 ms on every command). Read once;
 * every change reads the file again, applies itself and replaces the file atomically (a temporary
 * file, flushed, then renamed over it), so a crash never leaves half a file and a change another
 * edge process made in between is kept.
 */
export async function openSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const path = join(configDir(env), 'config.json')
  let store = readStore(path)
  const change = (apply: (s: Record<string, unknown>) => void) => {
    const next = readStore(path)
    apply(next)
    writeStore(path, next)
    store = next
  }
  return {
    get: (key) => store[key] as never,
    set: (key, value) =>
      change((s) => {
        if (value === undefined) delete s[key]
        else s[key] = structuredClone(value)
      }),
    delete: (key) => change((s) => delete s[key]),
    path,
  }
}

function readStore(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  let value: unknown
  try {
    // An editor may have saved it with a byte order mark.
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    // Not JSON.parse's message: it quotes the file.
    throw new SyntaxError(`The config file \`${path}\` is not valid JSON.`)
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function writeStore(path: string, store: Record<string, unknown>): void {
  mkdirSync(dirname(path), {recursive: true})
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const fd = openSync(temporary, 'wx')
    try {
      writeSync(fd, JSON.stringify(store, undefined, '\t'))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, {force: true})
    throw error
  }
}
