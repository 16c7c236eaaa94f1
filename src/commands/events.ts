import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {UsageError} from '../errors.js'
import {keyFlag} from '../flags.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {type LeaseReclaimingEvent, reclaimingEvents, watchReclamation} from '../services/lease/reclaim-watch.js'
import {type LeaseEvent, leaseEvents} from '../services/lease/streams.js'

export interface EventsResult {
  dseq: bigint
  events: LeaseEvent[]
}

export default class Events extends EdgeCommand<typeof Events, EventsResult> {
  static summary = "Show the provider-side events of a deployment's leases (scheduling, image pulls, restarts)."
  static examples = ['<%= config.bin %> <%= command.id %> 123', '<%= config.bin %> <%= command.id %> 123 --follow --output jsonl']
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number.', required: true})}
  static flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep streaming until Ctrl-C.'}),
    service: Flags.string({char: 's', description: 'Only this service (repeatable).', multiple: true}),
    key: keyFlag,
  }

  protected async execute(): Promise<EventsResult> {
    const dseq = parseDseq(this.args.dseq)
    if (this.flags.follow && this.out.mode === 'json') {
      // Following never ends on its own, and --json prints one document at the end: nothing would show.
      throw new UsageError('--follow streams events, which one JSON document cannot hold.', {hint: 'Use --output jsonl with --follow.'})
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: true})
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
    try {
      if (!this.flags.follow) await watching
      for await (const e of leaseEvents(ctx, dseq, {follow: this.flags.follow, ...(this.flags.service ? {services: this.flags.service} : {}), signal: this.signal})) {
        if (this.out.mode === 'jsonl') this.out.event({...e, type: 'lease_event', eventType: e.type})
        else if (this.out.mode === 'text' && this.flags.follow) this.out.writeOut(line(e) + '\n')
        if (!this.flags.follow) events.push(e)
      }
    } catch (error) {
      if (!this.signal.aborted) throw error
    } finally {
      stopWatch.abort()
      await watching
      await ctx.close()
    }
    return {dseq, events}
  }

  protected renderText(r: EventsResult): string | undefined {
    if (this.flags.follow) return undefined
    return r.events.length ? r.events.map(line).join('\n') : 'No events.'
  }
}

function line(e: LeaseEvent): string {
  return `${e.type.padEnd(8)} ${e.reason.padEnd(16)} ${e.object.kind}/${e.object.name}: ${e.note}`
}
