import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {formatCoin} from '../../protocol/money.js'
import {type FundResult, fundDev} from '../../services/dev/index.js'

export default class DevFund extends EdgeCommand<typeof DevFund, FundResult> {
  static summary = 'Give an address AKT or ACT on edge dev (the dev faucet).'
  static description = 'The coins are minted in the next block and recorded in its events. ADDRESS may also be a key name.'
  static strict = false
  static args = {
    address: Args.string({description: 'An akash1… address or a key name.', required: true}),
    amounts: Args.string({description: 'Amounts such as 100akt 50act 1000uakt.', required: true}),
  }
  static examples = ['<%= config.bin %> <%= command.id %> akash1… 100akt 50act', '<%= config.bin %> <%= command.id %> dev 1000000uakt']

  protected async execute(): Promise<FundResult> {
    const [address, ...amounts] = this.argv.filter((a) => !a.startsWith('-'))
    return fundDev(address ?? this.args.address, amounts.length ? amounts : [this.args.amounts])
  }

  protected renderText(result: FundResult): string {
    const given = result.coins.map((c) => formatCoin(BigInt(c.amount), c.denom)).join(', ')
    const now = result.balances.map((c) => formatCoin(BigInt(c.amount), c.denom)).join(', ')
    return `Funded ${result.address} with ${given} at height ${result.height}.${now ? ` Balance: ${now}.` : ''}`
  }
}
