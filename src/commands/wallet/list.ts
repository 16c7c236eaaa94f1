import {EdgeCommand} from '../../base-command.js'
import {renderTable} from '../../output/table.js'
import {openSession} from '../../services/session.js'
import {type KeyView, listKeys} from '../../services/wallet.js'

export default class WalletList extends EdgeCommand<typeof WalletList, KeyView[]> {
  static summary = 'List keys in the keystore (no passphrase needed).'

  protected async execute(): Promise<KeyView[]> {
    return listKeys(await openSession(this.flags.network))
  }

  protected renderText(keys: KeyView[]): string {
    if (keys.length === 0) return 'No keys yet. Create one with `edge wallet create`.'
    return renderTable(keys, [
      {header: '', get: (k) => (k.selected ? '*' : ' ')},
      {header: 'name', get: (k) => k.name + (k.dev ? ' (dev)' : '')},
      {header: 'address', get: (k) => k.address},
      {header: 'created', get: (k) => k.createdAt.slice(0, 10)},
    ])
  }
}
