import {EventEmitter} from 'node:events'

import {sha256} from '@noble/hashes/sha256'

import {ChainError} from '../errors.js'
import {addressBytes} from './core/address.js'
import {BaseApp, type BlockInfo, type RunResult} from './core/baseapp.js'
import type {ChainDb} from './core/chain-db.js'
import {type GasPrice, normalizeCoins} from './core/coins.js'
import {ExecContext} from './core/context.js'
import {sdkError, SdkCode} from './core/errors.js'
import {EventManager, tagEvents} from './core/events.js'
import {InfiniteGasMeter} from './core/gas.js'
import {ReadOnlyStore} from './core/kv.js'
import {Overlay} from './core/overlay.js'
import {QueryRouter} from './core/query-router.js'
import type {BlockRecord, TxRecord} from './core/records.js'
import {verifySecp256k1Async, directSignBytes} from './core/sigverify.js'
import {type DecodedTx, type MsgRouteEntry, decodeTx, txHash} from './core/tx-decode.js'
import {type DevGenesis, applyGenesis} from './genesis.js'
import {AccountKeeper} from './modules/auth/keeper.js'
import type {AbciEvent, Coin, Module} from './types.js'
import {TxError} from './types.js'

export interface DevAppOptions {
  db: ChainDb
  chainId: string
  modules: Module[]
  /** Minimum gas prices for mempool admission (e.g. 0.025uakt); empty accepts any fee. */
  minGasPrices: GasPrice[]
  clock?: () => Date
  /** Most transactions in one block. */
  maxBlockTxs?: number
  log?: (line: string) => void
}

export interface CheckTxResult extends RunResult {
  hash: string
}

export interface CommittedBlock {
  block: BlockRecord
  txs: TxRecord[]
}

/** Thrown by `checkTx` where CometBFT answers a JSON-RPC error rather than a CheckTx result. */
export class MempoolError extends Error {}

const EMPTY_HASH = sha256(new Uint8Array())
const MAX_MEMPOOL = 50_000
/** How long block execution runs before letting queries and CheckTx in. */
const YIELD_EVERY_MS = 10

interface FundRequest {
  address: string
  coins: Coin[]
  resolve: (height: number) => void
}

/**
 * The dev chain's state machine: genesis, the mempool (CheckTx against a check state that
 * carries pending sequences), block production (begin-block hooks, faucet mints, DeliverTx,
 * end-block hooks, one atomic commit) and queries against committed state.
 */
export class DevApp extends EventEmitter<{block: [CommittedBlock]; work: []}> {
  readonly db: ChainDb
  readonly chainId: string
  readonly modules: readonly Module[]
  readonly baseApp: BaseApp
  readonly msgRoutes = new Map<string, MsgRouteEntry>()
  readonly queries: QueryRouter
  private readonly keepers = new Map<string, unknown>()
  private readonly clock: () => Date
  private readonly maxBlockTxs: number
  private readonly log: (line: string) => void
  private checkState: Overlay
  private mempool: DecodedTx[] = []
  private readonly inMempool = new Set<string>()
  private readonly waiters = new Map<string, Array<(tx: TxRecord) => void>>()
  private funds: FundRequest[] = []
  private last: BlockRecord | undefined
  private producing = false

  constructor(options: DevAppOptions) {
    super()
    this.db = options.db
    this.chainId = options.chainId
    this.modules = options.modules
    this.clock = options.clock ?? (() => new Date())
    this.maxBlockTxs = options.maxBlockTxs ?? 5_000
    this.log = options.log ?? (() => {})
    for (const module of options.modules) {
      if (module.keeper !== undefined) this.keepers.set(module.name, module.keeper)
      for (const route of module.msgs) {
        const typeUrl = `/${route.codec.$type}`
        if (this.msgRoutes.has(typeUrl)) throw new Error(`message ${typeUrl} is routed twice`)
        this.msgRoutes.set(typeUrl, {route, moduleName: module.name})
      }
    }
    this.baseApp = new BaseApp({chainId: options.chainId, keepers: this.keepers, minGasPrices: options.minGasPrices})
    this.queries = new QueryRouter()
    for (const module of options.modules) for (const route of module.queries) this.queries.addModuleRoute(route, () => this.queryContext())
    this.checkState = new Overlay(this.db)
    const height = this.db.latestHeight()
    this.last = height > 0 ? this.db.block(height) : undefined
  }

  /** Writes genesis state unless the database already holds a chain; returns whether it did. */
  initChain(genesis: DevGenesis): boolean {
    const stored = this.db.meta('genesis')
    if (stored) {
      const chainId = this.db.meta('chain_id')
      if (chainId !== this.chainId) {
        throw new ChainError(`The edge dev data holds chain "${chainId}", not "${this.chainId}".`, {
          code: 'devnet_chain_mismatch',
          hint: `Start with chain id "${chainId}", or delete that chain with \`edge dev reset\`.`,
        })
      }
      return false
    }
    const layer = new Overlay(this.db)
    const time = new Date(genesis.genesisTime)
    const ctx = this.baseApp.context({height: 0, time}, layer, new EventManager())
    applyGenesis(ctx, genesis, this.modules)
    const appHash = stateHash(new Uint8Array(), 0, layer)
    this.db.writeState(layer.entries(), {
      genesis: JSON.stringify(genesis),
      chain_id: this.chainId,
      genesis_time: genesis.genesisTime,
      app_hash: Buffer.from(appHash).toString('hex'),
      height: '0',
    })
    this.checkState = new Overlay(this.db)
    return true
  }

  genesis(): DevGenesis {
    const stored = this.db.meta('genesis')
    if (!stored) throw new Error('the chain has no genesis yet')
    return JSON.parse(stored) as DevGenesis
  }

  height(): number {
    return this.last?.height ?? 0
  }

  latestBlock(): BlockRecord | undefined {
    return this.last
  }

  /** The app hash after the last committed block (the genesis state's before the first). */
  appHash(): Uint8Array {
    return Buffer.from(this.db.meta('app_hash') ?? '', 'hex')
  }

  genesisTime(): Date {
    return new Date(this.db.meta('genesis_time') ?? 0)
  }

  mempoolSize(): number {
    return this.mempool.length
  }

  /** The first `limit` pending txs in mempool order, and the whole mempool's size in txs and bytes. */
  unconfirmedTxs(limit: number): {txs: Uint8Array[]; total: number; totalBytes: number} {
    const totalBytes = this.mempool.reduce((n, tx) => n + tx.bytes.length, 0)
    return {txs: this.mempool.slice(0, limit).map((tx) => tx.bytes), total: this.mempool.length, totalBytes}
  }

  /** A context over committed state for queries (read-only). */
  queryContext(): ExecContext {
    return this.baseApp.context(
      {height: this.height(), time: this.last ? new Date(this.last.time) : this.genesisTime()},
      new ReadOnlyStore(this.db),
      new EventManager(),
      new InfiniteGasMeter(),
    )
  }

  private nextBlockInfo(): BlockInfo {
    return {height: this.height() + 1, time: this.clock()}
  }

  /**
   * Mempool admission (CometBFT CheckTx). Signatures are checked on the libuv thread pool first,
   * then the ante handler runs against the check state.
   */
  async checkTx(bytes: Uint8Array): Promise<CheckTxResult> {
    const hash = txHash(bytes)
    if (this.inMempool.has(hash)) throw new MempoolError('tx already exists in cache')
    const rejected = (e: TxError): CheckTxResult => ({hash, code: e.code, codespace: e.codespace, log: e.message, data: new Uint8Array(), gasWanted: 0, gasUsed: 0, events: [], msgResponses: []})
    if (this.mempool.length >= MAX_MEMPOOL) return rejected(sdkError(20, 'mempool is full'))
    let tx: DecodedTx
    try {
      tx = decodeTx(bytes, this.msgRoutes, hash)
    } catch (error) {
      return rejected(error as TxError)
    }
    await this.preverify(tx)
    if (this.inMempool.has(hash)) throw new MempoolError('tx already exists in cache')
    const result = this.baseApp.runTx('check', this.checkState, tx, this.nextBlockInfo())
    if (result.code === 0) {
      this.mempool.push(tx)
      this.inMempool.add(hash)
      this.emit('work')
    }
    return {...result, hash}
  }

  private async preverify(tx: DecodedTx): Promise<void> {
    const accounts = new AccountKeeper(this.checkState)
    await Promise.all(
      tx.signers.map(async (signer, i) => {
        const account = accounts.get(signer.address)
        const pubKey = account?.pubKey ?? signer.pubKey
        if (!account || !pubKey || signer.signature.length !== 64) return
        const signBytes = directSignBytes(tx.raw.bodyBytes, tx.raw.authInfoBytes, this.chainId, account.accountNumber)
        if (await verifySecp256k1Async(pubKey, signBytes, signer.signature))
          this.baseApp.verified.remember(tx.hash, i, this.chainId, account.accountNumber, pubKey)
      }),
    )
  }

  /** Gas simulation (`/cosmos.tx.v1beta1.Service/Simulate`) on top of the check state. */
  simulate(bytes: Uint8Array): RunResult {
    const tx = decodeTx(bytes, this.msgRoutes)
    const result = this.baseApp.runTx('simulate', new Overlay(this.checkState), tx, this.nextBlockInfo())
    if (result.code !== 0) throw new TxError(result.codespace, result.code, result.log)
    return result
  }

  /** Resolves when a tx with this hash is committed. */
  waitForTx(hash: string, timeoutMs: number): Promise<TxRecord> {
    const existing = this.db.tx(hash)
    if (existing) return Promise.resolve(existing)
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(hash) ?? []
      const timer = setTimeout(() => {
        const l = this.waiters.get(hash)
        if (l) this.waiters.set(hash, l.filter((f) => f !== done))
        reject(new Error(`timed out waiting for tx ${hash} to be included in a block`))
      }, timeoutMs)
      const done = (tx: TxRecord) => {
        clearTimeout(timer)
        resolve(tx)
      }
      list.push(done)
      this.waiters.set(hash, list)
    })
  }

  /**
   * Dev faucet: mints `coins` into `address` at the start of the next block (recorded in that
   * block's events). Resolves with the block height.
   */
  fund(address: string, coins: Coin[]): Promise<number> {
    if (!addressBytes(address)) throw sdkError(SdkCode.invalidAddress, `invalid address ${JSON.stringify(address)}`)
    const amount = normalizeCoins(coins)
    if (amount.length === 0 || amount.some((c) => c.amount < 0n)) throw sdkError(SdkCode.invalidCoins, 'nothing to fund')
    return new Promise((resolve) => {
      this.funds.push({address, coins: amount, resolve})
      this.emit('work')
    })
  }

  hasPendingWork(): boolean {
    return this.mempool.length > 0 || this.funds.length > 0
  }

  /**
   * Builds, executes and commits the next block. It yields to the event loop every few
   * milliseconds of work, so that queries (which read committed state only) and CheckTx keep
   * being answered while a large block executes.
   */
  async produceBlock(): Promise<CommittedBlock> {
    if (this.producing) throw new Error('a block is already being produced')
    this.producing = true
    try {
      return await this.buildBlock()
    } finally {
      this.producing = false
    }
  }

  private async buildBlock(): Promise<CommittedBlock> {
    const prev = this.last
    const height = this.height() + 1
    let time = this.clock()
    const prevTime = prev ? Date.parse(prev.time) : 0
    if (time.getTime() <= prevTime) time = new Date(prevTime + 1)
    const info: BlockInfo = {height, time}
    const layer = new Overlay(this.db)
    const blockEvents: AbciEvent[] = []

    const hook = (phase: 'BeginBlock' | 'EndBlock', name: string, run: (ctx: ExecContext) => void) => {
      const hookLayer = new Overlay(layer)
      const events = new EventManager()
      try {
        run(this.baseApp.context(info, hookLayer, events))
        hookLayer.writeTo(layer)
        blockEvents.push(...tagEvents(events.events, 'mode', phase))
      } catch (error) {
        this.log(`${phase} of ${name} failed at height ${height}: ${(error as Error).stack ?? error}`)
      }
    }

    for (const module of this.modules) if (module.beginBlock) hook('BeginBlock', module.name, (ctx) => module.beginBlock!(ctx))
    const funds = this.funds
    this.funds = []
    for (const f of funds) {
      hook('BeginBlock', 'faucet', (ctx) => {
        ctx.bank.mint('faucet', f.coins)
        ctx.bank.send(ctx.bank.moduleAddress('faucet'), f.address, f.coins)
      })
    }

    const txs = this.mempool.slice(0, this.maxBlockTxs)
    this.mempool = this.mempool.slice(txs.length)
    const records: TxRecord[] = []
    let slice = performance.now()
    for (const [index, tx] of txs.entries()) {
      this.inMempool.delete(tx.hash)
      const result = this.baseApp.runTx('deliver', layer, tx, info)
      this.baseApp.verified.forget(tx.hash, tx.signers.length)
      const {msgResponses: _ignored, ...txResult} = result
      records.push({hash: tx.hash, height, index, tx: tx.bytes, result: txResult})
      if (performance.now() - slice > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        slice = performance.now()
      }
    }

    for (const module of this.modules) if (module.endBlock) hook('EndBlock', module.name, (ctx) => module.endBlock!(ctx))

    const prevAppHash = prev ? prev.resultAppHash : this.appHash()
    const block: BlockRecord = {
      height,
      time: toRfc3339Nano(time),
      hash: new Uint8Array(),
      lastBlockHash: prev?.hash ?? new Uint8Array(),
      appHash: prevAppHash,
      resultAppHash: stateHash(prevAppHash, height, layer),
      dataHash: txs.length ? sha256(Buffer.concat(txs.map((t) => sha256(t.bytes)))) : EMPTY_HASH,
      lastResultsHash: EMPTY_HASH,
      txs: txs.map((t) => t.bytes),
      events: blockEvents,
      size: txs.reduce((n, t) => n + t.bytes.length, 0),
    }
    block.hash = sha256(
      utf8.encode(
        JSON.stringify([this.chainId, height, block.time, hex(block.lastBlockHash), hex(block.appHash), hex(block.dataHash)]),
      ),
    )
    try {
      this.db.commitBlock(layer.entries(), block, records)
    } catch (error) {
      // Nothing of this block was stored (one SQLite transaction): its txs and faucet requests go
      // back to the front of the queue for the next block rather than being lost with it.
      this.mempool = [...txs.filter((tx) => !this.inMempool.has(tx.hash)), ...this.mempool]
      for (const tx of txs) this.inMempool.add(tx.hash)
      this.funds = [...funds, ...this.funds]
      throw error
    }
    this.last = block

    // Mempool txs that did not fit are checked again against the new state (CometBFT recheck).
    this.checkState = new Overlay(this.db)
    const kept: DecodedTx[] = []
    for (const tx of this.mempool) {
      if (this.baseApp.runTx('recheck', this.checkState, tx, this.nextBlockInfo()).code === 0) kept.push(tx)
      else this.inMempool.delete(tx.hash)
    }
    this.mempool = kept

    for (const f of funds) f.resolve(height)
    for (const record of records) {
      const waiting = this.waiters.get(record.hash)
      if (waiting) {
        this.waiters.delete(record.hash)
        for (const w of waiting) w(record)
      }
    }
    const committed = {block, txs: records}
    this.emit('block', committed)
    return committed
  }
}

const utf8 = new TextEncoder()

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** A deterministic app hash: the previous one chained with this block's sorted writes. */
function stateHash(prev: Uint8Array, height: number, layer: Overlay): Uint8Array {
  const entries = [...layer.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const h = sha256.create()
  h.update(prev)
  h.update(utf8.encode(String(height)))
  for (const [key, value] of entries) {
    h.update(utf8.encode(key))
    h.update(value === null ? new Uint8Array([0]) : sha256(value))
  }
  return h.digest()
}

/** RFC 3339 with nanosecond precision, as CometBFT prints block times. */
export function toRfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')
}
