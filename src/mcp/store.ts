/**
 * What `edge mcp` remembers across restarts, in SQLite (WAL) under the data dir (`mcp.db`):
 *
 *   spend(id, ts, day, network, owner, dseq, kind, usd, amount, denom)
 *     kind = deposit (money into escrow) | refund (escrow returned on close). What the agent has
 *     paid is deposits less refunds; `day` is the UTC day of the deposit a row belongs to, so a
 *     refund gives back to the day that paid.
 *   deployments(network, owner, dseq, plan_id, created_at, expires_at, state, closed_at, close_reason)
 *     every deployment an agent created, with its TTL (closed on time, also after a restart).
 *   plans(id, hash, created_at, expires_at, body, applied_at)
 *   actions(id, ts, tool, outcome, summary, args, details)   the action log (`edge mcp log`).
 *
 * Rows are written before the answer goes back to the agent.
 */
import {mkdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

import type Database from 'better-sqlite3'

import {dataDir} from '../config/paths.js'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spend (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL, day TEXT NOT NULL, network TEXT NOT NULL, owner TEXT NOT NULL, dseq TEXT NOT NULL,
  kind TEXT NOT NULL, usd TEXT NOT NULL, amount TEXT NOT NULL, denom TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deployments (
  network TEXT NOT NULL, owner TEXT NOT NULL, dseq TEXT NOT NULL, plan_id TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, state TEXT NOT NULL,
  closed_at INTEGER, close_reason TEXT, PRIMARY KEY (network, owner, dseq));
CREATE TABLE IF NOT EXISTS plans (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  body TEXT NOT NULL, applied_at INTEGER);
CREATE TABLE IF NOT EXISTS actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, tool TEXT NOT NULL, outcome TEXT NOT NULL,
  summary TEXT NOT NULL, args TEXT NOT NULL, details TEXT);
`

export interface AgentDeployment {
  network: string
  owner: string
  dseq: bigint
  planId?: string
  createdAt: number
  expiresAt: number
  state: 'open' | 'closed'
  closedAt?: number
  closeReason?: string
}

export interface ActionRecord {
  id: number
  ts: string
  tool: string
  outcome: 'ok' | 'refused' | 'failed'
  summary: string
  args: Record<string, unknown>
  details?: Record<string, unknown>
}

export interface StoredPlan {
  id: string
  hash: string
  createdAt: number
  expiresAt: number
  body: string
  appliedAt?: number
}

export interface SpendTotals {
  /** Deposits less refunds, all time. */
  totalUsd: bigint
  /** The same for deposits made on the given UTC day. */
  dayUsd: bigint
}

export function mcpStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'mcp.db')
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export class McpStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  static async open(path = mcpStorePath(), options: {now?: () => number} = {}): Promise<McpStore> {
    const {default: BetterSqlite3} = await import('better-sqlite3')
    mkdirSync(dirname(path), {recursive: true})
    const db = new BetterSqlite3(path)
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    db.exec(SCHEMA)
    return new McpStore(db, options.now ?? Date.now)
  }

  close(): void {
    this.db.close()
  }

  // spend ------------------------------------------------------------------------------------

  recordDeposit(row: {network: string; owner: string; dseq: bigint; usd: bigint; amount: bigint; denom: string}): void {
    const ts = this.now()
    this.db
      .prepare('INSERT INTO spend (ts, day, network, owner, dseq, kind, usd, amount, denom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ts, utcDay(ts), row.network, row.owner, row.dseq.toString(), 'deposit', row.usd.toString(), row.amount.toString(), row.denom)
  }

  /** Escrow returned on close, booked on the day of the deployment's first deposit. */
  recordRefund(row: {network: string; owner: string; dseq: bigint; usd: bigint; amount: bigint; denom: string}): void {
    const first = this.db.prepare("SELECT day FROM spend WHERE network = ? AND owner = ? AND dseq = ? AND kind = 'deposit' ORDER BY id LIMIT 1").get(row.network, row.owner, row.dseq.toString()) as
      | {day: string}
      | undefined
    const ts = this.now()
    this.db
      .prepare('INSERT INTO spend (ts, day, network, owner, dseq, kind, usd, amount, denom) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(ts, first?.day ?? utcDay(ts), row.network, row.owner, row.dseq.toString(), 'refund', row.usd.toString(), row.amount.toString(), row.denom)
  }

  spent(network: string, owner: string): SpendTotals {
    const rows = this.db.prepare('SELECT day, kind, usd FROM spend WHERE network = ? AND owner = ?').all(network, owner) as Array<{day: string; kind: string; usd: string}>
    const today = utcDay(this.now())
    let totalUsd = 0n
    let dayUsd = 0n
    for (const r of rows) {
      const v = r.kind === 'refund' ? -BigInt(r.usd) : BigInt(r.usd)
      totalUsd += v
      if (r.day === today) dayUsd += v
    }
    return {totalUsd, dayUsd}
  }

  /** What one deployment has cost so far: deposits less refunds. */
  spentOn(network: string, owner: string, dseq: bigint): bigint {
    const rows = this.db.prepare('SELECT kind, usd FROM spend WHERE network = ? AND owner = ? AND dseq = ?').all(network, owner, dseq.toString()) as Array<{kind: string; usd: string}>
    return rows.reduce((s, r) => s + (r.kind === 'refund' ? -BigInt(r.usd) : BigInt(r.usd)), 0n)
  }

  // agent deployments -------------------------------------------------------------------------

  addDeployment(d: Omit<AgentDeployment, 'state' | 'closedAt' | 'closeReason'>): void {
    this.db
      .prepare('INSERT OR REPLACE INTO deployments (network, owner, dseq, plan_id, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.network, d.owner, d.dseq.toString(), d.planId ?? null, d.createdAt, d.expiresAt, 'open')
  }

  markClosed(network: string, owner: string, dseq: bigint, reason: string): void {
    this.db.prepare("UPDATE deployments SET state = 'closed', closed_at = ?, close_reason = ? WHERE network = ? AND owner = ? AND dseq = ?").run(this.now(), reason, network, owner, dseq.toString())
  }

  deployment(network: string, owner: string, dseq: bigint): AgentDeployment | undefined {
    const row = this.db.prepare('SELECT * FROM deployments WHERE network = ? AND owner = ? AND dseq = ?').get(network, owner, dseq.toString()) as DeploymentRow | undefined
    return row ? fromRow(row) : undefined
  }

  openDeployments(network: string, owner: string): AgentDeployment[] {
    return (this.db.prepare("SELECT * FROM deployments WHERE network = ? AND owner = ? AND state = 'open' ORDER BY expires_at").all(network, owner) as DeploymentRow[]).map(fromRow)
  }

  // plans -------------------------------------------------------------------------------------

  savePlan(plan: StoredPlan): void {
    this.db.prepare('INSERT INTO plans (id, hash, created_at, expires_at, body) VALUES (?, ?, ?, ?, ?)').run(plan.id, plan.hash, plan.createdAt, plan.expiresAt, plan.body)
  }

  plan(id: string): StoredPlan | undefined {
    const row = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as
      | {id: string; hash: string; created_at: number; expires_at: number; body: string; applied_at: number | null}
      | undefined
    if (!row) return undefined
    return {id: row.id, hash: row.hash, createdAt: row.created_at, expiresAt: row.expires_at, body: row.body, ...(row.applied_at ? {appliedAt: row.applied_at} : {})}
  }

  /** Marks a plan used; false when another apply got there first (a plan is applied once). */
  claimPlan(id: string): boolean {
    return this.db.prepare('UPDATE plans SET applied_at = ? WHERE id = ? AND applied_at IS NULL').run(this.now(), id).changes === 1
  }

  releasePlan(id: string): void {
    this.db.prepare('UPDATE plans SET applied_at = NULL WHERE id = ?').run(id)
  }

  // action log --------------------------------------------------------------------------------

  logAction(a: Omit<ActionRecord, 'id' | 'ts'>): void {
    this.db
      .prepare('INSERT INTO actions (ts, tool, outcome, summary, args, details) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.now(), a.tool, a.outcome, a.summary, JSON.stringify(a.args, shortened), a.details ? JSON.stringify(a.details, bigintSafe) : null)
  }

  actions(limit = 100): ActionRecord[] {
    const rows = this.db.prepare('SELECT * FROM actions ORDER BY id DESC LIMIT ?').all(limit) as Array<{
      id: number
      ts: number
      tool: string
      outcome: ActionRecord['outcome']
      summary: string
      args: string
      details: string | null
    }>
    return rows.reverse().map((r) => ({
      id: r.id,
      ts: new Date(r.ts).toISOString(),
      tool: r.tool,
      outcome: r.outcome,
      summary: r.summary,
      args: JSON.parse(r.args) as Record<string, unknown>,
      ...(r.details ? {details: JSON.parse(r.details) as Record<string, unknown>} : {}),
    }))
  }
}

interface DeploymentRow {
  network: string
  owner: string
  dseq: string
  plan_id: string | null
  created_at: number
  expires_at: number
  state: 'open' | 'closed'
  closed_at: number | null
  close_reason: string | null
}

function fromRow(r: DeploymentRow): AgentDeployment {
  return {
    network: r.network,
    owner: r.owner,
    dseq: BigInt(r.dseq),
    ...(r.plan_id ? {planId: r.plan_id} : {}),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    state: r.state,
    ...(r.closed_at ? {closedAt: r.closed_at} : {}),
    ...(r.close_reason ? {closeReason: r.close_reason} : {}),
  }
}

const bigintSafe = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)

/** Arguments as logged: an SDL passed as text is kept short (the plan keeps the whole of it). */
const shortened = (k: string, v: unknown) => (typeof v === 'string' && v.length > 2000 ? `${v.slice(0, 2000)}… (${v.length} characters)` : bigintSafe(k, v))
