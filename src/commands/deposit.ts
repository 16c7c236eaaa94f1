import {Args} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {CancelledError, UsageError} from '../errors.js'
import {keyFlag} from '../flags.js'
import {parseCoin} from '../protocol/money.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {type DepositResult, depositTo} from '../services/lease/deposit.js'
import {promptConfirm} from '../ui/prompts.js'

export default class Deposit extends EdgeCommand<typeof Deposit, DepositResult> {
  static summary = "Top up a deployment's escrow."
  static examples = ['<%= config.bin %> <%= command.id %> 123 5act', '<%= config.bin %> <%= command.id %> 123 5000000uact --yes --json']
  static args = {
    dseq: Args.string({description: 'Deployment sequence number.', required: true}),
    amount: Args.string({description: 'Amount, e.g. 5act or 5000000uact.', required: true}),
  }
  static flags = {key: keyFlag}

  protected async execute(): Promise<DepositResult> {
    const dseq = parseDseq(this.args.dseq)
    const amount = parseCoin(this.args.amount)
    if (amount.amount <= 0n) throw new UsageError(`"${this.args.amount}" is nothing to deposit.`, {code: 'deposit_zero', hint: 'Give an amount above zero, such as 5act.'})
    if (!this.flags.yes) {
      const ok = await promptConfirm({
        interactive: this.interactive,
        replacement: '--yes',
        message: `Deposit ${this.args.amount} into deployment ${dseq}?`,
        defaultValue: true,
        what: 'a confirmation',
      })
      if (!ok) throw new CancelledError('Nothing was deposited.')
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: true, warn: (message) => this.out.warn(message)})
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
