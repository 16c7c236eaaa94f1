import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {dseqArg, keyFlag} from '../flags.js'
import {openTenant} from '../services/lease/context.js'
import {defaultDseq} from '../services/lease/default-dseq.js'
import {type LeaseReclaimingEvent, reclaimingEvents, watchReclamation} from '../services/lease/reclaim-watch.js'
import {type LeaseEvent, leaseEvents} from '../services/lease/streams.js'
import {leaseEventLine, leaseEventSinks} from '../ui/sinks/lease-events.js'
import {promptPassword} from '../ui/prompts.js'

export interface EventsResult {
  dseq: bigint
  events: LeaseEvent[]
}

export default class Events extends EdgeCommand<typeof Events, EventsResult> {
  static summary = "Show the provider-side events of a deployment's leases (scheduling, image pulls, restarts)."
  static examples = ['<%= config.bin %> <%= command.id %> 123', '<%= config.bin %> <%= command.id %> 123 --follow --json']
  static handlesSignals = true
  static args = {dseq: dseqArg({description: 'Deployment sequence number (default: your only active deployment).'})}
  static flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep streaming until Ctrl-C.'}),
    service: Flags.string({char: 's', description: 'Only this service (repeatable).', multiple: true}),
    key: keyFlag,
  }

  /** Following streams until Ctrl-C: `--json` then means JSONL, as in every command with --follow. */
  protected streamsEvents(): boolean {
    return this.flags.follow
  }

  protected async execute(): Promise<EventsResult> {
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true})
    const dseq = this.args.dseq ?? (await defaultDseq(ctx, 'events').catch(async (error: unknown) => {
      await ctx.close()
      throw error
    }))
    const events: LeaseEvent[] = []
    // A lease going into reclamation (AEP-82) is said first, and while following as it happens.
    const stopWatch = new AbortController()
    const notify = (e: LeaseReclaimingEvent) => {
      if (this.out.mode === 'jsonl') this.out.event({...e})
      else this.out.warn(e.message)
    }
    const watching = this.flags.follow
      ? watchReclamation(ctx.market, ctx.owner, dseq, {blockTimeMs: ctx.network.blockTimeMs, signal: AbortSignal.any([stopWatch.signal, this.signal]), notify})
      : ctx.market
          .leases({owner: ctx.owner, dseq})
          .then((leases) => reclaimingEvents(leases, Date.now()).forEach(notify))
          .catch(() => {})
    const stream = leaseEvents(ctx, dseq, {follow: this.flags.follow, ...(this.flags.service ? {services: this.flags.service} : {}), signal: this.signal})
    try {
      if (!this.flags.follow) await watching
      await this.consumeFollowed(this.flags.follow ? stream : collect(stream, events), leaseEventSinks(this.flags.follow))
    } finally {
      stopWatch.abort()
      await watching
      await ctx.close()
    }
    return {dseq, events}
  }

  protected renderText(r: EventsResult): string | undefined {
    if (this.flags.follow) return undefined
    return r.events.length ? r.events.map((e) => leaseEventLine(e)).join('\n') : 'No events.'
  }
}

/** Without --follow the events are the result: kept for the table and the --json envelope. */
async function* collect(stream: AsyncIterable<LeaseEvent>, into: LeaseEvent[]): AsyncGenerator<LeaseEvent> {
  for await (const e of stream) {
    into.push(e)
    yield e
  }
}
