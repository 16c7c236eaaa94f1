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

  protected async execute(): Promise<{lines: number}> {
    let lines = 0
    for await (const line of devLogs({follow: this.flags.follow, tail: this.flags.tail, signal: this.signal})) {
      lines++
      if (this.out.mode === 'text') this.out.writeOut(line + '\n')
      else this.out.event({type: 'log', line})
    }
    return {lines}
  }
}
