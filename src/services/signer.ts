import {UsageError} from '../errors.js'
import {validateMnemonic} from '../config/mnemonic.js'
import {promptPassword} from '../ui/prompts.js'
import type {Session} from './session.js'

export interface SignerChoice {
  /** Flag `--key` (or EDGE_KEY). */
  key?: string
  interactive: boolean
}

export interface ResolvedSigner {
  mnemonic: string
  /** The keystore key, or undefined when EDGE_MNEMONIC was used. */
  keyName?: string
  source: 'env' | 'keystore'
}

/** The key edge would sign with, without unlocking it: --key > selected key > `dev` on edge dev. */
export function chooseKeyName(session: Session, key?: string): string | undefined {
  if (key) return key
  const selected = session.settings.get('key')
  if (selected && session.keystore.has(selected)) return selected
  if (session.network.name === 'local' && session.keystore.has('dev')) return 'dev'
  return selected
}

/**
 * The mnemonic that signs: EDGE_MNEMONIC (CI, no keystore) first, then a keystore key unlocked with
 * EDGE_PASSPHRASE or a prompt. An `edge dev` key made without a passphrase unlocks with none.
 */
export async function resolveSigner(session: Session, choice: SignerChoice, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedSigner> {
  if (env.EDGE_MNEMONIC) return {mnemonic: validateMnemonic(env.EDGE_MNEMONIC), source: 'env'}
  const keyName = chooseKeyName(session, choice.key)
  if (!keyName) {
    throw new UsageError('No key is selected to sign with.', {
      code: 'no_key',
      hint: 'Create one with `edge wallet create`, import one with `edge wallet import`, pass --key, or set EDGE_MNEMONIC.',
    })
  }
  const record = session.keystore.get(keyName)
  if (env.EDGE_PASSPHRASE !== undefined) {
    return {mnemonic: await session.keystore.unlock(keyName, env.EDGE_PASSPHRASE), keyName, source: 'keystore'}
  }
  if (record.dev) {
    try {
      return {mnemonic: await session.keystore.unlock(keyName, ''), keyName, source: 'keystore'}
    } catch {
      // A dev key created under a passphrase: ask for it like any other.
    }
  }
  const passphrase = await promptPassword({
    interactive: choice.interactive,
    replacement: 'the passphrase in EDGE_PASSPHRASE (or the mnemonic in EDGE_MNEMONIC)',
    message: `Passphrase for key "${keyName}"`,
    what: `the passphrase of key "${keyName}"`,
  })
  return {mnemonic: await session.keystore.unlock(keyName, passphrase), keyName, source: 'keystore'}
}
