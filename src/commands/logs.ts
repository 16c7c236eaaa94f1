import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {dseqArg, keyFlag} from '../flags.js'
import {openTenant} from '../services/lease/context.js'
import {defaultDseq} from '../services/lease/default-dseq.js'
import {type LogEvent, leaseLogs} from '../services/lease/streams.js'
import {logSinks} from '../ui/sinks/logs.js'
import {promptPassword} from '../ui/prompts.js'

export interface LogsResult {
  dseq: bigint
  lines: number
  reconnects: number
}

export default class Logs extends EdgeCommand<typeof Logs, LogsResult> {
  static summary = "Show a deployment's logs over the provider's websocket; with --follow, keep streaming."
  static description =
    'A dropped connection is re-opened and the replayed lines are matched against the ones already shown, so no line appears twice. --json and --output jsonl both print one JSON object per line: {type:"log", service, name, provider, message}, and a last {type:"result"} line.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 -f --service web',
    '<%= config.bin %> <%= command.id %> 123 --tail 100 --json | jq -r \'select(.type == "log").message\'',
  ]
  static handlesSignals = true
  static args = {dseq: dseqArg({description: 'Deployment sequence number (default: your only active deployment).'})}
  static flags = {
    service: Flags.string({char: 's', description: 'Only this service (repeatable).', multiple: true}),
    follow: Flags.boolean({char: 'f', description: 'Keep streaming new lines until Ctrl-C.'}),
    tail: Flags.integer({description: 'Start with the last N lines (-1 = all).', default: -1, min: -1}),
    key: keyFlag,
  }

  /** The lines are the output: `--json` streams them as JSONL too, ending with the result event. */
  protected streamsEvents(): boolean {
    return true
  }

  protected async execute(): Promise<LogsResult> {
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true})
    const dseq = this.args.dseq ?? (await defaultDseq(ctx, 'logs').catch(async (error: unknown) => {
      await ctx.close()
      throw error
    }))
    const counts = {lines: 0, reconnects: 0}
    const stream = leaseLogs(ctx, dseq, {
      ...(this.flags.service?.length ? {services: this.flags.service} : {}),
      follow: this.flags.follow,
      tail: this.flags.tail,
      signal: this.signal,
    })
    try {
      // Ctrl-C stops the stream: the lines shown so far are the result.
      await this.consumeFollowed(counted(stream, counts), logSinks(`deployment ${dseq}`, this.signal, {follow: this.flags.follow}))
    } finally {
      await ctx.close()
    }
    return {dseq, ...counts}
  }

  protected renderText(): string | undefined {
    return undefined
  }
}

async function* counted(stream: AsyncIterable<LogEvent>, counts: {lines: number; reconnects: number}): AsyncGenerator<LogEvent> {
  for await (const e of stream) {
    if (e.type === 'line') counts.lines++
    else if (e.type === 'reconnected') counts.reconnects++
    yield e
  }
}
