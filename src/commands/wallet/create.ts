import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSession} from '../../services/session.js'
import {type AddedKey, createKey, selectionNote} from '../../services/wallet.js'
import {promptPassword} from '../../ui/prompts.js'

export default class WalletCreate extends EdgeCommand<typeof WalletCreate, AddedKey> {
  static summary = 'Create a key: a new 24-word mnemonic, encrypted at rest under a passphrase.'
  static description =
    'The passphrase comes from EDGE_PASSPHRASE or a prompt. The mnemonic is never shown: the encrypted keystore file and its passphrase are the backup.'
  static args = {name: Args.string({description: 'Key name.', default: 'default'})}
  static examples = ['<%= config.bin %> <%= command.id %>', 'EDGE_PASSPHRASE=… <%= config.bin %> <%= command.id %> ci --json']

  protected async execute(): Promise<AddedKey> {
    const session = await openSession(this.flags.network)
    return createKey(session, {name: this.args.name, interactive: this.interactive, promptPassword})
  }

  protected renderText(key: AddedKey): string {
    return `Created key ${key.name}: ${key.address}\n${selectionNote(key)}`
  }
}
