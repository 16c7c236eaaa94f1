import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSettings} from '../../config/settings.js'
import {averageBlockTimeFlag} from '../../flags.js'
import {type NetworkView, addNetwork} from '../../services/network.js'

export default class NetworkAdd extends EdgeCommand<typeof NetworkAdd, NetworkView> {
  static summary = 'Add a custom network (your own endpoints for an Akash-compatible chain).'
  static args = {name: Args.string({description: 'Name for the network.', required: true})}
  static flags = {
    'chain-id': Flags.string({description: 'Chain id, e.g. akashnet-2.', required: true}),
    rpc: Flags.string({description: 'CometBFT RPC URL.', required: true}),
    grpc: Flags.string({description: 'gRPC URL.', required: true}),
    rest: Flags.string({description: 'REST (grpc-gateway) URL.', required: true}),
    'gas-price': Flags.string({description: 'Minimum gas price.', default: '0.025uakt'}),
    'deposit-denom': Flags.string({description: 'Denom of deposits and lease prices.', default: 'uact'}),
    check: Flags.boolean({description: "Ask the node for its chain id first and refuse a mismatch (--no-check: save without asking).", default: true, allowNo: true}),
    'block-time': averageBlockTimeFlag({description: 'Average block time, e.g. 6s or 6117ms (for per-hour prices; a bare number is milliseconds).', default: 6117, defaultHelp: async () => '6117ms'}),
  }
  static examples = [
    '<%= config.bin %> <%= command.id %> my-node --chain-id akashnet-2 --rpc https://rpc.example.com:443 --grpc https://grpc.example.com:443 --rest https://api.example.com:443',
  ]

  protected async execute(): Promise<NetworkView> {
    return addNetwork(await openSettings(), {
      name: this.args.name,
      chainId: this.flags['chain-id'],
      rpc: this.flags.rpc,
      grpc: this.flags.grpc,
      rest: this.flags.rest,
      gasPrice: this.flags['gas-price'],
      depositDenom: this.flags['deposit-denom'],
      blockTimeMs: this.flags['block-time'],
    }, {check: this.flags.check, warn: (message) => this.out.warn(message)})
  }

  protected renderText(network: NetworkView): string {
    return `Added network ${network.name} (${network.chainId}). Select it with \`edge network use ${network.name}\`.`
  }
}
