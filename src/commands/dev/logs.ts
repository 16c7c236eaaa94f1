import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {devLogs} from '../../services/dev/index.js'

export default class DevLogs extends EdgeCommand<typeof DevLogs, {lines: number}> {
  static summary = 'Print the edge dev log; --follow keeps printing until Ctrl-C.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --follow --tail 20']
  static handlesSignals = true
  static flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines.'}),
    tail: Flags.integer({description: 'Start with only the last N lines.', min: 0}),
  }

  /** Following streams until Ctrl-C: `--json` then means JSONL, as in every command with --follow. */
  protected streamsEvents(): boolean {
    return this.flags.follow
  }

  protected async execute(): Promise<{lines: number}> {
    const counted = {lines: 0}
    const stream = devLogLines(devLogs({follow: this.flags.follow, tail: this.flags.tail, signal: this.signal}), counted)
    const sinks = {lines: 'stdout' as const, line: (e: DevLogLine) => e.line}
    await (this.flags.follow ? this.consumeFollowed(stream, sinks) : this.consume(stream, sinks))
    return counted
  }
}

/** One line of the edge dev log, as printed (JSONL: `{type: "log", ts, line}`). */
export type DevLogLine = {type: 'log'; ts: string; line: string}

async function* devLogLines(lines: AsyncIterable<string>, counted: {lines: number}): AsyncGenerator<DevLogLine> {
  for await (const line of lines) {
    counted.lines++
    yield {type: 'log', ts: new Date().toISOString(), line}
  }
}
