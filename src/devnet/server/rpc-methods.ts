import {type DevApp, MempoolError} from '../app.js'
import {fromProtoCoins} from '../core/coins.js'
import {queryFailure} from '../core/query-error.js'
import type {TxResult} from '../core/records.js'
import {txHash} from '../core/tx-decode.js'
import {QueryParseError, parseQuery} from '../core/tx-query.js'
import {TxError} from '../types.js'
import {discoveryJson} from './discovery.js'
import {type CometRenderer, COMET_VERSION, b64, consensusParamsJson, hexUpper, txJson, txResultJson} from './comet-json.js'
import {consensusMethods} from './rpc-consensus.js'
import {RpcError} from './rpc-error.js'

export {RpcError} from './rpc-error.js'

const internal = (data: string) => new RpcError(-32603, 'Internal error', data)
export const invalidParams = (data: string) => new RpcError(-32602, 'Invalid params', data)

/** Parameters of one call: from a JSON-RPC body (typed values) or a URI query string (strings, maybe quoted). */
export class RpcParams {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly fromUri: boolean,
  ) {}

  private raw(name: string): unknown {
    const v = this.values[name]
    if (this.fromUri && typeof v === 'string' && v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1)
    return v
  }

  /** The value as given (JSON-RPC bodies carry objects and lists). */
  value(name: string): unknown {
    return this.raw(name)
  }

  has(name: string): boolean {
    const v = this.raw(name)
    return v !== undefined && v !== null && v !== ''
  }

  /**
   * A string. In a URI it must be quoted (`query="tx.height=5"`), JSON-style: CometBFT reads an
   * unquoted value as JSON and refuses it, so a client that forgets the quotes fails here too.
   */
  string(name: string, fallback = ''): string {
    const original = this.values[name]
    if (this.fromUri && typeof original === 'string' && original !== '') {
      let parsed: unknown
      try {
        parsed = JSON.parse(original)
      } catch {
        throw invalidParams(`error converting http params to arguments: invalid character '${original[0]}' looking for beginning of value`)
      }
      if (parsed === null) return fallback
      if (typeof parsed !== 'string') throw invalidParams(`error converting http params to arguments: json: cannot unmarshal ${typeof parsed} into Go value of type string`)
      return parsed
    }
    const v = this.raw(name)
    if (v === undefined || v === null) return fallback
    return String(v)
  }

  int(name: string, fallback?: number): number | undefined {
    const v = this.raw(name)
    if (v === undefined || v === null || v === '') return fallback
    const n = Number(v)
    if (!Number.isInteger(n)) throw invalidParams(`error converting ${name}: ${JSON.stringify(v)} is not an integer`)
    return n
  }

  bool(name: string): boolean {
    const v = this.raw(name)
    return v === true || v === 'true'
  }

  /** Bytes: base64 in a JSON body, `0x…` hex (or quoted base64) in a URI. */
  bytes(name: string, jsonEncoding: 'base64' | 'hex' = 'base64'): Uint8Array {
    const original = this.values[name]
    const v = this.raw(name)
    if (typeof v !== 'string') return new Uint8Array()
    if (this.fromUri && typeof original === 'string' && /^0x/i.test(original)) return Buffer.from(original.slice(2), 'hex')
    if (jsonEncoding === 'hex' && /^[0-9a-fA-F]*$/.test(v)) return Buffer.from(v, 'hex')
    return Buffer.from(v, 'base64')
  }
}

export interface RpcContext {
  app: DevApp
  renderer: CometRenderer
  rpcAddress: string
  /** How long broadcast_tx_commit waits for inclusion. */
  commitTimeoutMs: number
}

type Method = (ctx: RpcContext, p: RpcParams) => Promise<unknown> | unknown

function heightParam(ctx: RpcContext, p: RpcParams): number {
  const latest = ctx.app.height()
  const h = p.int('height') ?? latest
  if (h <= 0) throw internal(`height must be greater than 0, but got ${h}`)
  if (h > latest) throw internal(`height ${h} must be less than or equal to the current blockchain height ${latest}`)
  return h
}

function blockAt(ctx: RpcContext, height: number) {
  const block = ctx.app.db.block(height)
  if (!block) throw internal(`could not find block at height ${height}`)
  return block
}

/** A CheckTx result: a DeliverTx-shaped result without events. */
function checkTxJson(r: Omit<TxResult, 'events'>) {
  return txResultJson({...r, events: []})
}

async function checkTx(ctx: RpcContext, tx: Uint8Array) {
  if (tx.length === 0) throw invalidParams('tx is empty')
  try {
    return await ctx.app.checkTx(tx)
  } catch (error) {
    if (error instanceof MempoolError) throw internal(error.message)
    throw error
  }
}

/** The app name and version the node reports (app/app.go `AppName`; Makefile ldflags). */
export const NODE_APP_NAME = 'akash'
export const NODE_APP_VERSION = '2.1.0'

function genesisDocument(ctx: RpcContext): Record<string, unknown> {
  const g = ctx.app.genesis()
  return {
    genesis_time: g.genesisTime,
    chain_id: g.chainId,
    initial_height: '1',
    consensus_params: consensusParamsJson(),
    validators: [{address: ctx.renderer.validatorAddress, pub_key: ctx.renderer.validatorPubKeyJson(), power: '10', name: 'edge-dev'}],
    app_hash: '',
    app_state: {
      auth: {accounts: g.accounts.map((a) => ({'@type': '/cosmos.auth.v1beta1.BaseAccount', address: a.address}))},
      bank: {balances: g.accounts, send_enabled: g.bank.sendEnabled, denom_metadata: g.bank.denomMetadata},
      ...g.appState,
    },
  }
}

export const methods: Record<string, Method> = {
  ...consensusMethods(genesisDocument),

  health: () => ({}),

  status(ctx) {
    const latest = ctx.app.latestBlock()
    const first = ctx.app.db.block(1)
    return {
      node_info: {
        protocol_version: {p2p: '8', block: '11', app: '0'},
        id: ctx.renderer.validatorAddress.toLowerCase(),
        listen_addr: 'tcp://127.0.0.1:26656',
        network: ctx.app.chainId,
        version: COMET_VERSION,
        channels: '40202122233038606100',
        moniker: 'edge-dev',
        other: {tx_index: 'on', rpc_address: ctx.rpcAddress},
      },
      sync_info: {
        latest_block_hash: latest ? hexUpper(latest.hash) : '',
        latest_app_hash: hexUpper(ctx.app.appHash()),
        latest_block_height: String(ctx.app.height()),
        latest_block_time: latest?.time ?? ctx.app.genesisTime().toISOString(),
        earliest_block_hash: first ? hexUpper(first.hash) : '',
        earliest_app_hash: first ? hexUpper(first.appHash) : '',
        earliest_block_height: first ? '1' : '0',
        earliest_block_time: first?.time ?? ctx.app.genesisTime().toISOString(),
        catching_up: false,
      },
      validator_info: {address: ctx.renderer.validatorAddress, pub_key: ctx.renderer.validatorPubKeyJson(), voting_power: '10'},
    }
  },

  abci_info(ctx) {
    // As the node's BaseApp answers Info: its name, `version.Version` (the Makefile strips the
    // tag's "v"), and app_version 0, which CometBFT's JSON leaves out (omitempty).
    return {
      response: {
        data: NODE_APP_NAME,
        version: NODE_APP_VERSION,
        last_block_height: String(ctx.app.height()),
        last_block_app_hash: b64(ctx.app.appHash()),
      },
    }
  },

  async abci_query(ctx, p) {
    const path = p.string('path')
    const data = p.bytes('data', 'hex')
    const height = ctx.app.height()
    const requested = p.int('height', 0) ?? 0
    if (requested > height) throw internal(`cannot query with height in the future; please provide a valid height`)
    try {
      const value = await ctx.app.queries.queryBytes(path, data, 'abci')
      return {response: {code: 0, log: '', info: '', index: '0', key: null, value: b64(value), proofOps: null, height: String(height), codespace: ''}}
    } catch (error) {
      const f = queryFailure(error)
      const unknown = f.grpcCode === 12
      return {
        response: {
          code: unknown ? 6 : f.code,
          log: unknown ? `unknown query path: unknown request` : f.log,
          info: '',
          index: '0',
          key: null,
          value: null,
          proofOps: null,
          height: String(height),
          codespace: unknown ? 'sdk' : f.codespace,
        },
      }
    }
  },

  async broadcast_tx_sync(ctx, p) {
    const r = await checkTx(ctx, p.bytes('tx'))
    return {code: r.code, data: r.data.length ? b64(r.data) : '', log: r.log, codespace: r.codespace, hash: r.hash}
  },

  async broadcast_tx_async(ctx, p) {
    const tx = p.bytes('tx')
    if (tx.length === 0) throw invalidParams('tx is empty')
    const hash = txHash(tx)
    void ctx.app.checkTx(tx).catch(() => {})
    return {code: 0, data: '', log: '', codespace: '', hash}
  },

  async broadcast_tx_commit(ctx, p) {
    const r = await checkTx(ctx, p.bytes('tx'))
    if (r.code !== 0) return {check_tx: checkTxJson(r), tx_result: txResultJson({...r, code: 0, codespace: '', log: '', events: [], gasWanted: 0, gasUsed: 0}), hash: r.hash, height: '0'}
    let included
    try {
      included = await ctx.app.waitForTx(r.hash, ctx.commitTimeoutMs)
    } catch {
      throw internal('timed out waiting for tx to be included in a block')
    }
    return {check_tx: checkTxJson(r), tx_result: txResultJson(included.result), hash: r.hash, height: String(included.height)}
  },

  check_tx(ctx, p) {
    const tx = p.bytes('tx')
    // CheckTx without admission: run it on a copy of the mempool state.
    try {
      return checkTxJson(ctx.app.simulate(tx))
    } catch (error) {
      if (error instanceof TxError) return checkTxJson({code: error.code, codespace: error.codespace, log: error.message, data: new Uint8Array(), gasWanted: 0, gasUsed: 0})
      throw error
    }
  },

  tx(ctx, p) {
    const hash = p.bytes('hash')
    const record = ctx.app.db.tx(hexUpper(hash))
    if (!record) throw internal(`tx (${hexUpper(hash)}) not found`)
    return txJson(record)
  },

  tx_search(ctx, p) {
    let query
    try {
      query = parseQuery(p.string('query'))
    } catch (error) {
      if (error instanceof QueryParseError) throw internal(`failed to parse query: ${error.message}`)
      throw error
    }
    const perPage = Math.min(Math.max(p.int('per_page', 30) ?? 30, 1), 100)
    const page = p.int('page', 1) ?? 1
    const orderBy = p.string('order_by', 'asc') || 'asc'
    if (orderBy !== 'asc' && orderBy !== 'desc') throw internal('expected order_by to be either `asc` or `desc` or empty')
    const {total, txs} = ctx.app.db.searchTxs(query, page, perPage, orderBy)
    const pages = Math.max(1, Math.ceil(total / perPage))
    if (page < 1 || page > pages) throw internal(`page should be within [1, ${pages}] range, given ${page}`)
    return {txs: txs.map(txJson), total_count: String(total)}
  },

  block(ctx, p) {
    const height = heightParam(ctx, p)
    return ctx.renderer.blockResponseJson(blockAt(ctx, height), height > 1 ? ctx.app.db.block(height - 1) : undefined)
  },

  block_by_hash(ctx, p) {
    const height = ctx.app.db.heightOfBlock(p.bytes('hash'))
    if (height === undefined) return {block_id: {hash: '', parts: {total: 0, hash: ''}}, block: null}
    return ctx.renderer.blockResponseJson(blockAt(ctx, height), height > 1 ? ctx.app.db.block(height - 1) : undefined)
  },

  header(ctx, p) {
    return {header: ctx.renderer.headerJson(blockAt(ctx, heightParam(ctx, p)))}
  },

  header_by_hash(ctx, p) {
    const height = ctx.app.db.heightOfBlock(p.bytes('hash'))
    return {header: height === undefined ? null : ctx.renderer.headerJson(blockAt(ctx, height))}
  },

  block_results(ctx, p) {
    const height = heightParam(ctx, p)
    return ctx.renderer.blockResultsJson(blockAt(ctx, height), ctx.app.db.txsAt(height))
  },

  commit(ctx, p) {
    const height = heightParam(ctx, p)
    const block = blockAt(ctx, height)
    return {signed_header: {header: ctx.renderer.headerJson(block), commit: ctx.renderer.commitJson(block, height)}, canonical: true}
  },

  blockchain(ctx, p) {
    const latest = ctx.app.height()
    const max = Math.min(p.int('maxHeight') ?? latest, latest)
    const min = Math.max(p.int('minHeight') ?? 1, 1, max - 19)
    if (min > max) throw internal(`min height ${min} can't be greater than max height ${max}`)
    const metas = []
    for (let h = max; h >= min; h--) metas.push(ctx.renderer.blockMetaJson(blockAt(ctx, h)))
    return {last_height: String(latest), block_metas: metas}
  },

  validators(ctx, p) {
    const height = heightParam(ctx, p)
    return {block_height: String(height), validators: [ctx.renderer.validatorJson()], count: '1', total: '1'}
  },

  consensus_params(ctx, p) {
    const height = heightParam(ctx, p)
    return {block_height: String(height), consensus_params: consensusParamsJson()}
  },

  genesis: (ctx) => ({genesis: genesisDocument(ctx)}),

  num_unconfirmed_txs(ctx) {
    const {total, totalBytes} = ctx.app.unconfirmedTxs(0)
    return {n_txs: String(total), total: String(total), total_bytes: String(totalBytes), txs: null}
  },

  unconfirmed_txs(ctx, p) {
    // CometBFT's per-page rule: 30 by default, at most 100.
    const limit = Math.min(Math.max(p.int('limit', 30) ?? 30, 1), 100)
    const {txs, total, totalBytes} = ctx.app.unconfirmedTxs(limit)
    return {n_txs: String(txs.length), total: String(total), total_bytes: String(totalBytes), txs: txs.map(b64)}
  },

  net_info: () => ({listening: true, listeners: [], n_peers: '0', peers: []}),

  /** Akash's route (chain-sdk go/node/client): the API versions Go clients negotiate. */
  akash: (ctx) => discoveryJson(ctx.app.chainId),

  /**
   * edge dev only: the faucet. Mints the coins into `address` in the next block, recorded as a
   * mint in that block's events. No faucet key exists anywhere.
   */
  async edge_fund(ctx, p) {
    const address = p.string('address')
    const coinsParam = p.value('coins')
    let coins
    try {
      const list = typeof coinsParam === 'string' ? JSON.parse(coinsParam) : coinsParam
      if (!Array.isArray(list)) throw new Error('coins must be a list of {denom, amount}')
      coins = fromProtoCoins([...list].sort((a, b) => (a.denom < b.denom ? -1 : 1)))
    } catch (error) {
      throw invalidParams(error instanceof Error ? error.message : String(error))
    }
    try {
      const height = await ctx.app.fund(address, coins)
      return {height: String(height), address, coins: coins.map((c) => ({denom: c.denom, amount: c.amount.toString()}))}
    } catch (error) {
      if (error instanceof TxError) throw invalidParams(error.message)
      throw error
    }
  },
}
