// Conformance backend: the real Akash node (pkg.akt.dev/node/v2), built from the Go module proxy by
// test/conformance/node/build-akash.sh and run as a single-validator localnet on loopback by
// test/conformance/node/localnet.sh. A backend that cannot be built or started throws with the tail
// of its log; it never resolves to something half-started.
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {ChainAccount, ChainBackend} from '../node/types.js'

export type {ChainAccount, ChainBackend} from '../node/types.js'

const NODE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'node')
const BUILD_SCRIPT = join(NODE_DIR, 'build-akash.sh')
const LOCALNET_SCRIPT = join(NODE_DIR, 'localnet.sh')
const ACCOUNTS_FILE = join(NODE_DIR, 'accounts.json')

/** build-akash.sh's exit code when the Go module proxy does not serve the node module here. */
const EX_UNAVAILABLE = 69
const TAIL_LINES = 60

export interface StartAkashNodeOptions {
  /** Node version for build-akash.sh; default: $EDGE_AKASH_NODE_VERSION, else the version pinned there. */
  version?: string
  /** Use this akash binary and skip the build (default: $EDGE_AKASH_BIN). */
  binary?: string
  /** Block time (CometBFT timeout_commit), default 500ms. */
  blockTime?: string
  /** Wait for the cold build this long (default 40 min; a cached build takes seconds). */
  buildTimeoutMs?: number
  /** Wait this long for height 2 and REST (default 180 s). */
  startTimeoutMs?: number
  /** Receives the scripts' progress lines (stderr), e.g. to show a cold build is under way. */
  onProgress?: (line: string) => void
}

/**
 * The Go module proxy on this machine refuses the node module (or one of its forks): nothing can be
 * built here. Distinct from a build or start failure so that a caller can tell the two apart.
 */
export class AkashNodeUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`the real Akash node cannot be built on this machine: the Go module proxy refuses it\n${detail}`)
    this.name = 'AkashNodeUnavailableError'
  }
}

interface AccountsFile {
  chainId: string
  accounts: Array<{name: string; mnemonic: string; address: string; genesisCoins: string}>
}

interface ScriptResult {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
}

function tail(text: string, lines = TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onProgress?: (line: string) => void,
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let partial = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (!onProgress) return
      partial += d
      const lines = partial.split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) onProgress(line)
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr, timedOut})
    })
  })
}

/** Four distinct free loopback ports (bind port 0, read the port, release it). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({length: count}, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const server = createServer()
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve(server))
      }),
    ),
  )
  const ports = servers.map((s) => {
    const address = s.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    return address.port
  })
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match) out[match[1]] = match[2]
  }
  return out
}

async function readLogTail(file: string): Promise<string> {
  try {
    return tail(await readFile(file, 'utf8'))
  } catch {
    return '(no node log)'
  }
}

/**
 * Builds akash (or takes the cached build) and returns the binary's path. Throws
 * AkashNodeUnavailableError when the Go module proxy refuses the node here, Error otherwise.
 */
export async function buildAkashNode(opts: StartAkashNodeOptions = {}): Promise<string> {
  const binary = opts.binary ?? process.env.EDGE_AKASH_BIN
  if (binary) return binary
  const timeoutMs = opts.buildTimeoutMs ?? 40 * 60_000
  const version = opts.version ?? process.env.EDGE_AKASH_NODE_VERSION
  const result = await runScript(BUILD_SCRIPT, version ? [version] : [], process.env, timeoutMs, opts.onProgress)
  if (result.code === EX_UNAVAILABLE) throw new AkashNodeUnavailableError(tail(result.stderr, 12))
  const path = result.stdout.trim().split('\n').pop() ?? ''
  if (result.code !== 0 || !path) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.code}`
    throw new Error(`building the Akash node failed (${why}); build-akash.sh said:\n${tail(result.stderr)}`)
  }
  return path
}

/** Starts a fresh single-validator localnet on free loopback ports and resolves when it makes blocks. */
export async function startAkashNode(opts: StartAkashNodeOptions = {}): Promise<ChainBackend> {
  const binary = await buildAkashNode(opts)
  const accounts = JSON.parse(await readFile(ACCOUNTS_FILE, 'utf8')) as AccountsFile
  const account = (name: string): ChainAccount => {
    const found = accounts.accounts.find((a) => a.name === name)
    if (!found) throw new Error(`accounts.json has no ${name}`)
    return {mnemonic: found.mnemonic, address: found.address}
  }

  const home = await mkdtemp(join(tmpdir(), 'edge-akash-localnet-'))
  const [rpcPort, grpcPort, restPort, p2pPort] = await freePorts(4)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGE_AKASH_BIN: binary,
    AKASH_LOCALNET_HOME: home,
    AKASH_LOCALNET_RPC_PORT: String(rpcPort),
    AKASH_LOCALNET_GRPC_PORT: String(grpcPort),
    AKASH_LOCALNET_REST_PORT: String(restPort),
    AKASH_LOCALNET_P2P_PORT: String(p2pPort),
    ...(opts.blockTime ? {AKASH_LOCALNET_BLOCK_TIME: opts.blockTime} : {}),
    AKASH_LOCALNET_TIMEOUT: String(Math.ceil((opts.startTimeoutMs ?? 180_000) / 1000)),
  }
  const logFile = join(home, 'node.log')

  // If the test process dies without calling stop(), the node must not outlive it.
  const killOnExit = () => {
    try {
      // Synchronous: the 'exit' event allows no async work.
      const pid = Number.parseInt(readFileSync(join(home, 'node.pid'), 'utf8').trim(), 10)
      if (pid > 0) process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', killOnExit)

  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    process.removeListener('exit', killOnExit)
    const result = await runScript(LOCALNET_SCRIPT, ['stop', '--purge'], env, 30_000)
    if (result.code !== 0) {
      await rm(home, {recursive: true, force: true})
      throw new Error(`stopping the Akash localnet failed (exit ${result.code}):\n${tail(result.stderr)}`)
    }
  }

  const startTimeout = (opts.startTimeoutMs ?? 180_000) + 120_000 // genesis setup runs before the wait
  const result = await runScript(LOCALNET_SCRIPT, ['start'], env, startTimeout, opts.onProgress)
  if (result.code !== 0) {
    const logTail = await readLogTail(logFile)
    await stop().catch(() => undefined)
    const why = result.timedOut ? 'timed out' : `exit ${result.code}`
    throw new Error(
      `starting the Akash localnet failed (${why}).\nlocalnet.sh said:\n${tail(result.stderr, 20)}\n` +
        `node log (${logFile}):\n${logTail}`,
    )
  }
  const vars = parseEnvLines(result.stdout)
  return {
    kind: 'akash-node',
    chainId: vars.AKASH_LOCALNET_CHAIN_ID ?? accounts.chainId,
    rpc: vars.AKASH_LOCALNET_RPC ?? `http://127.0.0.1:${rpcPort}`,
    grpc: vars.AKASH_LOCALNET_GRPC ?? `http://127.0.0.1:${grpcPort}`,
    rest: vars.AKASH_LOCALNET_REST ?? `http://127.0.0.1:${restPort}`,
    accounts: {tenant: account('tenant'), provider: account('provider'), auditor: account('auditor')},
    gasPrice: vars.AKASH_LOCALNET_GAS_PRICE ?? '0.025uakt',
    logFile,
    stop,
  }
}
