import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {openMarket} from '../../market/index.js'
import {renderFields} from '../../output/table.js'
import {parseAddress} from '../../services/lease/context.js'
import {type ProviderDetail, showProvider} from '../../services/lease/providers.js'
import {openSession} from '../../services/session.js'

export default class ProvidersShow extends EdgeCommand<typeof ProvidersShow, ProviderDetail> {
  static summary = "Show one provider: on-chain and audited attributes, certificate, measured latency, its own status."
  static examples = ['<%= config.bin %> <%= command.id %> akash1…', '<%= config.bin %> <%= command.id %> akash1… --json']
  static args = {address: Args.string({description: 'Provider address.', required: true})}
  static flags = {probe: Flags.boolean({description: 'Measure latency (default on).', allowNo: true, default: true})}

  protected async execute(): Promise<ProviderDetail> {
    const session = await openSession(this.flags.network)
    const address = parseAddress(this.args.address, session.network.bech32Prefix)
    const market = await openMarket(session.network)
    try {
      return await showProvider(market, address, {probe: this.flags.probe})
    } finally {
      await market.close()
    }
  }

  protected renderText(p: ProviderDetail): string {
    const s = this.out.style
    const lines = [
      renderFields([
        ['provider', p.address],
        ['host', p.hostUri],
        ['region', p.region],
        ['gpu', p.gpus.join(', ') || undefined],
        ['latency', p.latency ? (p.latency.p50Ms !== undefined ? `${Math.round(p.latency.p50Ms)} ms p50 TLS handshake (${p.latency.samples} probes)` : `unreachable (${p.latency.error})`) : undefined],
        ['tls', p.tls ? `${p.tls.mode === 'chain' ? 'on-chain certificate' : 'public CA'} serial ${p.tls.serial}, valid to ${p.tls.validTo}` : undefined],
        ['status', p.statusError ? s.yellow(p.statusError) : p.status ? 'answers' : undefined],
        ['email', p.email],
        ['website', p.website],
      ]),
      '',
      s.bold('Attributes'),
      ...p.attributes.map((a) => `  ${a.key}=${a.value}`),
    ]
    for (const a of p.audits) {
      lines.push('', s.bold(`Audited by ${a.auditor}`), ...a.attributes.map((x) => `  ${x.key}=${x.value}`))
    }
    if (!p.audits.length) lines.push('', s.dim('Not audited.'))
    return lines.join('\n')
  }
}
