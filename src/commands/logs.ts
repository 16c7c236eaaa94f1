import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {keyFlag} from '../flags.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {type LogEvent, leaseLogs} from '../services/lease/streams.js'

export interface LogsResult {
  dseq: bigint
  lines: number
  reconnects: number
}

export default class Logs extends EdgeCommand<typeof Logs, LogsResult> {
  static summary = "Show a deployment's logs over the provider's websocket; with --follow, keep streaming."
  static description =
    'A dropped connection is re-opened and the replayed lines are matched against the ones already shown, so no line appears twice. --json and --output jsonl both print one JSON object per line: {type:"log", service, name, message}.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 -f --service web',
    '<%= config.bin %> <%= command.id %> 123 --tail 100 --json | jq -r .message',
  ]
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number.', required: true})}
  static flags = {
    service: Flags.string({char: 's', description: 'Only this service (repeatable).', multiple: true}),
    follow: Flags.boolean({char: 'f', description: 'Keep streaming new lines until Ctrl-C.'}),
    tail: Flags.integer({description: 'Start with the last N lines (-1 = all).', default: -1, min: -1}),
    key: keyFlag,
  }

  private streamedJson = false

  protected async execute(): Promise<LogsResult> {
    const dseq = parseDseq(this.args.dseq)
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: true})
    const stream = leaseLogs(ctx, dseq, {
      ...(this.flags.service?.length ? {services: this.flags.service} : {}),
      follow: this.flags.follow,
      tail: this.flags.tail,
      signal: this.signal,
    })
    let lines = 0
    let reconnects = 0
    const count = (e: LogEvent) => {
      if (e.type === 'line') lines++
      else if (e.type === 'reconnected') reconnects++
    }
    try {
      if (this.interactive) await this.viewer(dseq, stream, count)
      else await this.plain(stream, count)
    } catch (error) {
      if (!this.signal.aborted) throw error
    } finally {
      await ctx.close()
    }
    return {dseq, lines, reconnects}
  }

  /** JSONL for --json and --output jsonl; "[service] message" lines otherwise. */
  private async plain(stream: AsyncIterable<LogEvent>, count: (e: LogEvent) => void): Promise<void> {
    const json = this.out.mode !== 'text'
    if (json) this.streamedJson = true
    for await (const e of stream) {
      count(e)
      if (e.type === 'line') {
        if (json) this.out.json({type: 'log', ts: new Date().toISOString(), service: e.service, name: e.name, provider: e.provider, message: e.message})
        else this.out.writeOut(`${this.out.style.cyan(`[${e.service}]`)} ${e.message}${e.message.endsWith('\n') ? '' : '\n'}`)
      } else if (json) {
        this.out.json({...e, ts: new Date().toISOString()})
      } else if (e.type === 'reconnecting') {
        this.out.info(this.out.errStyle.dim(`(log stream dropped: ${e.error}; reconnecting)`))
      } else if (e.type === 'ended') {
        this.out.info(this.out.errStyle.dim(`(${e.reason})`))
      }
    }
  }

  private async viewer(dseq: bigint, stream: AsyncIterable<LogEvent>, count: (e: LogEvent) => void): Promise<void> {
    const [{default: React}, {LogViewer}, {LogStore}, {renderLive}] = await Promise.all([
      import('react'),
      import('../ui/components/logs/LogViewer.js'),
      import('../ui/components/logs/log-store.js'),
      import('../ui/render.js'),
    ])
    const store = new LogStore()
    const view = await renderLive(React.createElement(LogViewer, {store, title: `deployment ${dseq}`}))
    try {
      for await (const e of stream) {
        count(e)
        if (e.type === 'line') store.push(e.service, e.message)
        else if (e.type === 'reconnecting') store.setStatus('reconnecting', e.error)
        else if (e.type === 'reconnected') store.setStatus('streaming')
        else if (e.type === 'ended') store.setStatus('failed', e.reason)
      }
      store.setStatus('ended')
    } catch (error) {
      store.setStatus(this.signal.aborted ? 'ended' : 'failed', (error as Error).message)
      throw error
    } finally {
      store.flush()
      await new Promise((r) => setTimeout(r, 100))
      view.unmount()
    }
  }

  /** The lines were the output; no envelope after them. */
  logJson(json: unknown): void {
    if (this.streamedJson && (json as {ok?: boolean})?.ok === true) return
    super.logJson(json)
  }

  protected renderText(): string | undefined {
    return undefined
  }
}
