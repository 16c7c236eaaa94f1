import {type KeyRecord, Keystore} from '../../config/keystore.js'
import {generateMnemonic} from '../../config/mnemonic.js'
import {keysDir} from '../../config/paths.js'

export const DEV_KEY = 'dev'

/** What the dev key holds at genesis: 100,000 AKT for fees and 100,000 ACT for deposits. */
export const DEV_KEY_GENESIS_COINS = [
  {denom: 'uakt', amount: 100_000_000_000n},
  {denom: 'uact', amount: 100_000_000_000n},
]

/**
 * The `dev` key of the keystore, created on first use: a fresh mnemonic encrypted under
 * EDGE_PASSPHRASE, or under an empty passphrase when that is unset (it only ever holds edge dev
 * tokens, and is marked as a dev key).
 */
export async function ensureDevKey(env: NodeJS.ProcessEnv = process.env): Promise<{record: KeyRecord; created: boolean}> {
  const keystore = new Keystore(keysDir(env))
  if (keystore.has(DEV_KEY)) return {record: keystore.get(DEV_KEY), created: false}
  try {
    const record = await keystore.add(DEV_KEY, generateMnemonic(24), env.EDGE_PASSPHRASE ?? '', {dev: true})
    return {record, created: true}
  } catch (error) {
    // Another `edge dev start` made it in the meantime: use that one.
    if ((error as {code?: string}).code === 'key_exists') return {record: keystore.get(DEV_KEY), created: false}
    throw error
  }
}

/** The dev key's address, if it exists (no passphrase needed). */
export function devKeyAddress(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const keystore = new Keystore(keysDir(env))
  return keystore.has(DEV_KEY) ? keystore.get(DEV_KEY).address : undefined
}
