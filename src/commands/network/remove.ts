import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSettings} from '../../config/settings.js'
import {removeNetwork} from '../../services/network.js'

export default class NetworkRemove extends EdgeCommand<typeof NetworkRemove, {name: string; selected: string}> {
  static summary = 'Remove a custom network.'
  static args = {name: Args.string({description: 'Name of the custom network.', required: true})}

  protected async execute(): Promise<{name: string; selected: string}> {
    return removeNetwork(await openSettings(), this.args.name)
  }

  protected renderText(result: {name: string; selected: string}): string {
    return `Removed network ${result.name}; selected network: ${result.selected}.`
  }
}
