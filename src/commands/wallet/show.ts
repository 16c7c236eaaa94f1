import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {renderFields} from '../../output/table.js'
import {openSession} from '../../services/session.js'
import {type ShownKey, showKey} from '../../services/wallet.js'

export default class WalletShow extends EdgeCommand<typeof WalletShow, ShownKey> {
  static summary = "Show a key's name and address (by default the key commands sign with: EDGE_MNEMONIC's, else the selected key)."
  static args = {name: Args.string({description: 'Key name.'})}

  protected async execute(): Promise<ShownKey> {
    return showKey(await openSession(this.flags.network), this.args.name)
  }

  protected renderText(key: ShownKey): string {
    if (key.source === 'env') {
      return renderFields([
        ['key', 'from EDGE_MNEMONIC (it overrides the keystore)'],
        ['address', key.address],
      ])
    }
    return renderFields([
      ['name', key.name + (key.selected ? ' (selected)' : '')],
      ['address', key.address],
      ['created', key.createdAt],
      ['kind', key.dev ? 'edge dev key (local chain only)' : undefined],
    ])
  }
}
