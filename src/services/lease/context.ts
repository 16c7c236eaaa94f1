/**
 * What the lifecycle commands share: the network, the tenant's address (and, when a command talks
 * to a provider or signs, the unlocked key), the Market and the local ledger.
 */
import {validateMnemonic, deriveKey} from '../../config/mnemonic.js'
import type {NetworkContext} from '../../config/networks.js'
import {UsageError} from '../../errors.js'
import {openMarket, preloadMarket} from '../../market/index.js'
import type {Market} from '../../market/market.js'
import type {JwtKey} from '../../provider-client/jwt.js'
import {Ledger, ledgerPath} from '../ledger/ledger.js'
import {expectChainId} from '../network.js'
import {openSession, type Session} from '../session.js'
import {type SignerChoice, chooseKeyName, noKeyHint, resolveSigner} from '../signer.js'

export interface TenantContext {
  session: Session
  network: NetworkContext
  market: Market
  owner: string
  /** Present when the context was opened with `sign: true`. */
  key?: JwtKey
  ledger: Ledger
  /** Where the command's warnings go (stderr and the JSON envelope's `warnings`). */
  warn?: (message: string) => void
  close(): Promise<void>
}

export interface TenantOptions {
  network?: string
  /** A session the command opened already (it then names the network). */
  session?: Session
  key?: string
  interactive: boolean
  /** The terminal's masked prompt, for a key's passphrase (see SignerChoice). */
  promptPassword?: SignerChoice['promptPassword']
  /** Unlock the key: for transactions and provider calls (JWT). */
  sign: boolean
  env?: NodeJS.ProcessEnv
  /** The command's warning sink (`this.out.warn`); dropped when absent. */
  warn?: (message: string) => void
}

/** The address without unlocking anything (EDGE_MNEMONIC, or the keystore record). */
async function ownerAddress(session: Session, key: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.EDGE_MNEMONIC) return (await deriveKey(validateMnemonic(env.EDGE_MNEMONIC), session.network.bech32Prefix)).address
  const name = chooseKeyName(session, key)
  if (!name) {
    throw new UsageError('No key is selected.', {code: 'no_key', hint: noKeyHint(session)})
  }
  return session.keystore.get(name).address
}

export async function openTenant(options: TenantOptions): Promise<TenantContext> {
  const env = options.env ?? process.env
  const session = options.session ?? (await openSession(options.network, env))
  let market: Market
  let owner: string
  let key: JwtKey | undefined
  // chain-sdk takes a few hundred ms to load; start now so it overlaps with unlocking the key
  // (scrypt and PBKDF2 run on the thread pool) instead of delaying the first query.
  preloadMarket()
  if (options.sign) {
    const signer = await resolveSigner(session, {key: options.key, interactive: options.interactive, promptPassword: options.promptPassword}, env)
    const derived = await deriveKey(signer.mnemonic, session.network.bech32Prefix)
    key = {address: derived.address, privkey: derived.privkey}
    owner = derived.address
    market = await openMarket(session.network, {mnemonic: signer.mnemonic, address: derived.address, key: {pubkey: derived.pubkey, privkey: derived.privkey}})
  } else {
    owner = await ownerAddress(session, options.key, env)
    market = await openMarket(session.network)
  }
  // A custom network is checked at each use: it may have been saved without asking its node.
  if (!session.network.builtIn) {
    try {
      await expectChainId(market, session.network)
    } catch (error) {
      await market.close()
      throw error
    }
  }
  const ledger = await Ledger.open(ledgerPath(env))
  return {
    session,
    network: session.network,
    market,
    owner,
    ...(key ? {key} : {}),
    ledger,
    warn: once(options.warn),
    async close() {
      ledger.close()
      await market.close()
    },
  }
}

/**
 * The tenant's key for provider requests when it unlocks without asking (EDGE_MNEMONIC,
 * EDGE_PASSPHRASE, a dev key without passphrase); undefined when it would need a prompt.
 */
export async function quietKey(ctx: TenantContext, key?: string, env: NodeJS.ProcessEnv = process.env): Promise<JwtKey | undefined> {
  if (ctx.key) return ctx.key
  try {
    const signer = await resolveSigner(ctx.session, {key, interactive: false}, env)
    const derived = await deriveKey(signer.mnemonic, ctx.network.bech32Prefix)
    return derived.address === ctx.owner ? {address: derived.address, privkey: derived.privkey} : undefined
  } catch {
    return undefined
  }
}

/** "123" → 123n, with a usage error for anything else. */
export function parseDseq(input: string): bigint {
  if (!/^\d+$/.test(input.trim()) || BigInt(input.trim()) === 0n) {
    throw new UsageError(`"${input}" is not a deployment sequence number (DSEQ).`, {hint: 'DSEQ is the number `edge deploy` and `edge ls` show.'})
  }
  return BigInt(input.trim())
}

/** An address's shape (prefix, separator, bech32 characters); the chain checks the checksum. */
export function isAddress(input: string, prefix: string): boolean {
  return new RegExp(`^${prefix}1[02-9ac-hj-np-z]{38,}$`).test(input)
}

/** A provider address given on the command line, refused with a usage error before any query. */
export function parseAddress(input: string, prefix: string): string {
  const address = input.trim()
  if (!isAddress(address, prefix)) {
    throw new UsageError(`"${input}" is not an address (${prefix}1…).`, {hint: 'Copy the address from `edge providers`.'})
  }
  return address
}

/** A warning sink that passes each distinct message on once (`--watch` recomputes every block). */
function once(warn: ((message: string) => void) | undefined): (message: string) => void {
  const seen = new Set<string>()
  return (message) => {
    if (seen.has(message)) return
    seen.add(message)
    warn?.(message)
  }
}
