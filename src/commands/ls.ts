import {Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {keyFlag, labelFlag, labelsOf} from '../flags.js'
import {renderTable} from '../output/table.js'
import {formatDuration} from '../services/ledger/guards.js'
import {openTenant, quietKey} from '../services/lease/context.js'
import {type DeploymentRow, listDeployments} from '../services/lease/list.js'
import {reclamationNotice} from '../services/lease/reclamation.js'
import {compactAddress} from '../ui/components/deploy/table-format.js'

export default class Ls extends EdgeCommand<typeof Ls, DeploymentRow[]> {
  static summary = 'List your deployments: state, provider, price per hour, escrow left, time left, labels, and the URIs they answer at now.'
  static description =
    'Deployments past their --ttl or over their --budget are flagged; close them with `edge close --expired`. A lease whose provider is reclaiming its resources shows as `reclaiming`, with the deadline after which the provider may close it and its reason.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --label team=web --json', '<%= config.bin %> <%= command.id %> --all']
  static flags = {
    all: Flags.boolean({char: 'a', description: 'Include closed deployments.'}),
    label: labelFlag({description: 'Only deployments with this label (k=v, repeatable).'}),
    key: keyFlag,
  }

  protected async execute(): Promise<DeploymentRow[]> {
    const labels = labelsOf(this.flags.label)
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, sign: false, warn: (message) => this.out.warn(message)})
    try {
      // The URIs a provider serves now (it may have restarted elsewhere), when the key unlocks without a prompt.
      const key = await quietKey(ctx, this.flags.key)
      return await listDeployments(key ? {...ctx, key} : ctx, {all: this.flags.all, labels, currentUris: true})
    } finally {
      await ctx.close()
    }
  }

  protected renderText(rows: DeploymentRow[]): string {
    if (rows.length === 0) return this.flags.all ? 'No deployments.' : 'No active deployments (use --all to include closed ones).'
    const s = this.out.style
    const state = (r: DeploymentRow) => {
      if (r.state !== 'active') return s.dim(r.state)
      if (r.lease === 'reclaiming') return s.red('reclaiming')
      return r.lease === 'active' ? 'active' : 'open'
    }
    const table = renderTable(rows, [
      {header: 'dseq', get: (r) => r.dseq.toString()},
      {header: 'state', get: state},
      {header: 'provider', get: (r) => r.provider ?? '-', fit: 'truncate', shorten: compactAddress, minWidth: 13},
      {header: 'region', get: (r) => r.region ?? '-', fit: 'wrap', minWidth: 6},
      {header: 'usd/h', get: (r) => (r.usdPerHour === null ? '?' : (r.usdPerHour ?? '-')), align: 'right'},
      {header: 'escrow', get: (r) => (r.escrowLeft ? (r.escrowLeft.usd ?? r.escrowLeft.display) : '-'), align: 'right'},
      {header: 'ends in', get: (r) => (r.timeLeftMs !== undefined ? (r.timeLeftMs <= 0 ? s.red('expired') : formatDuration(r.timeLeftMs)) : '-'), align: 'right'},
      {header: 'spent', get: (r) => (r.spentUsd === null ? '?' : r.spentUsd ? `${r.spentUsd}${r.budgetUsd ? `/${r.budgetUsd}` : ''}` : '-'), align: 'right', hideWhenEmpty: true},
      {header: 'labels', get: (r) => Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' ') || '-', fit: 'truncate', minWidth: 6, hideWhenEmpty: true},
      {header: 'flags', get: (r) => (r.flags.length ? s.yellow(r.flags.join(', ')) : ''), fit: 'wrap', minWidth: 6, hideWhenEmpty: true},
    ])
    // Where each active deployment answers now (read from its provider: a restarted one may serve it
    // elsewhere), whole under the table: a URI cut to fit a column could not be used.
    const served = rows.filter((r) => r.state === 'active' && r.uris.length > 0)
    const width = Math.max(0, ...served.map((r) => r.dseq.toString().length))
    const uris = served.length ? `URIs:\n${served.map((r) => `  ${r.dseq.toString().padEnd(width)}  ${r.uris.join(' ')}`).join('\n')}` : ''
    // A reclaiming lease can end at any moment after its deadline: say so under the table, in full.
    const notices = rows
      .filter((r) => r.state === 'active' && r.lease === 'reclaiming' && r.reclamation)
      .map((r) => s.red(`! ${r.dseq}: ${reclamationNotice(r.reclamation!)}.`))
    return [table, uris, notices.join('\n')].filter(Boolean).join('\n\n')
  }
}
