import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSession} from '../../services/session.js'
import {type AddedKey, importKey, selectionNote} from '../../services/wallet.js'
import {promptPassword} from '../../ui/prompts.js'

export default class WalletImport extends EdgeCommand<typeof WalletImport, AddedKey> {
  static summary = 'Import a key from its BIP-39 mnemonic (stdin, EDGE_MNEMONIC or a prompt; never a flag).'
  static args = {name: Args.string({description: 'Key name.', required: true})}
  static examples = ['<%= config.bin %> <%= command.id %> mykey < mnemonic.txt', '<%= config.bin %> <%= command.id %> mykey']

  protected async execute(): Promise<AddedKey> {
    const session = await openSession(this.flags.network)
    return importKey(session, {name: this.args.name, interactive: this.interactive, promptPassword})
  }

  protected renderText(key: AddedKey): string {
    return `Imported key ${key.name}: ${key.address}\n${selectionNote(key)}`
  }
}
