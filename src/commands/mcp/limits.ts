import {Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {limitFlags, limitsFromFlags} from '../../mcp/flags.js'
import {type LimitsView, limitsPath, limitsView, mergeLimitsFiles, readLimitsFile, resolveLimits, writeLimitsFile} from '../../mcp/limits.js'
import {renderFields} from '../../output/table.js'

export interface McpLimitsResult {
  file: string
  saved: boolean
  limits: LimitsView
}

export default class McpLimits extends EdgeCommand<typeof McpLimits, McpLimitsResult> {
  static summary = 'Show the limits edge mcp enforces (and, with --save, set them).'
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --save --allow-spend --max-usd-per-hour 0.5 --budget-per-day 5 --ttl 2h --image busybox',
  ]
  static flags = {
    ...limitFlags,
    save: Flags.boolean({description: 'Write the flags given into the limits file (mcp.json in the config dir).'}),
  }

  protected async execute(): Promise<McpLimitsResult> {
    const path = limitsPath()
    const merged = mergeLimitsFiles(readLimitsFile(path), limitsFromFlags(this.flags))
    // Resolving first refuses a bad amount or duration before anything is written.
    const limits = resolveLimits(merged)
    if (this.flags.save) writeLimitsFile(path, merged)
    return {file: path, saved: Boolean(this.flags.save), limits: limitsView(limits)}
  }

  protected renderText(r: McpLimitsResult): string {
    const l = r.limits
    const list = (v: string[]) => (v.length ? v.join(', ') : 'any')
    return [
      renderFields([
        ['spend', l.allowSpend ? 'allowed' : 'read-only (pass --allow-spend)'],
        ['per hour', l.maxUsdPerHour ?? 'no limit'],
        ['deposit', l.maxDeposit ?? 'no limit'],
        ['per day', l.budgetPerDay ?? 'no limit'],
        ['total', l.budgetTotal ?? 'no limit'],
        ['ttl', l.ttl],
        ['images', list(l.images)],
        ['providers', list(l.providers)],
        ['regions', list(l.regions)],
        ['at once', String(l.maxDeployments)],
        ['sdl dirs', l.sdlDirs.join(', ')],
        ['plans valid', l.planValidity],
      ]),
      '',
      `${r.saved ? 'Saved to' : 'From'} ${r.file}${r.saved ? '' : ' and the flags given'}.`,
    ].join('\n')
  }
}
