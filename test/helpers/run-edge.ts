import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {execa, type Options, type ResultPromise} from 'execa'

import {assertOutputMatchesContract, jsonlLineChecker} from '../contract/validate.js'

/** The real binary (runs dist/; `npm test` builds it first). */
export const EDGE_BIN = resolve(import.meta.dirname, '../../bin/run.js')

export interface EdgeHome {
  root: string
  env: Record<string, string>
  cleanup(): void
}

/**
 * Node's compile cache of the edge processes tests start: one for the whole run (and the next),
 * not one per home. Background edge processes (edge dev's chain, edge provide) write it as they
 * exit, which can be after a test has removed its home (rm then fails with ENOTEMPTY).
 */
export const TEST_COMPILE_CACHE = join(tmpdir(), `edge-test-compile-cache-${process.getuid?.() ?? 'user'}`)

/** Temp config/data/cache dirs so a test never touches the user's home or another test's state. */
export function makeEdgeHome(prefix = 'edge-test-'): EdgeHome {
  const root = mkdtempSync(join(tmpdir(), prefix))
  return {
    root,
    env: {
      EDGE_CONFIG_DIR: join(root, 'config'),
      EDGE_DATA_DIR: join(root, 'data'),
      EDGE_CACHE_DIR: join(root, 'cache'),
      EDGE_COMPILE_CACHE: TEST_COMPILE_CACHE,
    },
    cleanup: () => rmSync(root, {recursive: true, force: true}),
  }
}

export interface EdgeResult {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON, when it is one document. */
  json?: any
}

/** Runs `edge ARGS…` as a child process, never throwing on a non-zero exit. */
export async function runEdge(args: string[], options: {home: EdgeHome; env?: Record<string, string>; input?: string; timeout?: number}): Promise<EdgeResult> {
  const result = await execa('node', [EDGE_BIN, ...args], {
    env: {...cleanEnv(), ...options.home.env, ...options.env},
    extendEnv: false,
    reject: false,
    input: options.input ?? '',
    timeout: options.timeout ?? 120_000,
  })
  let json
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }
  assertOutputMatchesContract(args, result.stdout)
  return {exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr, json}
}

/** Starts `edge ARGS…` without waiting (long-running commands such as `edge provide start`). */
export function spawnEdge(args: string[], options: {home: EdgeHome; env?: Record<string, string>} & Options): ResultPromise {
  const {home, env, ...rest} = options
  const child = execa('node', [EDGE_BIN, ...args], {env: {...cleanEnv(), ...home.env, ...env}, extendEnv: false, reject: false, ...rest})
  // Every JSONL line is checked against the contract as it arrives; a line that breaks it throws
  // here, which fails the test run with the line and the schema's complaint.
  const check = jsonlLineChecker(args)
  let partial = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) check(line)
  })
  return child
}

/** The parent's environment minus edge's own variables and CI, so tests start from a known state. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('EDGE_') || k === 'CI' || k === 'NO_COLOR' || k === 'FORCE_COLOR') continue
    env[k] = v
  }
  return env
}
