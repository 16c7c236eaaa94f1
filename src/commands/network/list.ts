import {EdgeCommand} from '../../base-command.js'
import {renderTable} from '../../output/table.js'
import {openSettings} from '../../config/settings.js'
import {type NetworkView, listNetworkViews} from '../../services/network.js'

export default class NetworkList extends EdgeCommand<typeof NetworkList, NetworkView[]> {
  static summary = 'List networks (contexts): the built-in ones and those you added.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  protected async execute(): Promise<NetworkView[]> {
    return listNetworkViews(await openSettings())
  }

  protected renderText(networks: NetworkView[]): string {
    return renderTable(networks, [
      {header: '', get: (n) => (n.selected ? '*' : ' ')},
      {header: 'name', get: (n) => n.name},
      {header: 'chain id', get: (n) => n.chainId},
      {header: 'rpc', get: (n) => n.rpc},
      {header: 'kind', get: (n) => (n.builtIn ? 'built-in' : 'custom')},
    ])
  }
}
