import {Keystore} from '../config/keystore.js'
import {type NetworkContext, resolveNetwork} from '../config/networks.js'
import {keysDir} from '../config/paths.js'
import {type Settings, openSettings} from '../config/settings.js'

/** What a command needs to reach a network as someone: settings, the network, the keystore. */
export interface Session {
  settings: Settings
  network: NetworkContext
  keystore: Keystore
}

export async function openSession(networkName?: string, env: NodeJS.ProcessEnv = process.env): Promise<Session> {
  const settings = await openSettings(env)
  return {settings, network: resolveNetwork(settings, networkName), keystore: new Keystore(keysDir(env))}
}
