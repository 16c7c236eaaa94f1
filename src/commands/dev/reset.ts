import {EdgeCommand} from '../../base-command.js'
import {displayPath} from '../../config/paths.js'
import {CancelledError} from '../../errors.js'
import {type ResetResult, devnetFiles, resetDev} from '../../services/dev/index.js'
import {promptConfirm} from '../../ui/prompts.js'

export default class DevReset extends EdgeCommand<typeof DevReset, ResetResult> {
  static summary = 'Stop edge dev and delete its chain: blocks, state, log.'
  static description = 'The dev key stays in the keystore and is funded again by the next `edge dev start`.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --yes']

  protected async execute(): Promise<ResetResult> {
    if (!this.flags.yes) {
      const ok = await promptConfirm({
        interactive: this.interactive,
        replacement: '--yes',
        message: `Delete the edge dev chain in ${displayPath(devnetFiles().dir)}?`,
        what: 'a confirmation to delete the chain',
      })
      if (!ok) throw new CancelledError('Nothing was deleted.')
    }
    return resetDev()
  }

  protected renderText(result: ResetResult): string {
    return `${result.wasRunning ? 'Stopped edge dev and deleted' : 'Deleted'} ${displayPath(result.removed)}.`
  }
}
