import {UsageError, cannotPrompt} from '../errors.js'
import type {Keystore} from '../config/keystore.js'
import {validateMnemonic} from '../config/mnemonic.js'
import type {Prompts} from './prompts.js'
import type {Session} from './session.js'

export interface SignerChoice {
  /** Flag `--key` (or EDGE_KEY). */
  key?: string
  interactive: boolean
  /** The terminal's masked prompt, passed by the command; without it a passphrase cannot be asked for. */
  promptPassword?: Prompts['password']
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
  if (session.network.profile.devKeys && session.keystore.has('dev')) return 'dev'
  return selected
}

/** What to do when no key is selected: select one of the keys there are, or make one. `pass` names the flag or argument that picks a key. */
export function noKeyHint(session: Session, pass = 'pass --key'): string {
  const keys = session.keystore.list()
  if (keys.length > 0) {
    return `Select one with \`edge wallet use ${keys.length === 1 ? keys[0].name : 'NAME'}\` (\`edge wallet list\` shows them), ${pass}, or set EDGE_MNEMONIC.`
  }
  return 'Create one with `edge wallet create`, import one with `edge wallet import`, or set EDGE_MNEMONIC.'
}

/**
 * The mnemonic that signs: EDGE_MNEMONIC (CI, no keystore) first, then a keystore key. A key made
 * without a passphrase (the `edge dev` keys) unlocks with none, whatever EDGE_PASSPHRASE holds: that
 * variable is meant for another key (ux-test D11). Any other key unlocks with EDGE_PASSPHRASE or a
 * prompt.
 */
export async function resolveSigner(session: Session, choice: SignerChoice, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedSigner> {
  if (env.EDGE_MNEMONIC) return {mnemonic: validateMnemonic(env.EDGE_MNEMONIC), source: 'env'}
  const keyName = chooseKeyName(session, choice.key)
  if (!keyName) {
    throw new UsageError('No key is selected to sign with.', {code: 'no_key', hint: noKeyHint(session)})
  }
  const keystore = session.keystore
  if (keystore.mayHaveNoPassphrase(keyName)) {
    try {
      return {mnemonic: await keystore.unlock(keyName, ''), keyName, source: 'keystore'}
    } catch (error) {
      // A dev key created under a passphrase (before keys recorded whether they have one): go on.
      if ((error as {code?: string}).code !== 'wrong_passphrase') throw error
    }
  }
  if (env.EDGE_PASSPHRASE !== undefined) {
    return {mnemonic: await unlockAsTyped(keystore, keyName, env.EDGE_PASSPHRASE), keyName, source: 'keystore'}
  }
  const what = `the passphrase of key "${keyName}"`
  const replacement = 'the passphrase in EDGE_PASSPHRASE (or the mnemonic in EDGE_MNEMONIC)'
  if (!choice.promptPassword) throw cannotPrompt(what, replacement)
  const passphrase = await choice.promptPassword({interactive: choice.interactive, replacement, message: `Passphrase for key "${keyName}"`, what})
  return {mnemonic: await unlockAsTyped(keystore, keyName, passphrase), keyName, source: 'keystore'}
}

/**
 * Unlocks with the passphrase as given; when that is wrong, with it trimmed, then trimmed with a
 * carriage return after it. Prompts trim their answers now, and before they submitted on an Enter
 * that came in the same read as the text, `edge wallet create` stored a pasted passphrase with the
 * CR at its end (ux-test D2): those keys open again with what their owner typed. Each extra try
 * costs one key derivation, and only after a wrong passphrase.
 */
export async function unlockAsTyped(keystore: Keystore, name: string, passphrase: string): Promise<string> {
  const trimmed = passphrase.trim()
  const candidates = [...new Set([passphrase, trimmed, `${trimmed}\r`])]
  let wrong: unknown
  for (const candidate of candidates) {
    try {
      return await keystore.unlock(name, candidate)
    } catch (error) {
      if ((error as {code?: string}).code !== 'wrong_passphrase') throw error
      wrong ??= error
    }
  }
  throw wrong
}
