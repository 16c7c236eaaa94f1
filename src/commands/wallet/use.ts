import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSession} from '../../services/session.js'
import {type KeyView, useKey} from '../../services/wallet.js'

export default class WalletUse extends EdgeCommand<typeof WalletUse, KeyView> {
  static summary = 'Select the key that signs by default.'
  static args = {name: Args.string({description: 'Key name.', required: true})}

  protected async execute(): Promise<KeyView> {
    return useKey(await openSession(this.flags.network), this.args.name)
  }

  protected renderText(key: KeyView): string {
    return `Now signing with ${key.name} (${key.address}).`
  }
}
