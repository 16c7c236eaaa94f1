import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {renderFields} from '../../output/table.js'
import {openSession} from '../../services/session.js'
import {type KeyView, showKey} from '../../services/wallet.js'

export default class WalletShow extends EdgeCommand<typeof WalletShow, KeyView> {
  static summary = "Show a key's name and address (the selected key by default)."
  static args = {name: Args.string({description: 'Key name.'})}

  protected async execute(): Promise<KeyView> {
    return showKey(await openSession(this.flags.network), this.args.name)
  }

  protected renderText(key: KeyView): string {
    return renderFields([
      ['name', key.name + (key.selected ? ' (selected)' : '')],
      ['address', key.address],
      ['created', key.createdAt],
      ['kind', key.dev ? 'edge dev key (local chain only)' : undefined],
    ])
  }
}
