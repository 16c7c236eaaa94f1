import {UsageError} from '../errors.js'
import {controlCharacterProblem} from '../input.js'
import {deriveKey, generateMnemonic, validateMnemonic} from '../config/mnemonic.js'
import type {KeyRecord} from '../config/keystore.js'
import {openMarket} from '../market/index.js'
import {DEC_SCALE, denomInfo, formatCoin} from '../protocol/money.js'
import {UsdPricing, usdEntry} from './usd.js'
import type {Prompts} from './prompts.js'
import type {Session} from './session.js'
import {chooseKeyName, noKeyHint} from './signer.js'
import type {BaseAmount} from '../protocol/json-fields.js'

export interface KeyView extends KeyRecord {
  selected: boolean
}

const MIN_PASSPHRASE = 8

/**
 * Why a new passphrase cannot be used, or undefined. A control character (a CR pasted with it, a
 * Tab) or a space at either end would have to be typed back exactly, invisibly, to unlock the key
 * again; prompts trim their answers, so such a key could only be opened through EDGE_PASSPHRASE.
 */
export function newPassphraseProblem(passphrase: string): string | undefined {
  const control = controlCharacterProblem(passphrase, 'The passphrase')
  if (control) return `${control}, which would have to be typed back exactly to unlock the key.`
  if (passphrase !== passphrase.trim()) return 'The passphrase starts or ends with whitespace, which is easy to lose when typing it back.'
  return undefined
}

/** The terminal's masked prompt (the command's): it refuses, naming what to set instead, when the run is not interactive. */
type AskPassword = Prompts['password']

/** A new passphrase: EDGE_PASSPHRASE, or asked twice in a TTY. */
async function newPassphrase(interactive: boolean, env: NodeJS.ProcessEnv, promptPassword: AskPassword): Promise<string> {
  if (env.EDGE_PASSPHRASE !== undefined) {
    const problem = newPassphraseProblem(env.EDGE_PASSPHRASE)
    if (problem) {
      throw new UsageError(`EDGE_PASSPHRASE cannot encrypt a new key: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`, {
        code: 'bad_passphrase',
        hint: 'Set EDGE_PASSPHRASE to printable characters only, with no space or line break at either end.',
      })
    }
    return env.EDGE_PASSPHRASE
  }
  const first = await promptPassword({
    interactive,
    replacement: 'a passphrase in EDGE_PASSPHRASE',
    message: 'Passphrase to encrypt the key',
    what: 'a passphrase',
    validate: (v) => newPassphraseProblem(v) ?? (v.length < MIN_PASSPHRASE ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined),
  })
  const second = await promptPassword({interactive, replacement: 'EDGE_PASSPHRASE', message: 'Repeat the passphrase'})
  if (first !== second) throw new UsageError('The two passphrases differ.', {hint: 'Run the command again.'})
  return first
}

function view(session: Session, record: KeyRecord): KeyView {
  return {...record, selected: chooseKeyName(session) === record.name}
}

/** A key `wallet create` or `wallet import` added. */
export interface AddedKey extends KeyView {
  /**
   * The key commands sign with by default now: this one when no key was in use, else the one in
   * use, kept (`edge wallet use NAME` switches).
   */
  signingKey: string
}

/**
 * Selects a new key only when no key is in use. A key in use (the selected one, or the `dev` key
 * that edge dev uses without a selection) stays: switching silently would sign the next deploy
 * with an empty wallet and hide the user's deployments from `edge ls` (ux-test D12).
 */
function added(session: Session, record: KeyRecord): AddedKey {
  const inUse = chooseKeyName(session)
  if (inUse && inUse !== record.name && session.keystore.has(inUse)) return {...view(session, record), signingKey: inUse}
  session.settings.set('key', record.name)
  return {...view(session, record), signingKey: record.name}
}

export async function createKey(
  session: Session,
  options: {name: string; interactive: boolean; promptPassword: AskPassword},
  env: NodeJS.ProcessEnv = process.env,
): Promise<AddedKey> {
  if (session.keystore.has(options.name)) {
    throw new UsageError(`A key named "${options.name}" already exists.`, {code: 'key_exists', hint: 'Choose another name.'})
  }
  const passphrase = await newPassphrase(options.interactive, env, options.promptPassword)
  return added(session, await session.keystore.add(options.name, generateMnemonic(24), passphrase))
}

/** Whether the new key is now the one that signs, and how to switch when it is not (D12). */
export function selectionNote(key: AddedKey): string {
  if (key.signingKey === key.name) return `Selected ${key.name}: commands sign with it by default.`
  return `Commands still sign with ${key.signingKey}; to sign with ${key.name}, run \`edge wallet use ${key.name}\`.`
}

/** Reads the mnemonic from EDGE_MNEMONIC, piped stdin, or a masked prompt — never from a flag. */
async function readMnemonic(interactive: boolean, env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream, promptPassword: AskPassword): Promise<string> {
  if (env.EDGE_MNEMONIC) return env.EDGE_MNEMONIC
  if (!stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8').trim()
    if (text) return text
  }
  return promptPassword({
    interactive,
    replacement: 'the mnemonic on stdin or in EDGE_MNEMONIC',
    message: 'Mnemonic (24 or 12 words)',
    what: 'the mnemonic',
    joinLines: true,
  })
}

export async function importKey(
  session: Session,
  options: {name: string; interactive: boolean; promptPassword: AskPassword; stdin?: NodeJS.ReadStream},
  env: NodeJS.ProcessEnv = process.env,
): Promise<AddedKey> {
  if (session.keystore.has(options.name)) {
    throw new UsageError(`A key named "${options.name}" already exists.`, {code: 'key_exists', hint: 'Choose another name.'})
  }
  const mnemonic = validateMnemonic(await readMnemonic(options.interactive, env, options.stdin ?? process.stdin, options.promptPassword))
  const passphrase = await newPassphrase(options.interactive, env, options.promptPassword)
  return added(session, await session.keystore.add(options.name, mnemonic, passphrase))
}

export function listKeys(session: Session): KeyView[] {
  return session.keystore.list().map((r) => view(session, r))
}

export function useKey(session: Session, name: string): KeyView {
  const record = session.keystore.get(name)
  session.settings.set('key', name)
  return view(session, record)
}

/** What `edge wallet show` reports: a keystore key, or the key in EDGE_MNEMONIC. */
export interface ShownKey {
  /** The keystore name; absent for the key in EDGE_MNEMONIC. */
  name?: string
  address: string
  createdAt?: string
  /** A key `edge dev` made for the local chain; it holds no real money. */
  dev?: boolean
  /** Whether commands sign with it by default. */
  selected: boolean
  /** `env`: the key comes from EDGE_MNEMONIC, which overrides the keystore for every command. */
  source: 'keystore' | 'env'
}

/** The named key, else the key commands sign with: EDGE_MNEMONIC first, as for every command, then the selected key. */
export async function showKey(session: Session, name?: string, env: NodeJS.ProcessEnv = process.env): Promise<ShownKey> {
  if (!name && env.EDGE_MNEMONIC) {
    const {address} = await deriveKey(validateMnemonic(env.EDGE_MNEMONIC), session.network.bech32Prefix)
    return {address, selected: true, source: 'env'}
  }
  const keyName = chooseKeyName(session, name)
  if (!keyName) {
    throw new UsageError('No key is selected.', {code: 'no_key', hint: noKeyHint(session, 'name a key')})
  }
  return {...view(session, session.keystore.get(keyName)), source: 'keystore'}
}

export interface BalanceLine {
  denom: string
  symbol: string
  amount: BaseAmount
  display: string
  /**
   * USD value: ACT at 1 USD, AKT at the chain oracle's price; null for AKT when the chain gives no
   * price (a warning says why); absent for denoms with no USD value.
   */
  usd?: string | null
}

export interface BalanceResult {
  address: string
  key?: string
  network: string
  height: number
  balances: BalanceLine[]
}

/** Balances in AKT and ACT (always both, zero when absent) plus any other denom the account holds. */
export async function balance(
  session: Session,
  options: {address?: string; key?: string; warn?: (message: string) => void},
): Promise<BalanceResult> {
  let address = options.address
  let key: string | undefined
  if (!address) {
    if (process.env.EDGE_MNEMONIC) {
      address = (await deriveKey(validateMnemonic(process.env.EDGE_MNEMONIC), session.network.bech32Prefix)).address
    } else {
      key = chooseKeyName(session, options.key)
      if (!key) throw new UsageError('No key is selected.', {code: 'no_key', hint: 'Pass an address, --key, or create a key.'})
      address = session.keystore.get(key).address
    }
  }
  const market = await openMarket(session.network)
  try {
    const [coins, block, aktPrice] = await Promise.all([market.balances(address), market.latestBlock(), market.aktPrice()])
    const pricing = new UsdPricing(aktPrice, options.warn)
    const byDenom = new Map(coins.map((c) => [c.denom, c.amount]))
    for (const denom of ['uakt', 'uact']) if (!byDenom.has(denom)) byDenom.set(denom, 0n)
    const order = (d: string) => (d === 'uakt' ? 0 : d === 'uact' ? 1 : 2)
    const balances = [...byDenom.entries()]
      .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
      .map(([denom, amount]) => {
        // "$99,998.50": USD as every other command writes it (formatUsd), D39.
        const usd = pricing.format(amount * DEC_SCALE, denom)
        return {
          denom,
          symbol: denomInfo(denom).symbol,
          amount,
          display: formatCoin(amount, denom),
          ...usdEntry('usd', usd),
        }
      })
    return {address, ...(key ? {key} : {}), network: session.network.name, height: block.height, balances}
  } finally {
    await market.close()
  }
}


