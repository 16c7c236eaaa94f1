import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {readProviderConfig} from '../../services/provide/start.js'
import {type WithdrawResult, withdrawEarnings} from '../../services/provide/withdraw.js'
import {openSession} from '../../services/session.js'
import {promptPassword} from '../../ui/prompts.js'

export default class ProvideWithdraw extends EdgeCommand<typeof ProvideWithdraw, WithdrawResult> {
  static summary = "Withdraw the provider's lease earnings now."
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name second --json']
  static flags = {
    name: Flags.string({description: 'Provider name on this machine.', default: 'default'}),
  }

  protected async execute(): Promise<WithdrawResult> {
    const config = await readProviderConfig(this.flags.name)
    const session = await openSession(this.flags.network ?? config.network)
    const progress = this.out.progress('withdraw', 'Withdrawing lease earnings')
    try {
      const r = await withdrawEarnings(session, {name: this.flags.name, interactive: this.interactive, promptPassword})
      progress.succeed()
      return r
    } catch (error) {
      progress.fail()
      throw error
    }
  }

  protected renderText(r: WithdrawResult): string {
    if (r.leases.length === 0 && r.failed.length === 0) return `No active leases: nothing to withdraw.`
    const lines = [`Withdrew ${r.withdrawn} uact from ${r.leases.length} lease(s) (balance ${r.after} uact).`]
    for (const f of r.failed) lines.push(`  ${f.lease}: ${f.message}`)
    return lines.join('\n')
  }
}
