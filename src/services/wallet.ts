import {UsageError} from '../errors.js'
import {generateMnemonic, validateMnemonic} from '../config/mnemonic.js'
import type {KeyRecord} from '../config/keystore.js'
import {openMarket} from '../market/index.js'
import {DEC_PRECISION, DEC_SCALE, denomInfo, formatCoin, formatScaled, toUsd} from '../market/money.js'
import {promptPassword} from '../ui/prompts.js'
import type {Session} from './session.js'
import {chooseKeyName} from './signer.js'

export interface KeyView extends KeyRecord {
  selected: boolean
}

const MIN_PASSPHRASE = 8

/** A new passphrase: EDGE_PASSPHRASE, or asked twice in a TTY. */
async function newPassphrase(interactive: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.EDGE_PASSPHRASE !== undefined) return env.EDGE_PASSPHRASE
  const first = await promptPassword({
    interactive,
    replacement: 'a passphrase in EDGE_PASSPHRASE',
    message: 'Passphrase to encrypt the key',
    what: 'a passphrase',
    validate: (v) => (v.length < MIN_PASSPHRASE ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined),
  })
  const second = await promptPassword({interactive, replacement: 'EDGE_PASSPHRASE', message: 'Repeat the passphrase'})
  if (first !== second) throw new UsageError('The two passphrases differ.', {hint: 'Run the command again.'})
  return first
}

function view(session: Session, record: KeyRecord): KeyView {
  return {...record, selected: chooseKeyName(session) === record.name}
}

export async function createKey(
  session: Session,
  options: {name: string; interactive: boolean},
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyView> {
  if (session.keystore.has(options.name)) {
    throw new UsageError(`A key named "${options.name}" already exists.`, {code: 'key_exists', hint: 'Choose another name.'})
  }
  const passphrase = await newPassphrase(options.interactive, env)
  const record = await session.keystore.add(options.name, generateMnemonic(24), passphrase)
  if (!session.settings.get('key')) session.settings.set('key', record.name)
  return view(session, record)
}

/** Reads the mnemonic from EDGE_MNEMONIC, piped stdin, or a masked prompt — never from a flag. */
async function readMnemonic(interactive: boolean, env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream): Promise<string> {
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
  })
}

export async function importKey(
  session: Session,
  options: {name: string; interactive: boolean; stdin?: NodeJS.ReadStream},
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyView> {
  if (session.keystore.has(options.name)) {
    throw new UsageError(`A key named "${options.name}" already exists.`, {code: 'key_exists', hint: 'Choose another name.'})
  }
  const mnemonic = validateMnemonic(await readMnemonic(options.interactive, env, options.stdin ?? process.stdin))
  const passphrase = await newPassphrase(options.interactive, env)
  const record = await session.keystore.add(options.name, mnemonic, passphrase)
  if (!session.settings.get('key')) session.settings.set('key', record.name)
  return view(session, record)
}

export function listKeys(session: Session): KeyView[] {
  return session.keystore.list().map((r) => view(session, r))
}

export function useKey(session: Session, name: string): KeyView {
  const record = session.keystore.get(name)
  session.settings.set('key', name)
  return view(session, record)
}

export function showKey(session: Session, name?: string): KeyView {
  const keyName = chooseKeyName(session, name)
  if (!keyName) {
    throw new UsageError('No key is selected.', {code: 'no_key', hint: 'Create one with `edge wallet create` or pass a key name.'})
  }
  return view(session, session.keystore.get(keyName))
}

export interface BalanceLine {
  denom: string
  symbol: string
  /** Integer amount of the base denom. */
  amount: bigint
  display: string
  /** USD value for ACT (1 ACT ≈ 1 USD); absent for AKT without a price source. */
  usd?: string
}

export interface BalanceResult {
  address: string
  key?: string
  network: string
  height: number
  balances: BalanceLine[]
}

/** Balances in AKT and ACT (always both, zero when absent) plus any other denom the account holds. */
export async function balance(session: Session, options: {address?: string; key?: string}): Promise<BalanceResult> {
  let address = options.address
  let key: string | undefined
  if (!address) {
    if (process.env.EDGE_MNEMONIC) {
      const {deriveKey} = await import('../config/mnemonic.js')
      address = (await deriveKey(validateMnemonic(process.env.EDGE_MNEMONIC), session.network.bech32Prefix)).address
    } else {
      key = chooseKeyName(session, options.key)
      if (!key) throw new UsageError('No key is selected.', {code: 'no_key', hint: 'Pass an address, --key, or create a key.'})
      address = session.keystore.get(key).address
    }
  }
  const market = await openMarket(session.network)
  try {
    const [coins, block] = await Promise.all([market.balances(address), market.latestBlock()])
    const byDenom = new Map(coins.map((c) => [c.denom, c.amount]))
    for (const denom of ['uakt', 'uact']) if (!byDenom.has(denom)) byDenom.set(denom, 0n)
    const order = (d: string) => (d === 'uakt' ? 0 : d === 'uact' ? 1 : 2)
    const balances = [...byDenom.entries()]
      .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
      .map(([denom, amount]) => {
        const usd = toUsd(amount * DEC_SCALE, denom)
        return {
          denom,
          symbol: denomInfo(denom).symbol,
          amount,
          display: formatCoin(amount, denom),
          ...(usd === undefined ? {} : {usd: formatScaled(usd, DEC_PRECISION, 2)}),
        }
      })
    return {address, ...(key ? {key} : {}), network: session.network.name, height: block.height, balances}
  } finally {
    await market.close()
  }
}


