import {Args} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {CancelledError, UsageError} from '../errors.js'
import {dseqArg, keyFlag} from '../flags.js'
import {formatCoin, parseCoin} from '../protocol/money.js'
import {openTenant} from '../services/lease/context.js'
import {type DepositResult, depositTo} from '../services/lease/deposit.js'
import {promptConfirm} from '../ui/prompts.js'
import {promptPassword} from '../ui/prompts.js'

export default class Deposit extends EdgeCommand<typeof Deposit, DepositResult> {
  static summary = "Top up a deployment's escrow."
  static examples = ['<%= config.bin %> <%= command.id %> 123 5act', '<%= config.bin %> <%= command.id %> 123 5000000uact --yes --json']
  static args = {
    dseq: dseqArg({description: 'Deployment sequence number.', required: true}),
    amount: Args.custom<{denom: string; amount: bigint}>({parse: async (input) => depositAmount(input)})({description: 'Amount, e.g. 5act or 5000000uact.', required: true}),
  }
  static flags = {key: keyFlag}

  protected async execute(): Promise<DepositResult> {
    const {dseq} = this.args
    const {amount} = this.args
    if (!this.flags.yes) {
      const ok = await promptConfirm({
        interactive: this.interactive,
        replacement: '--yes',
        message: `Deposit ${formatCoin(amount.amount, amount.denom)} into deployment ${dseq}?`,
        defaultValue: true,
        what: 'a confirmation',
      })
      if (!ok) throw new CancelledError('Nothing was deposited.')
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true, warn: (message) => this.out.warn(message)})
    try {
      return await depositTo(ctx, dseq, amount)
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: DepositResult): string {
    return `Deposited ${r.deposited.display} into deployment ${r.dseq} (block ${r.height}).${r.escrowLeft ? ` Escrow left: ${r.escrowLeft.display}${r.escrowLeft.usd ? ` (${r.escrowLeft.usd})` : ''}.` : ''}`
  }
}

function depositAmount(input: string): {denom: string; amount: bigint} {
  const coin = parseCoin(input)
  if (coin.amount <= 0n) throw new UsageError(`"${input}" is nothing to deposit.`, {code: 'deposit_zero', hint: 'Give an amount above zero, such as 5act.'})
  return coin
}
