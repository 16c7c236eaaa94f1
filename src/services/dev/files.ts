import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {devnetDir} from '../../config/paths.js'
import {processAlive} from '../../lib/daemon.js'

/** Where one edge dev chain keeps its files: `<data>/devnet/`. */
export interface DevnetFiles {
  dir: string
  /** SQLite database (plus its -wal and -shm). */
  db: string
  /** JSON state of the running node: pid, endpoints. Present while it runs. */
  pid: string
  log: string
}

export function devnetFiles(env: NodeJS.ProcessEnv = process.env): DevnetFiles {
  const dir = devnetDir(env)
  return {dir, db: join(dir, 'chain.sqlite'), pid: join(dir, 'devnet.pid'), log: join(dir, 'devnet.log')}
}

/** What a running node writes into its pid file, so that other commands can find it. */
export interface NodeState {
  pid: number
  /** The process's start time (/proc), so a pid reused by another process is not taken for the node. */
  startTime?: string
  startedAt: string
  /** Absent while the node is still starting. */
  chainId?: string
  host?: string
  ports?: {rpc: number; grpc: number; rest: number}
  endpoints?: {rpc: string; grpc: string; rest: string}
  blockTimeMs?: number
  minGasPrice?: string
  /** Address of the `dev` key funded at genesis. */
  devAddress?: string
}

export function readNodeState(files: DevnetFiles): NodeState | undefined {
  try {
    return JSON.parse(readFileSync(files.pid, 'utf8')) as NodeState
  } catch {
    return undefined
  }
}

/**
 * Creates the pid file, or fails if one exists: the lock that keeps two nodes off one database.
 * Returns false when another process holds it.
 */
export function lockNode(files: DevnetFiles, state: NodeState): boolean {
  try {
    writeFileSync(files.pid, JSON.stringify(state, null, 2) + '\n', {flag: 'wx', mode: 0o600})
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** Rewrites the pid file of the node that holds the lock. */
export function updateNodeState(files: DevnetFiles, state: NodeState): void {
  writeFileSync(files.pid, JSON.stringify(state, null, 2) + '\n', {mode: 0o600})
}

export function removeNodeState(files: DevnetFiles, pid?: number): void {
  if (pid !== undefined && readNodeState(files)?.pid !== pid) return
  rmSync(files.pid, {force: true})
}

/** Is the node a pid file names still running: the same process, not another that reused its pid? */
export function nodeAlive(state: Pick<NodeState, 'pid' | 'startTime'>): boolean {
  return processAlive(state.pid, state.startTime)
}

export function chainExists(files: DevnetFiles): boolean {
  return existsSync(files.db)
}
