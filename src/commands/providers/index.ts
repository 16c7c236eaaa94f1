import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openMarket} from '../../market/index.js'
import {renderTable} from '../../output/table.js'
import {shortAddress} from '../../ui/components/deploy/table-format.js'
import {type ProviderRow, searchProviders} from '../../services/lease/providers.js'
import {openSession} from '../../services/session.js'

export default class Providers extends EdgeCommand<typeof Providers, ProviderRow[]> {
  static summary = 'Search providers: region, GPU models, audit, and latency measured from here.'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --region us-west --gpu a100 --probe',
    '<%= config.bin %> <%= command.id %> --probe --json',
  ]
  static flags = {
    region: Flags.string({description: 'Only providers whose region attribute matches (prefix or glob).'}),
    gpu: Flags.string({description: 'Only providers offering this GPU model (e.g. a100, h100, rtx4090).'}),
    probe: Flags.boolean({description: 'Measure the TLS handshake time to each one (in parallel, about a second).'}),
  }

  protected async execute(): Promise<ProviderRow[]> {
    const session = await openSession(this.flags.network)
    const market = await openMarket(session.network)
    try {
      return await searchProviders(market, {region: this.flags.region, gpu: this.flags.gpu, probe: this.flags.probe})
    } finally {
      await market.close()
    }
  }

  protected renderText(rows: ProviderRow[]): string {
    if (rows.length === 0) return 'No providers match.'
    return renderTable(rows, [
      {header: 'address', get: (r) => r.address, fit: 'truncate', shorten: shortAddress, minWidth: 17},
      {header: 'region', get: (r) => r.region ?? '-', fit: 'wrap', minWidth: 6},
      {header: 'gpu', get: (r) => r.gpus.join(', ') || '-', fit: 'wrap'},
      {header: 'audited', get: (r) => (r.audited ? 'yes' : 'no')},
      ...(this.flags.probe
        ? [{header: 'latency', get: (r: ProviderRow) => (r.latency?.p50Ms !== undefined ? `${Math.round(r.latency.p50Ms)} ms` : 'unreachable'), align: 'right' as const}]
        : []),
      {header: 'host', get: (r) => r.hostUri, fit: 'truncate', shorten: (uri) => uri.replace(/^https?:\/\//, '')},
    ])
  }
}
