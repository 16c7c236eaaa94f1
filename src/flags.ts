import {Args, Flags} from '@oclif/core'

import {MAINNET_MAX_RECLAMATION_WINDOW_S as MAX_RECLAMATION_WINDOW_S} from './devnet/modules/market/reclamation.js'
import {UsageError} from './errors.js'
import {parseCoin, parseUsdRate} from './protocol/money.js'
import {parseDseq} from './services/lease/context.js'
import {parseDuration, parseUsdAmount} from './services/ledger/guards.js'
import {parseGpuModels} from './services/sdl/init.js'

/**
 * Flags every command has (product.md: global flags). `--json` comes from oclif's
 * `enableJsonFlag`; `--output json` means the same.
 */
export const globalFlags = {
  network: Flags.string({
    description: 'Network (context) to use: mainnet, sandbox, testnet, local or a custom one.',
    env: 'EDGE_NETWORK',
    helpGroup: 'GLOBAL',
  }),
  output: Flags.string({
    description: 'Output format: text, json (one envelope) or jsonl (one event per line).',
    options: ['text', 'json', 'jsonl'],
    helpGroup: 'GLOBAL',
  }),
  yes: Flags.boolean({
    char: 'y',
    description: 'Answer yes to confirmations (needed to proceed without a TTY).',
    helpGroup: 'GLOBAL',
  }),
  verbose: Flags.boolean({
    description: 'Print debug details on stderr.',
    helpGroup: 'GLOBAL',
  }),
  color: Flags.boolean({
    allowNo: true,
    description: 'Colour output (NO_COLOR=1 or --no-color turns it off).',
    helpGroup: 'GLOBAL',
  }),
}

/** `--key NAME`: which keystore key signs (EDGE_MNEMONIC overrides the keystore in CI). */
export const keyFlag = Flags.string({
  description: 'Key (wallet) to sign with; defaults to the selected key. EDGE_MNEMONIC overrides it.',
  env: 'EDGE_KEY',
})

/**
 * Flags and arguments whose values need parsing. They are parsed by oclif before the command
 * runs, so a bad value is a usage error (exit 2) that names the flag, says what was wrong and how
 * to write it, before a key is unlocked or anything is sent.
 */

/** Runs a parser whose UsageError starts with the quoted input, and names the flag in front of it. */
function named<T>(name: string, input: string, parse: (input: string) => T): T {
  try {
    return parse(input)
  } catch (error) {
    if (error instanceof UsageError && error.message.startsWith('"')) error.message = `${name} ${error.message}`
    throw error
  }
}

/** `--ttl 2h`: milliseconds ("90s", "30m", "2h", "1d", "1h30m"). */
export const durationFlag = Flags.custom<number>({
  parse: async (input, _ctx, flag) => parseDuration(input, `--${flag.name}`),
})

/** `--max-price 1.2usd/h` (or 30usd/month): USD per hour × 10^18. */
export const usdRateFlag = Flags.custom<bigint>({
  parse: async (input, _ctx, flag) => named(`--${flag.name}`, input, parseUsdRate),
})

/** `--budget 5usd` (or $12.50): USD × 10^18. */
export const usdAmountFlag = Flags.custom<bigint>({
  parse: async (input, _ctx, flag) => parseUsdAmount(input, `--${flag.name}`),
})

/** `--deposit 5act` (akt, act, uakt, uact): a coin in its base denom. */
export const coinFlag = Flags.custom<{denom: string; amount: bigint}>({
  parse: async (input, _ctx, flag) => named(`--${flag.name}`, input, parseCoin),
})

/** `--label team=web` (repeatable): a key=value label, as the ledger stores it. */
export interface Label {
  key: string
  value: string
}

export const LABEL_RE = /^[A-Za-z0-9_.-]{1,63}=[^\n]{0,256}$/

export const labelFlag = Flags.custom<Label>({
  multiple: true,
  parse: async (input, _ctx, flag) => {
    if (!LABEL_RE.test(input)) {
      throw new UsageError(`--${flag.name} "${input}" is not key=value.`, {hint: 'Write labels like --label team=web --label ci=true (key: letters, digits, _ . -, up to 63).'})
    }
    const i = input.indexOf('=')
    return {key: input.slice(0, i), value: input.slice(i + 1)}
  },
})

/** The labels of a repeated --label, as one record. */
export function labelsOf(values: readonly Label[] | undefined): Record<string, string> {
  return Object.fromEntries((values ?? []).map((l) => [l.key, l.value]))
}

/** `--gpu h100,a100` or `any` (wrapped: oclif reads an array-typed custom flag as a repeatable one). */
export const gpuModelsFlag = Flags.custom<{models: string[] | 'any'}>({
  parse: async (input, _ctx, flag) => ({models: named(`--${flag.name}`, input, parseGpuModels)}),
})

/** A deployment sequence number (DSEQ) argument. */
export const dseqArg = Args.custom<bigint>({
  parse: async (input) => parseDseq(input),
})

// edge dev's chain (edge dev start).

/** "1s", "500ms", "2.5s", "0": milliseconds between blocks (a bare number is seconds, as it always was here). */
function parseBlockTime(input: string): number {
  const text = input.trim()
  const ms = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) * 1000 : /^0+(ms|s)?$/.test(text) ? 0 : blockTimeDuration(input)
  if (ms !== 0 && ms < 10) throw new UsageError(`--block-time ${input} is too short: the block time must be 0 or at least 10ms.`, {hint: 'Use 0 for a block per transaction, or 10ms and up.'})
  return Math.round(ms)
}

function blockTimeDuration(input: string): number {
  try {
    return parseDuration(input, '--block-time')
  } catch {
    throw new UsageError(`--block-time "${input}" is not a block time.`, {hint: 'Write it like 1s, 500ms or 0 (a block per transaction).'})
  }
}

/**
 * A custom network's average block time: a duration (6.117s, 6117ms) or, as before durations were
 * taken here, a bare number of milliseconds.
 */
function parseAverageBlockTime(input: string): number {
  const text = input.trim()
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text, '--block-time')
  if (ms <= 0) throw new UsageError(`--block-time ${input} is not a block time.`, {hint: 'Write it like 6s or 6117ms.'})
  return ms
}

/** "0.025uakt" (or empty): validated here so that a typo fails before anything starts. */
function parseMinGasPrice(input: string): string {
  const text = input.trim()
  if (text === '') return ''
  if (!/^\d+(\.\d{1,18})?uakt$/.test(text)) {
    throw new UsageError(`--min-gas-price "${input}" is not a gas price in uakt.`, {hint: 'Write it like 0.025uakt, or pass an empty string to accept any fee.'})
  }
  return text
}

/**
 * "5s", "90s", "2m", "1h", "500ms" → seconds: the market's minimum reclamation window (AEP-82).
 * Within the params' rule (≥ 0 and below the 720 h maximum) so that the chain accepts it.
 */
function parseReclamationWindow(input: string): number {
  const text = input.trim()
  let seconds: number
  if (/^0+(ms|s|m|h)$/.test(text)) seconds = 0
  else {
    try {
      seconds = parseDuration(text, '--min-reclamation-window') / 1000
    } catch {
      throw new UsageError(`--min-reclamation-window "${input}" is not a duration.`, {hint: 'Write it like 5s, 90s, 10m or 1h.'})
    }
  }
  if (seconds >= MAX_RECLAMATION_WINDOW_S) {
    throw new UsageError(`--min-reclamation-window ${input} is too long: the window must be below the maximum, ${MAX_RECLAMATION_WINDOW_S / 3600}h.`, {
      hint: 'Pick a shorter window, such as 1h.',
    })
  }
  return seconds
}

/** `--block-time 500ms`: milliseconds between blocks (0: a block per transaction). */
export const blockTimeFlag = Flags.custom<number>({parse: async (input) => parseBlockTime(input)})

/** `edge network add --block-time 6s`: milliseconds (a bare number is milliseconds). */
export const averageBlockTimeFlag = Flags.custom<number>({parse: async (input) => parseAverageBlockTime(input)})

/** `--min-gas-price 0.025uakt` (empty: any fee). */
export const minGasPriceFlag = Flags.custom<string>({parse: async (input) => parseMinGasPrice(input)})

/** `--min-reclamation-window 30s`: seconds. */
export const reclamationWindowFlag = Flags.custom<number>({parse: async (input) => parseReclamationWindow(input)})
