import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * Where edge keeps things (XDG): settings in the config dir, keys and local chain/provider state
 * in the data dir. EDGE_CONFIG_DIR / EDGE_DATA_DIR / EDGE_CACHE_DIR override them; tests always do.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EDGE_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'edge')
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EDGE_DATA_DIR || join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'edge')
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EDGE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'edge')
}

export function keysDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'keys')
}

export function devnetDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'devnet')
}

export function providerDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'provider', name)
}

/** Replaces the home directory with `~` so that no JSON or error shows a user's home path. */
export function displayPath(path: string): string {
  const home = homedir()
  return home && path.startsWith(home + '/') ? '~' + path.slice(home.length) : path
}
