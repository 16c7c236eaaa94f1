import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {keyFlag} from '../../flags.js'
import {renderTable} from '../../output/table.js'
import {openSession} from '../../services/session.js'
import {type BalanceResult, balance} from '../../services/wallet.js'

export default class WalletBalance extends EdgeCommand<typeof WalletBalance, BalanceResult> {
  static summary = 'Show AKT and ACT balances of a key or an address.'
  static args = {address: Args.string({description: 'An akash1… address; defaults to the selected key.'})}
  static flags = {key: keyFlag}
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> akash1… --network mainnet --json']

  protected async execute(): Promise<BalanceResult> {
    const session = await openSession(this.flags.network)
    return balance(session, {address: this.args.address, key: this.flags.key, warn: (message) => this.out.warn(message)})
  }

  protected renderText(result: BalanceResult): string {
    const header = `${result.key ? `${result.key} ` : ''}${result.address} on ${result.network} (height ${result.height})`
    const table = renderTable(result.balances, [
      {header: 'asset', get: (b) => b.symbol},
      {header: 'amount', get: (b) => b.display.split(' ')[0], align: 'right'},
      {header: 'usd', get: (b) => (b.usd === null ? '?' : b.usd === undefined ? '' : b.usd), align: 'right'},
      {header: 'denom', get: (b) => b.denom},
    ])
    return `${header}\n${table}`
  }
}
