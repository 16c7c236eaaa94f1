import {mkdirSync} from 'node:fs'

import {processStartTime} from '../../lib/daemon.js'

import {ChainError, UsageError} from '../../errors.js'
import {DEFAULT_MIN_GAS_PRICE, DEFAULT_PORTS, type DevGenesis, startDevnet, withOracleSource} from '../../devnet/index.js'
import {DEV_KEY_GENESIS_COINS, devKeyAddress} from './dev-key.js'
import {type DevnetFiles, type NodeState, chainExists, devnetFiles, lockNode, nodeAlive, readNodeState, removeNodeState, updateNodeState} from './files.js'

export interface NodeOptions {
  host: string
  ports: {rpc: number; grpc: number; rest: number}
  /** Milliseconds between blocks; 0 = a block as soon as a transaction arrives. */
  blockTimeMs: number
  /** Mempool minimum gas price, e.g. 0.025uakt; '' accepts any fee. */
  minGasPrice?: string
  /** The market's minimum reclamation window (AEP-82); unset, a new chain gets 5 s and an existing one keeps its own. */
  minReclamationWindowSeconds?: number
  chainId?: string
  env?: NodeJS.ProcessEnv
  log: (line: string) => void
  /** Called once the node serves all three endpoints. */
  onReady?: (state: NodeState) => void | Promise<void>
}

/**
 * Takes the lock of `<data>/devnet`: an existing pid file of a live process means edge dev is
 * already running; one of a dead process is stale and removed.
 */
export function acquireNodeLock(files: DevnetFiles, pid: number): void {
  mkdirSync(files.dir, {recursive: true, mode: 0o700})
  for (let attempt = 0; attempt < 2; attempt++) {
    if (lockNode(files, {pid, ...startTimeOf(pid), startedAt: new Date().toISOString()})) return
    const existing = readNodeState(files)
    if (existing && existing.pid !== pid && nodeAlive(existing)) {
      throw new UsageError(`edge dev is already running (pid ${existing.pid}).`, {
        code: 'devnet_running',
        hint: 'Stop it with `edge dev stop`, or see it with `edge dev status`.',
      })
    }
    removeNodeState(files)
  }
  throw new ChainError(`Could not take the edge dev lock ${files.pid}.`, {hint: 'Remove the file if no edge dev is running.'})
}

/**
 * Runs the chain in this process until `signal` aborts (`edge dev start --foreground`, and the
 * body of the background daemon): pid file, genesis with the dev key funded, servers.
 */
export async function runNode(options: NodeOptions, signal: AbortSignal): Promise<void> {
  const env = options.env ?? process.env
  const files = devnetFiles(env)
  acquireNodeLock(files, process.pid)
  let devnet
  try {
    const devAddress = devKeyAddress(env)
    const existed = chainExists(files)
    try {
      devnet = await startDevnet({
        dataDir: files.dir,
        host: options.host,
        ports: options.ports,
        blockTime: options.blockTimeMs,
        chainId: options.chainId,
        minGasPrice: options.minGasPrice,
        minReclamationWindowSeconds: options.minReclamationWindowSeconds,
        accounts: devAddress ? [{address: devAddress, coins: DEV_KEY_GENESIS_COINS.map((c) => ({denom: c.denom, amount: c.amount.toString()}))}] : [],
        // The dev key is the oracle's price source, so `edge dev` users can move the AKT price.
        ...(devAddress ? {genesis: (base: DevGenesis) => withOracleSource(base, devAddress)} : {}),
        log: options.log,
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new ChainError(`A port edge dev needs is in use (${(error as Error).message}).`, {
          code: 'port_in_use',
          hint: `Stop what uses it, or pick other ports with --rpc-port/--grpc-port/--rest-port (defaults ${DEFAULT_PORTS.rpc}, ${DEFAULT_PORTS.grpc}, ${DEFAULT_PORTS.rest}).`,
        })
      }
      throw error
    }
    // A dev key made after the chain was created holds nothing yet: fund it like genesis would.
    if (existed && devAddress && devnet.app.queryContext().bank.balances(devAddress).length === 0) {
      await devnet.fund(devAddress, DEV_KEY_GENESIS_COINS)
      options.log(`funded the dev key ${devAddress}`)
    }
    const state: NodeState = {
      pid: process.pid,
      ...startTimeOf(process.pid),
      startedAt: new Date().toISOString(),
      chainId: devnet.chainId,
      host: options.host,
      ports: devnet.ports,
      endpoints: devnet.endpoints,
      blockTimeMs: options.blockTimeMs,
      minGasPrice: options.minGasPrice ?? DEFAULT_MIN_GAS_PRICE,
      devAddress,
    }
    updateNodeState(files, state)
    await options.onReady?.(state)
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
    options.log('stopping edge dev')
  } finally {
    await devnet?.stop()
    removeNodeState(files, process.pid)
  }
}

function startTimeOf(pid: number): {startTime?: string} {
  const startTime = processStartTime(pid)
  return startTime ? {startTime} : {}
}
