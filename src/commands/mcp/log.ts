import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {type ActionRecord, McpStore, mcpStorePath} from '../../mcp/store.js'

export default class McpLog extends EdgeCommand<typeof McpLog, ActionRecord[]> {
  static summary = 'What agents did through edge mcp: every plan, apply, close and deposit, refused ones too.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --limit 20 --json']
  static flags = {
    limit: Flags.integer({description: 'How many of the newest actions to show.', default: 50, min: 1}),
  }

  protected async execute(): Promise<ActionRecord[]> {
    const store = await McpStore.open(mcpStorePath())
    try {
      return store.actions(this.flags.limit)
    } finally {
      store.close()
    }
  }

  protected renderText(rows: ActionRecord[]): string {
    if (rows.length === 0) return 'No actions yet.'
    const mark = {ok: this.out.style.green('ok'), refused: this.out.style.yellow('refused'), failed: this.out.style.red('failed')}
    return rows.map((r) => `${r.ts}  ${r.tool.padEnd(11)} ${mark[r.outcome]}  ${r.summary}`).join('\n')
  }
}
