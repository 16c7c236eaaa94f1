import Database from 'better-sqlite3'

import {type Migration, migrate} from '../../lib/sqlite-migrations.js'
import type {AbciEvent} from '../types.js'
import {type IterateOptions, type KVReader, prefixEnd} from './kv.js'
import type {BlockRecord, TxRecord, TxResult} from './records.js'
import type {TxQuery} from './tx-query.js'

const PAGE = 256

/** The schema, one step per version (PRAGMA user_version); add a step, never edit one. */
const MIGRATIONS: readonly Migration[] = [
  `
    CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS blocks (
      height INTEGER PRIMARY KEY, time TEXT NOT NULL, hash BLOB NOT NULL, last_block_hash BLOB NOT NULL,
      app_hash BLOB NOT NULL, result_app_hash BLOB NOT NULL, data_hash BLOB NOT NULL,
      last_results_hash BLOB NOT NULL, events TEXT NOT NULL, size INTEGER NOT NULL, num_txs INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS txs (
      hash TEXT PRIMARY KEY, height INTEGER NOT NULL, idx INTEGER NOT NULL, tx BLOB NOT NULL, code INTEGER NOT NULL,
      result TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;
    CREATE UNIQUE INDEX IF NOT EXISTS txs_position ON txs (height, idx);
    CREATE INDEX IF NOT EXISTS blocks_hash ON blocks (hash);
    CREATE TABLE IF NOT EXISTS tx_events (attr TEXT NOT NULL, value TEXT NOT NULL, height INTEGER NOT NULL, idx INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS tx_events_attr ON tx_events (attr, value, height, idx);
  `,
]

/** Committed values (and known absences) kept in memory; every commit updates them. */
const CACHE_LIMIT = 100_000

type Row = [string, Uint8Array]

/**
 * The one SQLite database (WAL) of a devnet: committed state, blocks, tx results and the tx
 * event index. A block's state writes, its record and its txs are written in one SQLite
 * transaction, so after a crash the chain resumes at the last committed height, whole.
 */
export class ChainDb implements KVReader {
  readonly db: Database.Database
  private readonly stmt: ReturnType<ChainDb['prepare']>
  private readonly cache = new Map<string, Uint8Array | null>()

  constructor(path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    // NORMAL is durable against a killed process (the WAL is fsynced at checkpoints, and a
    // committed transaction is in the WAL before the call returns); only power loss can drop
    // the newest blocks.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('cache_size = -65536')
    migrate(this.db, MIGRATIONS, `The edge dev chain database ${path}`)
    this.stmt = this.prepare()
  }

  private prepare() {
    const db = this.db
    const sel = 'SELECT key, value FROM state WHERE'
    return {
      get: db.prepare('SELECT value FROM state WHERE key = ?').pluck(),
      put: db.prepare('INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)'),
      del: db.prepare('DELETE FROM state WHERE key = ?'),
      ascIncEnd: db.prepare(`${sel} key >= ? AND key < ? ORDER BY key ASC LIMIT ${PAGE}`).raw(),
      ascExcEnd: db.prepare(`${sel} key > ? AND key < ? ORDER BY key ASC LIMIT ${PAGE}`).raw(),
      ascInc: db.prepare(`${sel} key >= ? ORDER BY key ASC LIMIT ${PAGE}`).raw(),
      ascExc: db.prepare(`${sel} key > ? ORDER BY key ASC LIMIT ${PAGE}`).raw(),
      descInc: db.prepare(`${sel} key <= ? AND key >= ? ORDER BY key DESC LIMIT ${PAGE}`).raw(),
      descExc: db.prepare(`${sel} key < ? AND key >= ? ORDER BY key DESC LIMIT ${PAGE}`).raw(),
      descAll: db.prepare(`${sel} key >= ? ORDER BY key DESC LIMIT ${PAGE}`).raw(),
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      metaPut: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      blockPut: db.prepare(
        'INSERT INTO blocks VALUES (@height, @time, @hash, @lastBlockHash, @appHash, @resultAppHash, @dataHash, @lastResultsHash, @events, @size, @numTxs)',
      ),
      blockGet: db.prepare('SELECT * FROM blocks WHERE height = ?'),
      blockByHash: db.prepare('SELECT height FROM blocks WHERE hash = ?').pluck(),
      blockTime: db.prepare('SELECT time FROM blocks WHERE height = ?').pluck(),
      txPut: db.prepare('INSERT INTO txs VALUES (?, ?, ?, ?, ?, ?, ?)'),
      txGet: db.prepare('SELECT * FROM txs WHERE hash = ?'),
      txsAt: db.prepare('SELECT * FROM txs WHERE height = ? ORDER BY idx'),
      eventPut: db.prepare('INSERT INTO tx_events VALUES (?, ?, ?, ?)'),
    }
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  get(key: string): Uint8Array | undefined {
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached ?? undefined
    const value = (this.stmt.get.get(key) as Uint8Array | undefined) ?? null
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(key, value)
    return value ?? undefined
  }

  /** Walks committed state a page at a time, so no SQLite cursor stays open across yields. */
  *iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]> {
    const end = prefixEnd(prefix)
    const s = this.stmt
    if (!options?.reverse) {
      let lower = options?.start !== undefined && options.start > prefix ? options.start : prefix
      let rows: Row[] = (end === undefined ? s.ascInc.all(lower) : s.ascIncEnd.all(lower, end)) as Row[]
      for (;;) {
        yield* rows
        if (rows.length < PAGE) return
        lower = rows[rows.length - 1][0]
        rows = (end === undefined ? s.ascExc.all(lower) : s.ascExcEnd.all(lower, end)) as Row[]
      }
    }
    let rows: Row[]
    if (options?.start !== undefined && (end === undefined || options.start < end)) rows = s.descInc.all(options.start, prefix) as Row[]
    else if (end !== undefined) rows = s.descExc.all(end, prefix) as Row[]
    else rows = s.descAll.all(prefix) as Row[]
    for (;;) {
      yield* rows
      if (rows.length < PAGE) return
      rows = s.descExc.all(rows[rows.length - 1][0], prefix) as Row[]
    }
  }

  meta(key: string): string | undefined {
    return this.stmt.metaGet.get(key) as string | undefined
  }

  setMeta(key: string, value: string): void {
    this.stmt.metaPut.run(key, value)
  }

  /** The last committed height, 0 before the first block. */
  latestHeight(): number {
    return Number(this.meta('height') ?? '0')
  }

  /** Writes state (genesis) outside a block, in one transaction. */
  writeState(writes: Iterable<[string, Uint8Array | null]>, meta: Record<string, string>): void {
    this.transact(() => {
      this.applyWrites(writes)
      for (const [k, v] of Object.entries(meta)) this.stmt.metaPut.run(k, v)
    })
  }

  private pendingCache: Array<[string, Uint8Array | null]> = []

  /** Runs one SQLite transaction and, once it committed, brings the read cache up to date. */
  private transact(fn: () => void): void {
    this.pendingCache = []
    try {
      this.db.transaction(fn)()
    } catch (error) {
      this.pendingCache = []
      throw error
    }
    for (const [key, value] of this.pendingCache) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
      this.cache.set(key, value)
    }
    this.pendingCache = []
  }

  /** Commits a block: state writes, block record, tx results and event index, atomically. */
  commitBlock(writes: Iterable<[string, Uint8Array | null]>, block: BlockRecord, txs: TxRecord[]): void {
    const s = this.stmt
    this.transact(() => {
      this.applyWrites(writes)
      s.blockPut.run({
        height: block.height,
        time: block.time,
        hash: block.hash,
        lastBlockHash: block.lastBlockHash,
        appHash: block.appHash,
        resultAppHash: block.resultAppHash,
        dataHash: block.dataHash,
        lastResultsHash: block.lastResultsHash,
        events: JSON.stringify(block.events),
        size: block.size,
        numTxs: txs.length,
      })
      for (const tx of txs) {
        const {data, ...rest} = tx.result
        s.txPut.run(tx.hash, tx.height, tx.index, tx.tx, tx.result.code, JSON.stringify(rest), data)
        for (const event of tx.result.events) {
          for (const attr of event.attributes) {
            if (attr.index === false) continue
            s.eventPut.run(`${event.type}.${attr.key}`, attr.value, tx.height, tx.index)
          }
        }
      }
      s.metaPut.run('height', String(block.height))
      s.metaPut.run('app_hash', Buffer.from(block.resultAppHash).toString('hex'))
    })
  }

  private applyWrites(writes: Iterable<[string, Uint8Array | null]>): void {
    const applied: Array<[string, Uint8Array | null]> = []
    for (const [key, value] of writes) {
      if (value === null) this.stmt.del.run(key)
      else this.stmt.put.run(key, value)
      applied.push([key, value])
    }
    // Only after the statements ran: a failed transaction must not leave the cache ahead of disk.
    this.pendingCache.push(...applied)
  }

  block(height: number): BlockRecord | undefined {
    const row = this.stmt.blockGet.get(height) as BlockRow | undefined
    if (!row) return undefined
    const txs = (this.stmt.txsAt.all(height) as TxRow[]).map((t) => t.tx)
    return {
      height: row.height,
      time: row.time,
      hash: row.hash,
      lastBlockHash: row.last_block_hash,
      appHash: row.app_hash,
      resultAppHash: row.result_app_hash,
      dataHash: row.data_hash,
      lastResultsHash: row.last_results_hash,
      txs,
      events: JSON.parse(row.events) as AbciEvent[],
      size: row.size,
    }
  }

  /** A block's time (RFC 3339), without reading its txs. */
  blockTime(height: number): string | undefined {
    return this.stmt.blockTime.get(height) as string | undefined
  }

  heightOfBlock(hash: Uint8Array): number | undefined {
    return this.stmt.blockByHash.get(hash) as number | undefined
  }

  txsAt(height: number): TxRecord[] {
    return (this.stmt.txsAt.all(height) as TxRow[]).map(toTxRecord)
  }

  tx(hash: string): TxRecord | undefined {
    const row = this.stmt.txGet.get(hash.toUpperCase()) as TxRow | undefined
    return row ? toTxRecord(row) : undefined
  }

  /**
   * CometBFT `tx_search`: the txs matching every condition, ordered by position, one page.
   * `page` counts from 1.
   */
  searchTxs(query: TxQuery, page: number, perPage: number, order: 'asc' | 'desc'): {total: number; txs: TxRecord[]} {
    const where: string[] = []
    const params: unknown[] = []
    for (const c of query) {
      if (c.key === 'tx.hash') {
        where.push(`t.hash ${sqlOp(c.op === 'CONTAINS' ? '=' : c.op)} ?`)
        params.push(String(c.value).toUpperCase())
      } else if (c.key === 'tx.height') {
        where.push(`t.height ${sqlOp(c.op)} ?`)
        params.push(Number(c.value))
      } else if (c.op === 'EXISTS') {
        where.push('EXISTS (SELECT 1 FROM tx_events e WHERE e.attr = ? AND e.height = t.height AND e.idx = t.idx)')
        params.push(c.key)
      } else if (c.op === 'CONTAINS') {
        where.push(
          "EXISTS (SELECT 1 FROM tx_events e WHERE e.attr = ? AND e.height = t.height AND e.idx = t.idx AND instr(e.value, ?) > 0)",
        )
        params.push(c.key, String(c.value))
      } else if (c.op === '=' && typeof c.value === 'string') {
        where.push('(t.height, t.idx) IN (SELECT height, idx FROM tx_events WHERE attr = ? AND value = ?)')
        params.push(c.key, c.value)
      } else {
        const cmp = typeof c.value === 'number' ? `CAST(e.value AS REAL) ${sqlOp(c.op)} ?` : `e.value ${sqlOp(c.op)} ?`
        where.push(`EXISTS (SELECT 1 FROM tx_events e WHERE e.attr = ? AND e.height = t.height AND e.idx = t.idx AND ${cmp})`)
        params.push(c.key, c.value)
      }
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    const total = this.search(`SELECT count(*) FROM txs t ${clause}`).pluck().get(...params) as number
    const dir = order === 'desc' ? 'DESC' : 'ASC'
    const rows = this.search(`SELECT t.* FROM txs t ${clause} ORDER BY t.height ${dir}, t.idx ${dir} LIMIT ? OFFSET ?`).all(
      ...params,
      perPage,
      (page - 1) * perPage,
    ) as TxRow[]
    return {total, txs: rows.map(toTxRecord)}
  }

  private readonly searches = new Map<string, Database.Statement>()

  /**
   * A prepared tx_search statement. Clients poll tx_search (cosmjs waits for inclusion that way)
   * with a handful of query shapes, and the values are bound, so a few statements serve them all.
   */
  private search(sql: string): Database.Statement {
    let stmt = this.searches.get(sql)
    if (!stmt) {
      if (this.searches.size >= 64) this.searches.clear()
      stmt = this.db.prepare(sql)
      this.searches.set(sql, stmt)
    }
    return stmt
  }
}

interface BlockRow {
  height: number
  time: string
  hash: Uint8Array
  last_block_hash: Uint8Array
  app_hash: Uint8Array
  result_app_hash: Uint8Array
  data_hash: Uint8Array
  last_results_hash: Uint8Array
  events: string
  size: number
  num_txs: number
}

interface TxRow {
  hash: string
  height: number
  idx: number
  tx: Uint8Array
  code: number
  result: string
  data: Uint8Array
}

function toTxRecord(row: TxRow): TxRecord {
  const result = JSON.parse(row.result) as Omit<TxResult, 'data'>
  return {hash: row.hash, height: row.height, index: row.idx, tx: row.tx, result: {...result, data: row.data}}
}

function sqlOp(op: string): string {
  switch (op) {
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return op
    default:
      throw new Error(`unsupported operator ${op}`)
  }
}
