import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSettings} from '../../config/settings.js'
import {type NetworkView, useNetwork} from '../../services/network.js'

export default class NetworkUse extends EdgeCommand<typeof NetworkUse, NetworkView> {
  static summary = 'Select the network edge talks to by default.'
  static description = 'The selection is overridden by --network and by EDGE_NETWORK.'
  static args = {name: Args.string({description: 'Network name (mainnet, sandbox, testnet, local or a custom one).', required: true})}
  static examples = ['<%= config.bin %> <%= command.id %> sandbox']

  protected async execute(): Promise<NetworkView> {
    return useNetwork(await openSettings(), this.args.name)
  }

  protected renderText(network: NetworkView): string {
    return `Now using ${network.name} (${network.chainId}).`
  }
}
