import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {type ReclaimResult, RECLAIM_REASONS, reclaimLease} from '../../services/provide/reclaim.js'
import {readProviderConfig} from '../../services/provide/start.js'
import {openSession} from '../../services/session.js'
import {promptPassword} from '../../ui/prompts.js'

export default class ProvideReclaim extends EdgeCommand<typeof ProvideReclaim, ReclaimResult> {
  static summary = 'Take a lease’s resources back, with the notice its tenant agreed to (AEP-82).'
  static description =
    'Sends MsgLeaseStartReclaim. The lease turns `reclaiming` and its tenant sees the deadline; at the deadline `edge provide start` closes the bid and removes the workload (also after a restart). Only leases whose SDL set reclamation.min_window can be reclaimed.'
  static examples = [
    '<%= config.bin %> <%= command.id %> akash1…/123/1/1 --reason decommission',
    '<%= config.bin %> <%= command.id %> 123 --reason "GPU needed for maintenance" --json',
  ]
  static args = {
    lease: Args.string({description: 'The lease: OWNER/DSEQ/GSEQ/OSEQ, or a DSEQ with one lease here.', required: true}),
  }
  static flags = {
    name: Flags.string({description: 'Provider name on this machine.', default: 'default'}),
    reason: Flags.string({description: `Why: ${RECLAIM_REASONS.join(', ')} (sent on chain), or your own words (sent as unspecified, shown in edge provide status).`}),
  }

  protected async execute(): Promise<ReclaimResult> {
    const config = await readProviderConfig(this.flags.name)
    const session = await openSession(this.flags.network ?? config.network)
    const progress = this.out.progress('reclaim', `Starting reclamation of ${this.args.lease}`)
    try {
      const r = await reclaimLease(session, {
        name: this.flags.name,
        lease: this.args.lease,
        ...(this.flags.reason ? {reason: this.flags.reason} : {}),
        interactive: this.interactive,
        promptPassword,
      })
      progress.succeed()
      return r
    } catch (error) {
      progress.fail()
      throw error
    }
  }

  protected renderText(r: ReclaimResult): string {
    return [
      `Reclaiming ${r.lease} (${r.reason}${r.note ? `: ${r.note}` : ''}).`,
      `The tenant has until ${r.deadline} (${r.windowSeconds} s of notice); then \`edge provide start\` closes the lease and removes its workload.`,
    ].join('\n')
  }
}
