import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {keyFlag} from '../flags.js'
import {parseUsdRate} from '../market/money.js'
import type {LatencyResult} from '../provider-client/probe.js'
import {renderTable} from '../output/table.js'
import type {Strategy} from '../services/deploy/scoring.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {type BidsResult, listBids, watchBids} from '../services/lease/bids.js'
import {shortAddress} from '../ui/components/deploy/table-format.js'

export default class Bids extends EdgeCommand<typeof Bids, BidsResult> {
  static summary = 'Show the bids on a deployment: price per hour, measured latency, provider facts and score.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 --probe --explain',
    '<%= config.bin %> <%= command.id %> 123 --watch --output jsonl',
  ]
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number.', required: true})}
  static flags = {
    probe: Flags.boolean({description: "Measure the TLS handshake time to each bidder's host."}),
    watch: Flags.boolean({char: 'w', description: 'Keep watching, block by block, until Ctrl-C.'}),
    explain: Flags.boolean({description: 'Say why the best bid wins and why each other bid loses.'}),
    strategy: Flags.string({description: 'Scoring strategy.', options: ['cheapest', 'fastest', 'balanced'], default: 'balanced'}),
    'max-price': Flags.string({description: 'Filter out bids above this price (e.g. 1.2usd/h).'}),
    region: Flags.string({description: 'Filter out providers outside this region.'}),
    key: keyFlag,
  }

  protected async execute(): Promise<BidsResult> {
    const dseq = parseDseq(this.args.dseq)
    const options = {
      probe: this.flags.probe,
      measured: new Map<string, LatencyResult>(),
      strategy: this.flags.strategy as Strategy,
      ...(this.flags['max-price'] ? {maxUsdPerHour: parseUsdRate(this.flags['max-price'])} : {}),
      ...(this.flags.region ? {region: this.flags.region} : {}),
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: false, warn: (message) => this.out.warn(message)})
    try {
      if (!this.flags.watch) return await listBids(ctx, dseq, options)
      const watch = watchBids(ctx, dseq, options, this.signal)
      for (;;) {
        const next = await watch.next()
        if (next.done) return next.value
        for (const b of next.value.fresh) {
          this.out.event({type: 'bid', height: next.value.result.height, ...b})
          if (this.out.mode === 'text') this.out.writeErr(`block ${next.value.result.height}: bid from ${b.provider} ${b.price}${b.latencyMs !== undefined ? `, ${Math.round(b.latencyMs)} ms` : ''} (score ${b.score})\n`)
        }
      }
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: BidsResult): string {
    const s = this.out.style
    const parts: string[] = []
    for (const g of r.groups) {
      parts.push(s.bold(`Group ${g.name} (gseq ${g.gseq}), height ${r.height}, ${r.strategy} scoring`))
      if (g.bids.length === 0) parts.push('  no open bids')
      else
        parts.push(
          renderTable(g.bids, [
            {header: '#', get: (b) => String(b.rank)},
            {header: 'provider', get: (b) => shortAddress(b.provider)},
            {header: 'region', get: (b) => b.region ?? '-'},
            {header: 'usd/h', get: (b) => b.usdPerHour ?? b.price, align: 'right'},
            {header: 'latency', get: (b) => (b.latencyMs !== undefined ? `${Math.round(b.latencyMs)} ms` : '-'), align: 'right'},
            {header: 'audited', get: (b) => (b.audited ? 'yes' : 'no')},
            {header: 'gpu', get: (b) => b.gpu ?? '-'},
            {header: 'score', get: (b) => b.score.toFixed(1), align: 'right'},
          ]),
        )
      for (const e of g.excluded) parts.push(s.dim(`  filtered: ${e.provider} ${e.detail}`))
      if (this.flags.explain && g.explanation) {
        const e = g.explanation
        parts.push(`Best: ${e.winner.provider} (score ${e.winner.score})`)
        for (const t of e.winner.terms) if (t.weight > 0) parts.push(`  ${t.factor.padEnd(8)} ${String(t.points).padStart(5)}  ${s.dim(t.detail)}`)
        for (const o of e.others) parts.push(`  #${o.rank} ${o.provider}: ${o.why}`)
      }
    }
    if (r.settled.length) parts.push(s.dim(`Settled: ${r.settled.map((b) => `${shortAddress(b.provider)} ${b.state}`).join(', ')}`))
    return parts.join('\n')
  }
}
