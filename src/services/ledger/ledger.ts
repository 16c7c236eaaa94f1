/**
 * The local deployment ledger: what edge opened, on which network, for whom, with the guards
 * the user asked for (TTL, budget, labels, idempotency key). SQLite (WAL) under the data dir;
 * a row is written before the transaction it describes is broadcast, so a crash never leaves a
 * deployment edge does not know about.
 *
 * Schema (version 1):
 *   deployments(
 *     network TEXT, owner TEXT, dseq TEXT              -- the deployment id, per network
 *     state TEXT                                       -- creating | open | leased | ready | closed | failed
 *     file TEXT, hash TEXT, services TEXT (JSON array) -- what was deployed (hash = manifest version, hex)
 *     provider TEXT, gseq INT, oseq INT, bseq INT      -- the lease, once there is one
 *     price_per_block TEXT, denom TEXT                 -- lease price, base denom × 10^18
 *     deposit TEXT, deposit_denom TEXT                 -- initial escrow deposit, base denom
 *     budget_usd TEXT                                  -- USD × 10^18, NULL = none
 *     expires_at INTEGER                               -- ms since epoch (TTL), NULL = none
 *     idempotency_key TEXT, labels TEXT (JSON object), uris TEXT (JSON array)
 *     created_height INT, lease_height INT
 *     created_at INTEGER, updated_at INTEGER, closed_at INTEGER (ms), close_reason TEXT
 *     PRIMARY KEY (network, owner, dseq))
 *   UNIQUE (network, owner, idempotency_key) among rows that are not closed or failed.
 */
import {mkdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

import type Database from 'better-sqlite3'

import {dataDir} from '../../config/paths.js'
import {type Migration, migrate} from '../../lib/sqlite-migrations.js'

export type LedgerState = 'creating' | 'open' | 'leased' | 'ready' | 'closed' | 'failed'

export interface LedgerEntry {
  network: string
  owner: string
  dseq: bigint
  state: LedgerState
  file?: string
  hash?: string
  services: string[]
  provider?: string
  gseq?: number
  oseq?: number
  bseq?: number
  pricePerBlock?: bigint
  denom?: string
  deposit?: bigint
  depositDenom?: string
  budgetUsd?: bigint
  expiresAt?: number
  idempotencyKey?: string
  labels: Record<string, string>
  uris: string[]
  createdHeight?: number
  leaseHeight?: number
  createdAt: number
  updatedAt: number
  closedAt?: number
  closeReason?: string
}

/** The schema, one step per version (PRAGMA user_version); add a step, never edit one. */
const MIGRATIONS: readonly Migration[] = [
  `
CREATE TABLE IF NOT EXISTS deployments (
  network TEXT NOT NULL,
  owner TEXT NOT NULL,
  dseq TEXT NOT NULL,
  state TEXT NOT NULL,
  file TEXT,
  hash TEXT,
  services TEXT NOT NULL DEFAULT '[]',
  provider TEXT,
  gseq INTEGER,
  oseq INTEGER,
  bseq INTEGER,
  price_per_block TEXT,
  denom TEXT,
  deposit TEXT,
  deposit_denom TEXT,
  budget_usd TEXT,
  expires_at INTEGER,
  idempotency_key TEXT,
  labels TEXT NOT NULL DEFAULT '{}',
  uris TEXT NOT NULL DEFAULT '[]',
  created_height INTEGER,
  lease_height INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER,
  close_reason TEXT,
  PRIMARY KEY (network, owner, dseq)
);
CREATE UNIQUE INDEX IF NOT EXISTS deployments_idempotency
  ON deployments (network, owner, idempotency_key)
  WHERE idempotency_key IS NOT NULL AND state NOT IN ('closed', 'failed');
`,
]

type Row = Record<string, string | number | null>

const COLUMNS: Array<[keyof LedgerEntry, string, 'text' | 'int' | 'big' | 'json']> = [
  ['network', 'network', 'text'],
  ['owner', 'owner', 'text'],
  ['dseq', 'dseq', 'big'],
  ['state', 'state', 'text'],
  ['file', 'file', 'text'],
  ['hash', 'hash', 'text'],
  ['services', 'services', 'json'],
  ['provider', 'provider', 'text'],
  ['gseq', 'gseq', 'int'],
  ['oseq', 'oseq', 'int'],
  ['bseq', 'bseq', 'int'],
  ['pricePerBlock', 'price_per_block', 'big'],
  ['denom', 'denom', 'text'],
  ['deposit', 'deposit', 'big'],
  ['depositDenom', 'deposit_denom', 'text'],
  ['budgetUsd', 'budget_usd', 'big'],
  ['expiresAt', 'expires_at', 'int'],
  ['idempotencyKey', 'idempotency_key', 'text'],
  ['labels', 'labels', 'json'],
  ['uris', 'uris', 'json'],
  ['createdHeight', 'created_height', 'int'],
  ['leaseHeight', 'lease_height', 'int'],
  ['createdAt', 'created_at', 'int'],
  ['updatedAt', 'updated_at', 'int'],
  ['closedAt', 'closed_at', 'int'],
  ['closeReason', 'close_reason', 'text'],
]

function toRow(entry: Partial<LedgerEntry>): Row {
  const row: Row = {}
  for (const [key, column, kind] of COLUMNS) {
    if (!(key in entry)) continue
    const value = entry[key]
    if (value === undefined || value === null) row[column] = null
    else if (kind === 'big') row[column] = (value as bigint).toString()
    else if (kind === 'json') row[column] = JSON.stringify(value)
    else row[column] = value as string | number
  }
  return row
}

function fromRow(row: Row): LedgerEntry {
  const entry: Record<string, unknown> = {}
  for (const [key, column, kind] of COLUMNS) {
    const value = row[column]
    if (value === null || value === undefined) continue
    if (kind === 'big') entry[key] = BigInt(value as string)
    else if (kind === 'json') entry[key] = JSON.parse(value as string)
    else entry[key] = value
  }
  entry.services ??= []
  entry.labels ??= {}
  entry.uris ??= []
  return entry as unknown as LedgerEntry
}

export class IdempotencyConflict extends Error {
  constructor(readonly existing: LedgerEntry) {
    super(`idempotency key ${existing.idempotencyKey} is held by deployment ${existing.dseq}`)
  }
}

export function ledgerPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'ledger.db')
}

export class Ledger {
  private constructor(private readonly db: Database.Database, private readonly now: () => number) {}

  /** Opens (and creates) the ledger; better-sqlite3 is loaded only by commands that need it. */
  static async open(path = ledgerPath(), options: {now?: () => number} = {}): Promise<Ledger> {
    const {default: BetterSqlite3} = await import('better-sqlite3')
    mkdirSync(dirname(path), {recursive: true})
    const db = new BetterSqlite3(path)
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    migrate(db, MIGRATIONS, `The deployment ledger ${path}`)
    return new Ledger(db, options.now ?? Date.now)
  }

  close(): void {
    this.db.close()
  }

  /**
   * Records a deployment about to be created. With an idempotency key already held by an
   * unfinished deployment, throws IdempotencyConflict carrying that deployment instead.
   */
  reserve(entry: Omit<LedgerEntry, 'createdAt' | 'updatedAt'>): LedgerEntry {
    const now = this.now()
    const full: LedgerEntry = {...entry, createdAt: now, updatedAt: now}
    const row = toRow(full)
    const columns = Object.keys(row)
    const insert = this.db.prepare(`INSERT INTO deployments (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`)
    const tx = this.db.transaction(() => {
      if (entry.idempotencyKey) {
        const held = this.findByKey(entry.network, entry.owner, entry.idempotencyKey)
        if (held) throw new IdempotencyConflict(held)
      }
      insert.run(row)
    })
    tx.immediate()
    return full
  }

  update(network: string, owner: string, dseq: bigint, patch: Partial<LedgerEntry>): LedgerEntry | undefined {
    const row = toRow({...patch, updatedAt: this.now()})
    delete row.network
    delete row.owner
    delete row.dseq
    const sets = Object.keys(row).map((c) => `${c} = @${c}`)
    this.db
      .prepare(`UPDATE deployments SET ${sets.join(', ')} WHERE network = @k_network AND owner = @k_owner AND dseq = @k_dseq`)
      .run({...row, k_network: network, k_owner: owner, k_dseq: dseq.toString()})
    return this.get(network, owner, dseq)
  }

  /**
   * Records a deployment this machine did not open (seen on chain), so guards can be attached.
   * Its idempotency key is kept only when the chain proved it (`keepKey`).
   */
  adopt(entry: Omit<LedgerEntry, 'createdAt' | 'updatedAt'>, options: {keepKey?: boolean} = {}): LedgerEntry {
    const existing = this.get(entry.network, entry.owner, entry.dseq)
    if (existing) return existing
    return this.reserve(options.keepKey ? entry : {...entry, idempotencyKey: undefined})
  }

  markClosed(network: string, owner: string, dseq: bigint, reason: string, state: 'closed' | 'failed' = 'closed'): void {
    const now = this.now()
    this.db
      .prepare(
        `UPDATE deployments SET state = @state, closed_at = COALESCE(closed_at, @now), close_reason = COALESCE(close_reason, @reason), updated_at = @now
         WHERE network = @network AND owner = @owner AND dseq = @dseq`,
      )
      .run({state, now, reason, network, owner, dseq: dseq.toString()})
  }

  get(network: string, owner: string, dseq: bigint): LedgerEntry | undefined {
    const row = this.db
      .prepare('SELECT * FROM deployments WHERE network = ? AND owner = ? AND dseq = ?')
      .get(network, owner, dseq.toString()) as Row | undefined
    return row ? fromRow(row) : undefined
  }

  findByKey(network: string, owner: string, key: string): LedgerEntry | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM deployments WHERE network = ? AND owner = ? AND idempotency_key = ? AND state NOT IN ('closed', 'failed')
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(network, owner, key) as Row | undefined
    return row ? fromRow(row) : undefined
  }

  list(network: string, owner?: string): LedgerEntry[] {
    const rows = (
      owner
        ? this.db.prepare('SELECT * FROM deployments WHERE network = ? AND owner = ? ORDER BY created_at DESC').all(network, owner)
        : this.db.prepare('SELECT * FROM deployments WHERE network = ? ORDER BY created_at DESC').all(network)
    ) as Row[]
    return rows.map(fromRow)
  }
}

/** `k=v` strings → a label map (UsageError-free: the command validates the syntax). */
export function parseLabels(values: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const v of values ?? []) {
    const i = v.indexOf('=')
    labels[v.slice(0, i)] = v.slice(i + 1)
  }
  return labels
}

export function matchesLabels(entry: LedgerEntry, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => entry.labels[k] === v)
}
