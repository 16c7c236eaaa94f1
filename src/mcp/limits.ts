/**
 * The limits a person sets for `edge mcp`: what an agent may spend, for how long, on what. They
 * live in a file (`mcp.json` in the config dir, written by `edge mcp limits --save`) and flags of
 * `edge mcp` override the file for one run. The server enforces them; the agent cannot change them.
 *
 * Money is USD × 10^18 (protocol/money.ts); durations are milliseconds.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import * as z from 'zod'

import {configDir} from '../config/paths.js'
import {UsageError} from '../errors.js'
import {formatUsd, parseUsdRate} from '../protocol/money.js'
import {formatDuration, parseDuration, parseUsdAmount} from '../services/ledger/guards.js'

export interface Limits {
  /** Without it no tool changes chain state (plan still works: it creates nothing). */
  allowSpend: boolean
  /** Most an agent's deployment may cost per hour, at the order's maximum price. */
  maxUsdPerHour?: bigint
  /** Most an agent's deployment may lock in escrow when it is created or topped up. */
  maxDepositUsd?: bigint
  /** Most the agent may pay (deposits less refunds) per UTC day and in total. */
  budgetPerDayUsd?: bigint
  budgetTotalUsd?: bigint
  /** Every deployment the agent creates ends by then; the agent may ask for less, never more. */
  ttlMs: number
  /** Allowed images by name (`nginx`, `nginx:1.27`) or digest (`sha256:…`); empty: any. */
  images: string[]
  /** Allowed provider addresses; empty: any. */
  providers: string[]
  /** Allowed provider regions or countries (prefix or glob, like `edge deploy --region`); empty: any. */
  regions: string[]
  /** Most agent deployments open at once. */
  maxDeployments: number
  /** Directories an SDL path given to `plan` must lie in. */
  sdlDirs: string[]
  /** How long a plan may be applied after it was made. */
  planValidityMs: number
}

/** The file's form: what a person writes (amounts and durations as text). */
export const LimitsFile = z.strictObject({
  allowSpend: z.boolean().optional(),
  maxUsdPerHour: z.string().optional(),
  maxDeposit: z.string().optional(),
  budgetPerDay: z.string().optional(),
  budgetTotal: z.string().optional(),
  ttl: z.string().optional(),
  images: z.array(z.string()).optional(),
  providers: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  maxDeployments: z.number().int().positive().optional(),
  sdlDirs: z.array(z.string()).optional(),
  planValidity: z.string().optional(),
})
export type LimitsFile = z.infer<typeof LimitsFile>

export const DEFAULT_TTL = '1h'
export const DEFAULT_PLAN_VALIDITY = '5m'
export const DEFAULT_MAX_DEPLOYMENTS = 2

export function limitsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'mcp.json')
}

export function readLimitsFile(path: string): LimitsFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return {}
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`, {code: 'mcp_limits_file'})
  }
  const parsed = LimitsFile.safeParse(raw)
  if (!parsed.success) {
    throw new UsageError(`${path} has limits edge does not know: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`, {
      code: 'mcp_limits_file',
      hint: `Keys: ${Object.keys(LimitsFile.shape).join(', ')}.`,
    })
  }
  return parsed.data
}

export function writeLimitsFile(path: string, file: LimitsFile): void {
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', {mode: 0o600})
}

/** Flags over file: a flag given replaces the file's value (lists too). */
export function mergeLimitsFiles(base: LimitsFile, over: LimitsFile): LimitsFile {
  const out: Record<string, unknown> = {...base}
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = v
  return out as LimitsFile
}

/** Parses the file form into enforceable numbers; relative SDL dirs are taken from `cwd`. */
export function resolveLimits(file: LimitsFile, cwd = process.cwd()): Limits {
  const usd = (v: string | undefined, key: string) => (v === undefined ? undefined : parseUsdAmount(v, key))
  return {
    allowSpend: file.allowSpend ?? false,
    ...(file.maxUsdPerHour !== undefined ? {maxUsdPerHour: parseRate(file.maxUsdPerHour)} : {}),
    ...(file.maxDeposit !== undefined ? {maxDepositUsd: usd(file.maxDeposit, 'maxDeposit')} : {}),
    ...(file.budgetPerDay !== undefined ? {budgetPerDayUsd: usd(file.budgetPerDay, 'budgetPerDay')} : {}),
    ...(file.budgetTotal !== undefined ? {budgetTotalUsd: usd(file.budgetTotal, 'budgetTotal')} : {}),
    ttlMs: parseDuration(file.ttl ?? DEFAULT_TTL, 'ttl'),
    images: file.images ?? [],
    providers: file.providers ?? [],
    regions: file.regions ?? [],
    maxDeployments: file.maxDeployments ?? DEFAULT_MAX_DEPLOYMENTS,
    sdlDirs: (file.sdlDirs ?? ['.']).map((d) => resolve(cwd, d)),
    planValidityMs: parseDuration(file.planValidity ?? DEFAULT_PLAN_VALIDITY, 'planValidity'),
  }
}

/** "0.5", "$0.5", "0.5usd/h" → USD/h × 10^18. */
function parseRate(input: string): bigint {
  return /\/\s*(h|hr|hour|mo|month)$/i.test(input.trim()) ? parseUsdRate(input) : parseUsdAmount(input, 'maxUsdPerHour')
}

/** The limits as people read them (also the `limits` tool's and `edge mcp limits --json`'s form). */
export interface LimitsView {
  allowSpend: boolean
  maxUsdPerHour: string | null
  maxDeposit: string | null
  budgetPerDay: string | null
  budgetTotal: string | null
  ttl: string
  images: string[]
  providers: string[]
  regions: string[]
  maxDeployments: number
  sdlDirs: string[]
  planValidity: string
}

export function limitsView(l: Limits): LimitsView {
  const usd = (v: bigint | undefined) => (v === undefined ? null : formatUsd(v))
  return {
    allowSpend: l.allowSpend,
    maxUsdPerHour: l.maxUsdPerHour === undefined ? null : `${formatUsd(l.maxUsdPerHour)}/h`,
    maxDeposit: usd(l.maxDepositUsd),
    budgetPerDay: usd(l.budgetPerDayUsd),
    budgetTotal: usd(l.budgetTotalUsd),
    ttl: formatDuration(l.ttlMs),
    images: l.images,
    providers: l.providers,
    regions: l.regions,
    maxDeployments: l.maxDeployments,
    sdlDirs: l.sdlDirs,
    planValidity: formatDuration(l.planValidityMs),
  }
}

