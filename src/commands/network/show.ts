import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openSettings} from '../../config/settings.js'
import {renderFields} from '../../output/table.js'
import {type NetworkStatus, type NetworkView, showNetwork} from '../../services/network.js'

type Result = NetworkView & {status?: NetworkStatus}

export default class NetworkShow extends EdgeCommand<typeof NetworkShow, Result> {
  static summary = 'Show a network (the selected one by default); --check asks its RPC for the latest block.'
  static args = {name: Args.string({description: 'Network name; defaults to --network, EDGE_NETWORK or the selected one.'})}
  static flags = {check: Flags.boolean({description: 'Contact the network and report its height (exit 6 if unreachable).'})}

  protected async execute(): Promise<Result> {
    return showNetwork(await openSettings(), this.args.name ?? this.flags.network, this.flags.check)
  }

  protected renderText(n: Result): string {
    return renderFields([
      ['name', `${n.name}${n.selected ? ' (selected)' : ''}`],
      ['chain id', n.chainId],
      ['rpc', n.rpc],
      ['grpc', n.grpc],
      ['rest', n.rest],
      ['gas price', n.gasPrice],
      ['deposit denom', n.depositDenom],
      ['block time', `${n.blockTimeMs} ms`],
      ['status', n.status ? `reachable, height ${n.status.height}` : undefined],
    ])
  }
}
