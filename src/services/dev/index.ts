import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {fromBech32} from '@cosmjs/encoding'

import {Keystore} from '../../config/keystore.js'
import {devStartCommand} from '../../config/dev-start.js'
import {BUILT_IN_NETWORKS, resolveNetwork} from '../../config/networks.js'
import {dataDir, keysDir} from '../../config/paths.js'
import {openSettings} from '../../config/settings.js'
import {ChainError, UsageError} from '../../errors.js'
import type {StepEvent} from '../../output/events.js'
import {processAlive, spawnDetached, stopProcess} from '../../lib/daemon.js'
import {sleep} from '../../lib/sleep.js'
import {parseCoin} from '../../protocol/money.js'
import {type ProviderSummary, type ReclamationWindows, restBalances, restProviders, restReclamationWindows, rpcFund, rpcStatus} from './client.js'
import {DEV_KEY, devKeyAddress, ensureDevKey} from './dev-key.js'
import {type DevnetFiles, type NodeState, devnetFiles, nodeAlive, readNodeState, removeNodeState} from './files.js'
import {type LocalProvider, startLocalProviders} from './providers.js'
import type {BaseAmountText} from '../../protocol/json-fields.js'
import {count} from '../../lib/plural.js'

export {devnetFiles} from './files.js'
export {runNode} from './node.js'
/** The chain's defaults, for `edge dev start`'s flag defaults. */
export {DEFAULT_MIN_GAS_PRICE, DEFAULT_PORTS} from '../../devnet/index.js'

/** Progress of a long dev step, for the command to show (spinner, JSONL `step` event, or stderr line). */
export type DevEvent = StepEvent<'dev-key' | 'spawn' | 'wait' | 'network' | 'providers' | 'stop'>

type OnEvent = (event: DevEvent) => void

function emit(onEvent: OnEvent | undefined, step: DevEvent['step'], status: 'started' | 'running' | 'succeeded' | 'failed', message: string): void {
  onEvent?.({type: 'step', ts: new Date().toISOString(), step, status, message})
}

export interface DevStatus {
  running: boolean
  pid?: number
  chainId?: string
  height?: number
  latestBlockTime?: string
  endpoints?: {rpc: string; grpc: string; rest: string}
  blockTimeMs?: number
  startedAt?: string
  dataDir: string
  logFile: string
  devKey?: {name: string; address: string; balances: Array<{denom: string; amount: BaseAmountText}>}
  /** Providers on chain; the local ones (edge dev's own) say how they run workloads. */
  providers: Array<ProviderSummary & {name?: string; runtime?: 'docker' | 'process'}>
  /** The market's reclamation windows (AEP-82) as the chain's params have them now. */
  reclamationWindows?: ReclamationWindows
}

export async function devStatus(env: NodeJS.ProcessEnv = process.env): Promise<DevStatus> {
  const files = devnetFiles(env)
  const state = liveState(files)
  const address = devKeyAddress(env)
  const base: DevStatus = {running: false, dataDir: files.dir, logFile: files.log, providers: []}
  if (!state?.endpoints) return {...base, ...(state ? {pid: state.pid, startedAt: state.startedAt} : {}), ...(address ? {devKey: {name: DEV_KEY, address, balances: []}} : {})}
  let status
  try {
    status = await rpcStatus(state.endpoints.rpc)
  } catch {
    return {...base, pid: state.pid, endpoints: state.endpoints, startedAt: state.startedAt}
  }
  const [balances, providers, reclamationWindows] = await Promise.all([
    address ? restBalances(state.endpoints.rest, address).catch(() => []) : Promise.resolve([]),
    restProviders(state.endpoints.rest),
    restReclamationWindows(state.endpoints.rest),
  ])
  return {
    running: true,
    pid: state.pid,
    chainId: status.chainId,
    height: status.height,
    latestBlockTime: status.time,
    endpoints: state.endpoints,
    blockTimeMs: state.blockTimeMs,
    startedAt: state.startedAt,
    dataDir: files.dir,
    logFile: files.log,
    ...(address ? {devKey: {name: DEV_KEY, address, balances}} : {}),
    providers: await withLocalRuntimes(providers, env),
    ...(reclamationWindows ? {reclamationWindows} : {}),
  }
}

/** Marks the providers edge dev runs itself (`<data>/provider/local-*`) with their runtime. */
async function withLocalRuntimes(providers: ProviderSummary[], env: NodeJS.ProcessEnv): Promise<DevStatus['providers']> {
  const local = new Map<string, {name: string; runtime: 'docker' | 'process'}>()
  const root = join(dataDir(env), 'provider')
  const names = existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('local-')) : []
  const {parse} = names.length > 0 ? await import('yaml') : {parse: () => undefined}
  for (const name of names) {
    try {
      const config = parse(readFileSync(join(root, name, 'provider.yaml'), 'utf8')) as {address?: string; runtime?: {kind?: string}} | undefined
      const kind = config?.runtime?.kind
      if (config?.address && (kind === 'docker' || kind === 'process')) local.set(config.address, {name, runtime: kind})
    } catch {
      // not a provider directory
    }
  }
  return providers.map((p) => ({...p, ...(local.get(p.owner) ?? {})}))
}

/** The node's state when its process is alive; a stale pid file is removed. */
function liveState(files: DevnetFiles): NodeState | undefined {
  const state = readNodeState(files)
  if (!state) return undefined
  if (nodeAlive(state)) return state
  removeNodeState(files, state.pid)
  return undefined
}

export interface StartOptions {
  host: string
  ports: {rpc: number; grpc: number; rest: number}
  blockTimeMs: number
  /** Local providers to start once `edge provide` exists (see providers.ts). */
  providers: number
  /** The command line that runs `edge dev start --foreground …` in a new process. */
  daemon: {command: string; args: string[]}
  readyTimeoutMs?: number
  env?: NodeJS.ProcessEnv
  onEvent?: OnEvent
}

export interface StartResult extends DevStatus {
  alreadyRunning: boolean
  devKeyCreated: boolean
  localProviders: LocalProvider[]
}

/**
 * `edge dev start` in the background: makes sure the dev key exists, starts the node as a
 * detached process (pid file and log under `<data>/devnet/`), waits until its RPC answers, and
 * selects the `local` network. Idempotent: a running node is reported, not started twice.
 */
export async function startDev(options: StartOptions): Promise<StartResult> {
  const env = options.env ?? process.env
  const files = devnetFiles(env)
  emit(options.onEvent, 'dev-key', 'started', 'Checking the dev key')
  const {record, created} = await ensureDevKey(env)
  emit(options.onEvent, 'dev-key', 'succeeded', created ? `Created the dev key ${record.address}` : `Dev key ${record.address}`)

  let state = liveState(files)
  let alreadyRunning: boolean
  if (state) {
    alreadyRunning = true
    if (!state.endpoints) state = await waitForReady(files, state.pid, undefined, options)
  } else {
    const spawned = await spawnNode(files, options, env)
    state = spawned.state
    // Lost a race with another start: its node is the one running.
    alreadyRunning = state.pid !== spawned.pid
  }
  await selectLocalNetwork(state, env)
  emit(options.onEvent, 'network', 'succeeded', 'Selected the local network')
  let localProviders: LocalProvider[] = []
  if (options.providers > 0) {
    emit(options.onEvent, 'providers', 'started', `Starting ${count(options.providers, 'local provider')}`)
    localProviders = await startLocalProviders(options.providers, {node: state, env})
    const {runtimeDescription} = await import('../provide/runtime-text.js')
    const kinds = [...new Set(localProviders.map((p) => p.runtime))]
    emit(options.onEvent, 'providers', 'succeeded', `${count(localProviders.length, 'local provider')} running; workloads run as ${kinds.map(runtimeDescription).join(' or ')}`)
  }
  return {...(await devStatus(env)), alreadyRunning, devKeyCreated: created, localProviders}
}

async function spawnNode(files: DevnetFiles, options: StartOptions, env: NodeJS.ProcessEnv): Promise<{state: NodeState; pid: number}> {
  mkdirSync(files.dir, {recursive: true, mode: 0o700})
  emit(options.onEvent, 'spawn', 'started', 'Starting edge dev in the background')
  const logStart = existsSync(files.log) ? statSync(files.log).size : 0
  let child
  try {
    // The node never needs secrets: it only reads the dev key's address.
    child = spawnDetached(options.daemon.command, options.daemon.args, {logFile: files.log, env})
  } catch {
    throw new ChainError('Could not start the edge dev process.', {hint: `See ${files.log}.`})
  }
  let exited: {code: number | null; signal: NodeJS.Signals | null} | undefined
  child.on('exit', (code, signal) => (exited = {code, signal}))
  emit(options.onEvent, 'spawn', 'succeeded', `Started edge dev (pid ${child.pid})`)
  try {
    return {state: await waitForReady(files, child.pid, () => exited, options, logStart), pid: child.pid}
  } catch (error) {
    if (!exited && processAlive(child.pid)) process.kill(child.pid, 'SIGTERM')
    throw error
  }
}

async function waitForReady(
  files: DevnetFiles,
  pid: number,
  exited: (() => {code: number | null; signal: NodeJS.Signals | null} | undefined) | undefined,
  options: StartOptions,
  logStart = 0,
): Promise<NodeState> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000)
  emit(options.onEvent, 'wait', 'started', 'Waiting for the RPC to answer')
  while (Date.now() < deadline) {
    const gone = exited?.()
    if (gone || !processAlive(pid)) {
      // Two starts raced and the other one holds the chain: wait for that node instead.
      const other = readNodeState(files)
      if (other && other.pid !== pid && nodeAlive(other)) return waitForReady(files, other.pid, undefined, options)
      const tail = logTail(files, logStart)
      emit(options.onEvent, 'wait', 'failed', 'edge dev stopped while starting')
      throw new ChainError(`edge dev exited while starting${gone?.code != null ? ` (exit ${gone.code})` : ''}.`, {
        code: 'devnet_start_failed',
        hint: tail ? `Its log ends with:\n${tail}` : `See ${files.log}.`,
      })
    }
    const state = readNodeState(files)
    if (state?.pid === pid && state.endpoints) {
      try {
        const status = await rpcStatus(state.endpoints.rpc, 1000)
        emit(options.onEvent, 'wait', 'succeeded', `edge dev is at height ${status.height}`)
        return state
      } catch {
        // Not answering yet.
      }
    }
    await sleep(150)
  }
  emit(options.onEvent, 'wait', 'failed', 'edge dev did not answer in time')
  throw new ChainError('edge dev did not answer before the timeout.', {code: 'devnet_start_timeout', hint: `See ${files.log}.`})
}

function logTail(files: DevnetFiles, from: number, lines = 15): string {
  try {
    const text = readFileSync(files.log).subarray(from).toString('utf8')
    return text.trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/** "Start it with `edge dev start …`", with the ports `local` had at its last start. */
async function startHint(env: NodeJS.ProcessEnv): Promise<string> {
  return `Start it with \`${devStartCommand(resolveNetwork(await openSettings(env), 'local'))}\`.`
}

/** Points the `local` network context at the running node and selects it. */
async function selectLocalNetwork(state: NodeState, env: NodeJS.ProcessEnv): Promise<void> {
  if (!state.endpoints) return
  const settings = await openSettings(env)
  const local = BUILT_IN_NETWORKS.local
  const networks = settings.get('networks') ?? {}
  settings.set('networks', {
    ...networks,
    local: {
      chainId: state.chainId ?? local.chainId,
      rpc: state.endpoints.rpc,
      grpc: state.endpoints.grpc,
      rest: state.endpoints.rest,
      gasPrice: state.minGasPrice || local.gasPrice,
      depositDenom: local.depositDenom,
      // With on-demand blocks (0) per-block prices still need a nominal block time.
      blockTimeMs: state.blockTimeMs || local.blockTimeMs,
      bech32Prefix: local.bech32Prefix,
      description: local.description,
    },
  })
  settings.set('network', 'local')
}

export interface StopResult {
  wasRunning: boolean
  pid?: number
}

/** `edge dev stop`: SIGTERM, wait for a clean shutdown, SIGKILL after the timeout. */
export async function stopDev(env: NodeJS.ProcessEnv = process.env, timeoutMs = 15_000): Promise<StopResult> {
  const files = devnetFiles(env)
  const state = liveState(files)
  if (!state) return {wasRunning: false}
  await stopProcess(state.pid, {...(state.startTime ? {startTime: state.startTime} : {}), timeoutMs})
  removeNodeState(files, state.pid)
  return {wasRunning: true, pid: state.pid}
}

export interface ResetResult {
  wasRunning: boolean
  removed: string
}

/** `edge dev reset`: stops the node and deletes the chain data (the dev key stays in the keystore). */
export async function resetDev(env: NodeJS.ProcessEnv = process.env): Promise<ResetResult> {
  const files = devnetFiles(env)
  const {wasRunning} = await stopDev(env)
  rmSync(files.dir, {recursive: true, force: true})
  return {wasRunning, removed: files.dir}
}

export interface FundResult {
  address: string
  coins: Array<{denom: string; amount: BaseAmountText}>
  height: number
  balances: Array<{denom: string; amount: BaseAmountText}>
}

/** `edge dev fund ADDR AMOUNT…`: the faucet of the running node. ADDR may be a keystore key name. */
export async function fundDev(target: string, amounts: string[], env: NodeJS.ProcessEnv = process.env): Promise<FundResult> {
  if (amounts.length === 0) throw new UsageError('Give at least one amount.', {hint: 'For example: edge dev fund dev 100akt 50act'})
  const address = resolveAddress(target, env)
  const sums = new Map<string, bigint>()
  for (const a of amounts) {
    const coin = parseCoin(a)
    if (coin.amount <= 0n) throw new UsageError(`"${a}" is not a positive amount.`)
    sums.set(coin.denom, (sums.get(coin.denom) ?? 0n) + coin.amount)
  }
  const coins = [...sums].map(([denom, amount]) => ({denom, amount})).sort((a, b) => (a.denom < b.denom ? -1 : 1))
  const state = liveState(devnetFiles(env))
  if (!state?.endpoints) {
    throw new ChainError('edge dev is not running.', {code: 'devnet_not_running', hint: await startHint(env)})
  }
  const height = await rpcFund(state.endpoints.rpc, address, coins)
  const balances = await restBalances(state.endpoints.rest, address).catch(() => [])
  return {address, coins: coins.map((c) => ({denom: c.denom, amount: c.amount.toString()})), height, balances}
}

function resolveAddress(target: string, env: NodeJS.ProcessEnv): string {
  try {
    const {prefix} = fromBech32(target)
    if (prefix !== 'akash') throw new UsageError(`${target} is not an akash address.`, {hint: 'Addresses start with akash1.'})
    return target
  } catch (error) {
    if (error instanceof UsageError) throw error
  }
  const keystore = new Keystore(keysDir(env))
  if (keystore.has(target)) return keystore.get(target).address
  throw new UsageError(`"${target}" is neither an address nor a key name.`, {
    code: 'bad_address',
    hint: 'Give an akash1… address or the name of a key from `edge wallet list`.',
  })
}

/**
 * The node's log, line by line; with `follow`, keeps reading what is appended until `signal`
 * aborts.
 */
export async function* devLogs(options: {follow: boolean; tail?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv}): AsyncGenerator<string> {
  const files = devnetFiles(options.env ?? process.env)
  if (!existsSync(files.log)) {
    if (!options.follow) throw new UsageError('edge dev has no log yet.', {hint: await startHint(options.env ?? process.env)})
  }
  let offset = 0
  let pending = ''
  const read = (): string[] => {
    if (!existsSync(files.log)) return []
    const size = statSync(files.log).size
    if (size < offset) offset = 0 // truncated or recreated by a reset
    if (size === offset) return []
    const fd = openSync(files.log, 'r')
    try {
      const buffer = Buffer.alloc(size - offset)
      readSync(fd, buffer, 0, buffer.length, offset)
      offset = size
      const text = pending + buffer.toString('utf8')
      const lines = text.split('\n')
      pending = lines.pop() ?? ''
      return lines
    } finally {
      closeSync(fd)
    }
  }
  const first = read()
  for (const line of options.tail === undefined ? first : first.slice(-options.tail)) yield line
  if (!options.follow) {
    if (pending) yield pending
    return
  }
  while (!options.signal?.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250)
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      }, {once: true})
    })
    for (const line of read()) yield line
  }
}
