import {mkdirSync} from 'node:fs'
import {dirname} from 'node:path'

import type BetterSqlite3 from 'better-sqlite3'

import type {Reservation} from '../capacity/capacity.js'
import {reservationFromJson, reservationToJson} from '../capacity/capacity.js'
import {type Migration, checkVersion, migrate} from '../../lib/sqlite-migrations.js'
import type {Sealer} from './sealing.js'

export type BidRowState = 'open' | 'won' | 'lost' | 'closed' | 'failed'
export type LeaseRowState = 'awaiting_manifest' | 'deploying' | 'running' | 'failed' | 'closed'

export interface BidRow {
  orderKey: string
  state: BidRowState
  denom: string
  /** Per block ×10^18. */
  amount: bigint
  usdPerHour?: bigint
  reservation: Reservation
  /** GPU models given, per unit id (for the resources offer and the lease). */
  gpus: Record<number, Array<{index: number; model: string; ram?: string; interface?: string; vendor: string; uuid?: string}>>
  createdHeight: number
  createdAt: number
  updatedAt: number
  reason?: string
}

export interface LeaseRow {
  orderKey: string
  bseq: number
  state: LeaseRowState
  denom: string
  amount: bigint
  reservation: Reservation
  gpus: BidRow['gpus']
  groupName?: string
  wonAt: number
  wonHeight: number
  manifestDeadline: number
  closedAt?: number
  closeReason?: string
  lastWithdrawAt?: number
  error?: string
}

/** A lease this provider is reclaiming (AEP-82): the chain's deadline, kept so a restart still closes it on time. */
export interface ReclamationRow {
  orderKey: string
  /** Unix ms (the chain's deadline is whole seconds). */
  deadline: number
  /** The chain's reason name (`decommission`, `unstable`, `unspecified`). */
  reason: string
  /** The operator's words (`edge provide reclaim --reason`), when more than a reason name. */
  note?: string
  startedHeight?: number
  recordedAt: number
  closedAt?: number
}

export interface ManifestRow {
  owner: string
  dseq: string
  /** Hex SHA-256 of the accepted body. */
  version: string
  /** The sorted manifest JSON as received. */
  body: string
  receivedAt: number
}

/** The schema, one step per version (PRAGMA user_version); add a step, never edit one. */
const MIGRATIONS: readonly Migration[] = [
  `
CREATE TABLE IF NOT EXISTS bids (
  order_key TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  denom TEXT NOT NULL,
  amount TEXT NOT NULL,
  usd_per_hour TEXT,
  reservation TEXT NOT NULL,
  gpus TEXT NOT NULL DEFAULT '{}',
  created_height INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  reason TEXT
);
CREATE INDEX IF NOT EXISTS bids_state ON bids(state);
CREATE TABLE IF NOT EXISTS leases (
  order_key TEXT PRIMARY KEY,
  bseq INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  denom TEXT NOT NULL,
  amount TEXT NOT NULL,
  reservation TEXT NOT NULL,
  gpus TEXT NOT NULL DEFAULT '{}',
  group_name TEXT,
  won_at INTEGER NOT NULL,
  won_height INTEGER NOT NULL,
  manifest_deadline INTEGER NOT NULL,
  closed_at INTEGER,
  close_reason TEXT,
  last_withdraw_at INTEGER,
  error TEXT
);
CREATE INDEX IF NOT EXISTS leases_state ON leases(state);
CREATE TABLE IF NOT EXISTS manifests (
  owner TEXT NOT NULL,
  dseq TEXT NOT NULL,
  version TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (owner, dseq)
);
CREATE TABLE IF NOT EXISTS deployments (
  order_key TEXT PRIMARY KEY,
  group_name TEXT NOT NULL,
  manifest_version TEXT NOT NULL,
  state TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  error TEXT
);
CREATE TABLE IF NOT EXISTS hostname_pins (
  hostname TEXT PRIMARY KEY,
  order_key TEXT NOT NULL,
  pinned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reclamations (
  order_key TEXT PRIMARY KEY,
  deadline INTEGER NOT NULL,
  reason TEXT NOT NULL,
  note TEXT,
  started_height INTEGER,
  recorded_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE TABLE IF NOT EXISTS withdrawals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  order_key TEXT NOT NULL,
  tx_hash TEXT,
  height INTEGER,
  at INTEGER NOT NULL
);
`,
]

/**
 * The provider's durable state: bids, leases, manifests, deployments. SQLite in WAL mode; every
 * change is written before the effect it records is acknowledged (a manifest is stored before the
 * PUT answers 200; a lease row exists before its containers are created), so a restart — even
 * after kill -9 — finds every lease it must keep serving.
 */
export class ProviderStore {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly sealer?: Sealer,
  ) {}

  static async open(path: string, options: {sealer?: Sealer; readonly?: boolean} = {}): Promise<ProviderStore> {
    const {default: Database} = await import('better-sqlite3')
    if (!options.readonly) mkdirSync(dirname(path), {recursive: true, mode: 0o700})
    const db = new Database(path, options.readonly ? {readonly: true, fileMustExist: true} : {})
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      migrate(db, MIGRATIONS, `The provider state database ${path}`)
    } else checkVersion(db, MIGRATIONS, `The provider state database ${path}`)
    db.pragma('busy_timeout = 5000')
    return new ProviderStore(db, options.sealer)
  }

  close(): void {
    this.db.close()
  }

  // --- bids -----------------------------------------------------------------------------------

  putBid(row: BidRow): void {
    this.db
      .prepare(
        `INSERT INTO bids (order_key, state, denom, amount, usd_per_hour, reservation, gpus, created_height, created_at, updated_at, reason)
         VALUES (@orderKey, @state, @denom, @amount, @usd, @reservation, @gpus, @createdHeight, @createdAt, @updatedAt, @reason)
         ON CONFLICT(order_key) DO UPDATE SET state=excluded.state, denom=excluded.denom, amount=excluded.amount,
           usd_per_hour=excluded.usd_per_hour, reservation=excluded.reservation, gpus=excluded.gpus,
           created_height=excluded.created_height, created_at=excluded.created_at, updated_at=excluded.updated_at, reason=excluded.reason`,
      )
      .run({
        orderKey: row.orderKey,
        state: row.state,
        denom: row.denom,
        amount: row.amount.toString(),
        usd: row.usdPerHour?.toString() ?? null,
        reservation: JSON.stringify(reservationToJson(row.reservation)),
        gpus: JSON.stringify(row.gpus),
        createdHeight: row.createdHeight,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
        reason: row.reason ?? null,
      })
  }

  setBidState(orderKey: string, state: BidRowState, at: number, reason?: string): void {
    this.db.prepare('UPDATE bids SET state = ?, updated_at = ?, reason = COALESCE(?, reason) WHERE order_key = ?').run(state, at, reason ?? null, orderKey)
  }

  bid(orderKey: string): BidRow | undefined {
    const row = this.db.prepare('SELECT * FROM bids WHERE order_key = ?').get(orderKey)
    return row ? toBid(row) : undefined
  }

  bids(state?: BidRowState): BidRow[] {
    const rows = state ? this.db.prepare('SELECT * FROM bids WHERE state = ?').all(state) : this.db.prepare('SELECT * FROM bids').all()
    return rows.map(toBid)
  }

  countBids(): Record<BidRowState, number> {
    const out: Record<BidRowState, number> = {open: 0, won: 0, lost: 0, closed: 0, failed: 0}
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM bids GROUP BY state').all() as Array<{state: BidRowState; n: number}>) {
      out[r.state] = r.n
    }
    return out
  }

  // --- leases ---------------------------------------------------------------------------------

  putLease(row: LeaseRow): void {
    this.db
      .prepare(
        `INSERT INTO leases (order_key, bseq, state, denom, amount, reservation, gpus, group_name, won_at, won_height, manifest_deadline, closed_at, close_reason, last_withdraw_at, error)
         VALUES (@orderKey, @bseq, @state, @denom, @amount, @reservation, @gpus, @groupName, @wonAt, @wonHeight, @manifestDeadline, @closedAt, @closeReason, @lastWithdrawAt, @error)
         ON CONFLICT(order_key) DO UPDATE SET bseq=excluded.bseq, state=excluded.state, denom=excluded.denom, amount=excluded.amount,
           reservation=excluded.reservation, gpus=excluded.gpus, group_name=excluded.group_name, won_at=excluded.won_at,
           won_height=excluded.won_height, manifest_deadline=excluded.manifest_deadline, closed_at=excluded.closed_at,
           close_reason=excluded.close_reason, last_withdraw_at=excluded.last_withdraw_at, error=excluded.error`,
      )
      .run({
        orderKey: row.orderKey,
        bseq: row.bseq,
        state: row.state,
        denom: row.denom,
        amount: row.amount.toString(),
        reservation: JSON.stringify(reservationToJson(row.reservation)),
        gpus: JSON.stringify(row.gpus),
        groupName: row.groupName ?? null,
        wonAt: row.wonAt,
        wonHeight: row.wonHeight,
        manifestDeadline: row.manifestDeadline,
        closedAt: row.closedAt ?? null,
        closeReason: row.closeReason ?? null,
        lastWithdrawAt: row.lastWithdrawAt ?? null,
        error: row.error ?? null,
      })
  }

  updateLease(orderKey: string, patch: Partial<Pick<LeaseRow, 'state' | 'groupName' | 'closedAt' | 'closeReason' | 'lastWithdrawAt' | 'error'>>): void {
    const cols: string[] = []
    const values: unknown[] = []
    const map: Record<string, string> = {
      state: 'state',
      groupName: 'group_name',
      closedAt: 'closed_at',
      closeReason: 'close_reason',
      lastWithdrawAt: 'last_withdraw_at',
      error: 'error',
    }
    for (const [k, v] of Object.entries(patch)) {
      if (!(k in map)) continue
      cols.push(`${map[k]} = ?`)
      values.push(v ?? null)
    }
    if (cols.length === 0) return
    this.db.prepare(`UPDATE leases SET ${cols.join(', ')} WHERE order_key = ?`).run(...values, orderKey)
  }

  lease(orderKey: string): LeaseRow | undefined {
    const row = this.db.prepare('SELECT * FROM leases WHERE order_key = ?').get(orderKey)
    return row ? toLease(row) : undefined
  }

  leases(states?: LeaseRowState[]): LeaseRow[] {
    const rows = states
      ? this.db.prepare(`SELECT * FROM leases WHERE state IN (${states.map(() => '?').join(',')})`).all(...states)
      : this.db.prepare('SELECT * FROM leases').all()
    return rows.map(toLease)
  }

  /** How many leases (in these states): for per-block stats, without reading every row ever won. */
  countLeases(states?: LeaseRowState[]): number {
    const row = states
      ? this.db.prepare(`SELECT COUNT(*) AS n FROM leases WHERE state IN (${states.map(() => '?').join(',')})`).get(...states)
      : this.db.prepare('SELECT COUNT(*) AS n FROM leases').get()
    return (row as {n: number}).n
  }

  /** Leases of one deployment (a manifest covers all its groups). */
  leasesOfDeployment(owner: string, dseq: string): LeaseRow[] {
    return this.db
      .prepare(`SELECT * FROM leases WHERE order_key LIKE ? ESCAPE '\\'`)
      .all(`${escapeLike(owner)}/${escapeLike(dseq)}/%`)
      .map(toLease)
  }

  // --- manifests ------------------------------------------------------------------------------

  putManifest(row: ManifestRow): void {
    const aad = `${row.owner}/${row.dseq}`
    const body = this.sealer ? this.sealer.seal(row.body, aad) : row.body
    // Bids and leases lost with the last commits are rebuilt from the chain, so WAL's NORMAL sync
    // (safe against a crash, not a power cut) suits them. A manifest exists nowhere else we can
    // read it back from, and the tenant is told it is stored: this commit waits for the disk.
    // (SQLite refuses to change it inside a transaction; an enclosing one decides there.)
    const toggle = !this.db.inTransaction
    if (toggle) this.db.pragma('synchronous = FULL')
    try {
      this.db
        .prepare(
          `INSERT INTO manifests (owner, dseq, version, body, received_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(owner, dseq) DO UPDATE SET version=excluded.version, body=excluded.body, received_at=excluded.received_at`,
        )
        .run(row.owner, row.dseq, row.version, body, row.receivedAt)
    } finally {
      if (toggle) this.db.pragma('synchronous = NORMAL')
    }
  }

  manifest(owner: string, dseq: string): ManifestRow | undefined {
    const row = this.db.prepare('SELECT * FROM manifests WHERE owner = ? AND dseq = ?').get(owner, dseq) as
      | {owner: string; dseq: string; version: string; body: string; received_at: number}
      | undefined
    if (!row) return undefined
    let body = row.body
    if (this.sealer && body.startsWith('v1.')) {
      const opened = this.sealer.open(body, `${owner}/${dseq}`)
      if (!opened) return undefined
      body = opened.toString('utf8')
    }
    return {owner: row.owner, dseq: row.dseq, version: row.version, body, receivedAt: row.received_at}
  }

  deleteManifest(owner: string, dseq: string): void {
    this.db.prepare('DELETE FROM manifests WHERE owner = ? AND dseq = ?').run(owner, dseq)
  }

  countManifests(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM manifests').get() as {n: number}).n
  }

  // --- deployments ----------------------------------------------------------------------------

  putDeployment(orderKey: string, groupName: string, manifestVersion: string, state: string, at: number, error?: string): void {
    this.db
      .prepare(
        `INSERT INTO deployments (order_key, group_name, manifest_version, state, updated_at, error) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(order_key) DO UPDATE SET group_name=excluded.group_name, manifest_version=excluded.manifest_version,
           state=excluded.state, updated_at=excluded.updated_at, error=excluded.error`,
      )
      .run(orderKey, groupName, manifestVersion, state, at, error ?? null)
  }

  deployment(orderKey: string): {groupName: string; manifestVersion: string; state: string; updatedAt: number; error?: string} | undefined {
    const r = this.db.prepare('SELECT * FROM deployments WHERE order_key = ?').get(orderKey) as
      | {group_name: string; manifest_version: string; state: string; updated_at: number; error: string | null}
      | undefined
    return r ? {groupName: r.group_name, manifestVersion: r.manifest_version, state: r.state, updatedAt: r.updated_at, ...(r.error ? {error: r.error} : {})} : undefined
  }

  // --- withdrawals ----------------------------------------------------------------------------

  // --- hostnames moved by /hostname/migrate ---------------------------------------------------

  pinHostname(hostname: string, orderKey: string, at: number): void {
    this.db
      .prepare('INSERT INTO hostname_pins (hostname, order_key, pinned_at) VALUES (?, ?, ?) ON CONFLICT(hostname) DO UPDATE SET order_key=excluded.order_key, pinned_at=excluded.pinned_at')
      .run(hostname, orderKey, at)
  }

  /** The lease (order key) a hostname is pinned to, if any. */
  hostnamePin(hostname: string): string | undefined {
    return (this.db.prepare('SELECT order_key FROM hostname_pins WHERE hostname = ?').get(hostname) as {order_key: string} | undefined)?.order_key
  }

  unpinLease(orderKey: string): void {
    this.db.prepare('DELETE FROM hostname_pins WHERE order_key = ?').run(orderKey)
  }

  hostnamePins(): {hostname: string; orderKey: string}[] {
    return (this.db.prepare('SELECT hostname, order_key FROM hostname_pins ORDER BY pinned_at').all() as {hostname: string; order_key: string}[]).map((r) => ({
      hostname: r.hostname,
      orderKey: r.order_key,
    }))
  }

  // --- reclamations (AEP-82) -------------------------------------------------------------------

  /** Records a reclamation; a second record for the same lease keeps the first note unless given one. */
  putReclamation(row: ReclamationRow): void {
    this.db
      .prepare(
        `INSERT INTO reclamations (order_key, deadline, reason, note, started_height, recorded_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(order_key) DO UPDATE SET deadline=excluded.deadline, reason=excluded.reason, note=COALESCE(excluded.note, reclamations.note),
           started_height=COALESCE(excluded.started_height, reclamations.started_height)`,
      )
      .run(row.orderKey, row.deadline, row.reason, row.note ?? null, row.startedHeight ?? null, row.recordedAt, row.closedAt ?? null)
  }

  reclamation(orderKey: string): ReclamationRow | undefined {
    const r = this.db.prepare('SELECT * FROM reclamations WHERE order_key = ?').get(orderKey)
    return r ? toReclamation(r) : undefined
  }

  /** Reclamations not yet closed, earliest deadline first. */
  openReclamations(): ReclamationRow[] {
    return (this.db.prepare('SELECT * FROM reclamations WHERE closed_at IS NULL ORDER BY deadline').all() as unknown[]).map(toReclamation)
  }

  closeReclamation(orderKey: string, at: number): void {
    this.db.prepare('UPDATE reclamations SET closed_at = ? WHERE order_key = ?').run(at, orderKey)
  }

  recordWithdrawal(orderKey: string, at: number, txHash?: string, height?: number): void {
    this.db.prepare('INSERT INTO withdrawals (order_key, tx_hash, height, at) VALUES (?, ?, ?, ?)').run(orderKey, txHash ?? null, height ?? null, at)
  }

  /** Runs `fn` in one transaction (all or nothing). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a better-sqlite3 row
function toBid(r: any): BidRow {
  return {
    orderKey: r.order_key,
    state: r.state,
    denom: r.denom,
    amount: BigInt(r.amount),
    ...(r.usd_per_hour ? {usdPerHour: BigInt(r.usd_per_hour)} : {}),
    reservation: reservationFromJson(JSON.parse(r.reservation)),
    gpus: JSON.parse(r.gpus ?? '{}'),
    createdHeight: r.created_height,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.reason ? {reason: r.reason} : {}),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a better-sqlite3 row
function toLease(r: any): LeaseRow {
  return {
    orderKey: r.order_key,
    bseq: r.bseq,
    state: r.state,
    denom: r.denom,
    amount: BigInt(r.amount),
    reservation: reservationFromJson(JSON.parse(r.reservation)),
    gpus: JSON.parse(r.gpus ?? '{}'),
    ...(r.group_name ? {groupName: r.group_name} : {}),
    wonAt: r.won_at,
    wonHeight: r.won_height,
    manifestDeadline: r.manifest_deadline,
    ...(r.closed_at !== null && r.closed_at !== undefined ? {closedAt: r.closed_at} : {}),
    ...(r.close_reason ? {closeReason: r.close_reason} : {}),
    ...(r.last_withdraw_at !== null && r.last_withdraw_at !== undefined ? {lastWithdrawAt: r.last_withdraw_at} : {}),
    ...(r.error ? {error: r.error} : {}),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SQLite row: its columns are read by name below
function toReclamation(r: any): ReclamationRow {
  return {
    orderKey: r.order_key,
    deadline: r.deadline,
    reason: r.reason,
    ...(r.note ? {note: r.note} : {}),
    ...(r.started_height !== null && r.started_height !== undefined ? {startedHeight: r.started_height} : {}),
    recordedAt: r.recorded_at,
    ...(r.closed_at !== null && r.closed_at !== undefined ? {closedAt: r.closed_at} : {}),
  }
}
