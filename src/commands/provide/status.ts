import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {renderFields, renderTable} from '../../output/table.js'
import {formatCoin} from '../../protocol/money.js'
import {fmtBytes, fmtCpu, fmtStorage} from '../../output/quantities.js'
import {readProviderConfig} from '../../services/provide/start.js'
import {type ProvideStatusResult, provideStatus} from '../../services/provide/status.js'
import {openSession} from '../../services/session.js'

export default class ProvideStatus extends EdgeCommand<typeof ProvideStatus, ProvideStatusResult> {
  static summary = 'Show the provider: registration, capacity, leases and earnings.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --name second --json']
  static flags = {
    name: Flags.string({description: 'Provider name on this machine.', default: 'default'}),
  }

  protected async execute(): Promise<ProvideStatusResult> {
    const config = await readProviderConfig(this.flags.name)
    const session = await openSession(this.flags.network ?? config.network)
    return provideStatus(session, {name: this.flags.name, warn: (message) => this.out.warn(message)})
  }

  protected renderText(r: ProvideStatusResult): string {
    const c = r.capacity
    const lines = [
      renderFields([
        ['provider', `${r.name} ${r.address ?? ''} on ${r.network}`],
        ['process', r.running ? `running (pid ${r.running.pid})` : 'not running'],
        ['gateway', `${r.hostUri} ${r.gateway.reachable ? 'reachable' : `unreachable${r.gateway.error ? ` (${r.gateway.error})` : ''}`}`],
        ['on chain', r.registration.registered ? `registered${r.registration.attributesMatch ? '' : ' (attributes differ from the config: run `edge provide init`)'}` : 'not registered (run `edge provide init`)'],
        ['cpu', `${fmtCpu(BigInt(c.reserved.cpuMillis))} of ${fmtCpu(BigInt(c.total.cpuMillis))} held`],
        ['memory', `${fmtBytes(BigInt(c.reserved.memoryBytes))} of ${fmtBytes(BigInt(c.total.memoryBytes))} held`],
        ['storage', fmtStorage({ephemeral: c.total.storageBytes, persistent: c.total.persistentBytes}, {ephemeral: c.reserved.storageBytes, persistent: c.reserved.persistentBytes})],
        ['gpus', `${c.reserved.gpus} of ${c.total.gpus} held`],
        ['bids', Object.entries(r.bids).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ') || 'none'],
        ['earnings', `${r.earnings.usdPerHour === null ? 'USD unknown (no AKT price)' : `${r.earnings.usdPerHour}/h now`}; ${r.earnings.withdrawnUact} uact withdrawn, ${r.earnings.pendingUact} uact to withdraw`],
        ['balances', r.balances.map((b) => formatCoin(b.amount, b.denom)).join(', ') || 'none'],
      ]),
    ]
    if (r.leases.length > 0) {
      lines.push(
        '',
        renderTable(r.leases, [
          {header: 'lease', get: (l) => l.lease},
          {header: 'state', get: (l) => l.state + (l.chainState && l.chainState !== 'active' ? ` (chain: ${l.chainState})` : '')},
          {header: 'usd/h', get: (l) => (l.usdPerHour === null ? '?' : (l.usdPerHour ?? '')), align: 'right'},
          {header: 'withdrawn', get: (l) => l.withdrawn ?? '', align: 'right'},
          {header: 'reclaim', get: (l) => (l.reclamation ? `closes ${l.reclamation.deadline} (${l.reclamation.note ?? l.reclamation.reason})` : '')},
        ]),
      )
    }
    return lines.join('\n')
  }
}
