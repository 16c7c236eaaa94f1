import {generateMnemonic} from '../../config/mnemonic.js'
import type {Session} from '../session.js'
import {type SignerChoice, resolveSigner} from '../signer.js'

/**
 * The key a provider signs with. On edge dev each provider gets its own key (`provider-<name>`,
 * a dev key with no passphrase, like `dev`): the tenant's `dev` key cannot also be the provider,
 * since the chain refuses a bid on one's own order. Elsewhere the operator names the key.
 */
export async function providerKeyName(session: Session, name: string, requested?: string): Promise<{key: string; created: boolean}> {
  if (requested) return {key: requested, created: false}
  const local = `provider-${name}`
  if (session.keystore.has(local)) return {key: local, created: false}
  if (session.network.profile.devKeys) {
    await session.keystore.add(local, generateMnemonic(24), '', {dev: true})
    return {key: local, created: true}
  }
  const selected = session.settings.get('key')
  if (selected && session.keystore.has(selected)) return {key: selected, created: false}
  return {key: local, created: false}
}

/** The provider key's mnemonic: EDGE_MNEMONIC, else the keystore key (dev keys need no passphrase). */
export async function providerMnemonic(
  session: Session,
  key: string | undefined,
  unlock: Pick<SignerChoice, 'interactive' | 'promptPassword'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return (await resolveSigner(session, {key, interactive: unlock.interactive, promptPassword: unlock.promptPassword}, env)).mnemonic
}
