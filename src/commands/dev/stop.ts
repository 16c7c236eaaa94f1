import {EdgeCommand} from '../../base-command.js'
import {type StopResult, stopDev} from '../../services/dev/index.js'

export default class DevStop extends EdgeCommand<typeof DevStop, StopResult> {
  static summary = 'Stop edge dev (its chain data is kept).'
  static examples = ['<%= config.bin %> <%= command.id %>']

  protected async execute(): Promise<StopResult> {
    return stopDev()
  }

  protected renderText(result: StopResult): string {
    return result.wasRunning ? `Stopped edge dev (pid ${result.pid}).` : 'edge dev was not running.'
  }
}
