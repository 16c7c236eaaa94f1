import {configDir} from './paths.js'
import type {NetworkContext} from './networks.js'

/** What edge remembers between runs (config dir, `config.json`). */
export interface SettingsShape {
  /** The selected network context. */
  network?: string
  /** The selected keystore key. */
  key?: string
  /** User-defined networks, by name. */
  networks?: Record<string, Omit<NetworkContext, 'builtIn' | 'name'>>
}

export interface Settings {
  get<K extends keyof SettingsShape>(key: K): SettingsShape[K]
  set<K extends keyof SettingsShape>(key: K, value: SettingsShape[K]): void
  delete(key: keyof SettingsShape): void
  readonly path: string
}

/** Settings through `conf` (atomic writes, a schema-free JSON file), loaded only when needed. */
export async function openSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const {default: Conf} = await import('conf')
  const conf = new Conf<SettingsShape>({cwd: configDir(env), configName: 'config', projectName: 'edge'})
  return {
    get: (key) => conf.get(key),
    set: (key, value) => (value === undefined ? conf.delete(key) : conf.set(key, value as never)),
    delete: (key) => conf.delete(key),
    path: conf.path,
  }
}
