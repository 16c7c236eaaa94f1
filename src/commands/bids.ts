import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {dseqArg, keyFlag, usdRateFlag} from '../flags.js'
import type {LatencyResult} from '../provider-client/probe.js'
import {renderTable} from '../output/table.js'
import type {BidView} from '../services/deploy/events.js'
import type {Strategy} from '../services/deploy/scoring.js'
import {openTenant} from '../services/lease/context.js'
import {type BidsResult, listBids, watchBids} from '../services/lease/bids.js'
import {shortAddress} from '../ui/components/deploy/table-format.js'

export default class Bids extends EdgeCommand<typeof Bids, BidsResult> {
  static summary = 'Show the bids on a deployment: price per hour, measured latency, provider facts and score.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 --explain',
    '<%= config.bin %> <%= command.id %> 123 --watch --output jsonl',
  ]
  static handlesSignals = true
  static args = {dseq: dseqArg({description: 'Deployment sequence number.', required: true})}
  static flags = {
    // On by default: `edge deploy` measures before it scores, and without a measurement the latency
    // term is 0, so the same bid would score lower here than in the deploy picker (60 vs 90).
    probe: Flags.boolean({
      description: "Measure the TLS handshake time to each bidder's host (as edge deploy does before it scores). --no-probe skips it: latency then scores 0.",
      default: true,
      allowNo: true,
    }),
    watch: Flags.boolean({char: 'w', description: 'Keep watching, block by block, until Ctrl-C.'}),
    explain: Flags.boolean({description: 'Say why the best bid wins and why each other bid loses.'}),
    strategy: Flags.string({description: 'Scoring strategy.', options: ['cheapest', 'fastest', 'balanced'], default: 'balanced'}),
    'max-price': usdRateFlag({description: 'Filter out bids above this price (e.g. 1.2usd/h).'}),
    region: Flags.string({description: 'Filter out providers outside this region.'}),
    key: keyFlag,
  }

  /** Watching streams until Ctrl-C: `--json` then means JSONL, as with --follow elsewhere. */
  protected streamsEvents(): boolean {
    return this.flags.watch
  }

  protected async execute(): Promise<BidsResult> {
    const {dseq} = this.args
    const options = {
      probe: this.flags.probe,
      measured: new Map<string, LatencyResult>(),
      strategy: this.flags.strategy as Strategy,
      ...(this.flags['max-price'] !== undefined ? {maxUsdPerHour: this.flags['max-price']} : {}),
      ...(this.flags.region ? {region: this.flags.region} : {}),
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: false, warn: (message) => this.out.warn(message)})
    try {
      if (!this.flags.watch) return await listBids(ctx, dseq, options)
      return await this.consume<BidEvent, BidsResult>(bidEvents(watchBids(ctx, dseq, options, this.signal)), {line: bidLine})
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
            {header: 'region', get: (b) => b.region ?? '-', fit: 'wrap', minWidth: 6},
            {header: 'usd/h', get: (b) => b.usdPerHour ?? b.price, align: 'right'},
            {header: 'latency', get: (b) => (b.latencyMs !== undefined ? `${Math.round(b.latencyMs)} ms` : '-'), align: 'right'},
            {header: 'audited', get: (b) => (b.audited ? 'yes' : 'no')},
            {header: 'gpu', get: (b) => b.gpu ?? '-', fit: 'wrap'},
            {header: 'score', get: (b) => b.score.toFixed(1), align: 'right'},
          ]),
        )
      for (const e of g.excluded) parts.push(s.dim(`  filtered: ${e.provider} ${e.detail}`))
      if (this.flags.explain && g.explanation) {
        const e = g.explanation
        parts.push(`Best: ${e.winner.provider} (score ${e.winner.score})`)
        if (!this.flags.probe && e.weights.latency > 0) parts.push(s.dim('  Latency was not measured (--no-probe), so it scores 0: edge deploy measures it, and its scores are higher.'))
        for (const t of e.winner.terms) if (t.weight > 0) parts.push(`  ${t.factor.padEnd(8)} ${String(t.points).padStart(5)}  ${s.dim(t.detail)}`)
        for (const o of e.others) parts.push(`  #${o.rank} ${o.provider}: ${o.why}`)
      }
    }
    if (r.settled.length) parts.push(s.dim(`Settled: ${r.settled.map((b) => `${shortAddress(b.provider)} ${b.state}`).join(', ')}`))
    return parts.join('\n')
  }
}

/** A bid seen for the first time while watching: its row, and the height it was seen at. */
export type BidEvent = {type: 'bid'; height: number} & BidView

/** The watch's fresh bids, one event each; returns the last listing when the watch stops. */
async function* bidEvents(watch: AsyncGenerator<{result: BidsResult; fresh: BidView[]}, BidsResult>): AsyncGenerator<BidEvent, BidsResult> {
  for (;;) {
    const next = await watch.next()
    if (next.done) return next.value
    for (const b of next.value.fresh) yield {type: 'bid', height: next.value.result.height, ...b}
  }
}

function bidLine(b: BidEvent): string {
  return `block ${b.height}: bid from ${b.provider} ${b.price}${b.latencyMs !== undefined ? `, ${Math.round(b.latencyMs)} ms` : ''} (score ${b.score})`
}
