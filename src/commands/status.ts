import {EdgeCommand} from '../base-command.js'
import {dseqArg, keyFlag} from '../flags.js'
import {priceText} from '../output/price.js'
import {imagesText} from '../output/images.js'
import {renderFields, renderTable} from '../output/table.js'
import {formatDuration} from '../services/ledger/guards.js'
import {openTenant} from '../services/lease/context.js'
import {defaultDseq} from '../services/lease/default-dseq.js'
import {deadlineText, formatWindow, reclamationNotice} from '../services/lease/reclamation.js'
import {leaseRuntime} from '../services/deploy/status.js'
import {type StatusResult, deploymentStatus} from '../services/lease/status.js'
import {promptPassword} from '../ui/prompts.js'

export default class Status extends EdgeCommand<typeof Status, StatusResult> {
  static summary = 'Show a deployment: chain state, leases, provider-side service status, URIs and forwarded ports.'
  static examples = ['<%= config.bin %> <%= command.id %> 123', '<%= config.bin %> <%= command.id %> 123 --json']
  static args = {dseq: dseqArg({description: 'Deployment sequence number (default: your only active deployment).'})}
  static flags = {key: keyFlag}

  protected async execute(): Promise<StatusResult> {
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true, warn: (message) => this.out.warn(message)})
    const dseq = this.args.dseq ?? (await defaultDseq(ctx, 'status').catch(async (error: unknown) => {
      await ctx.close()
      throw error
    }))
    try {
      return await deploymentStatus(ctx, dseq)
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: StatusResult): string {
    const s = this.out.style
    const parts = [
      renderFields([
        ['deployment', `${r.dseq} (${r.state === 'active' ? s.green('active') : s.dim(r.state)}) on ${r.network}, created at block ${r.createdHeight}, now ${r.height}`],
        ['escrow left', r.escrowLeft ? `${r.escrowLeft.display}${r.escrowLeft.usd ? ` (${r.escrowLeft.usd})` : ''}` : undefined],
        ['time left', r.timeLeftMs !== undefined ? formatDuration(r.timeLeftMs) : undefined],
        ['spent', r.spentUsd === null ? 'unknown in USD (no AKT price)' : r.spentUsd ? `${r.spentUsd}${r.budgetUsd ? ` of ${r.budgetUsd}` : ''}` : undefined],
        ['uris', r.uris.join(' ') || undefined],
        ['labels', Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' ') || undefined],
        ['hash', r.hash],
      ]),
    ]
    for (const l of r.leases) {
      const state = l.state === 'reclaiming' ? s.red('reclaiming') : l.state
      parts.push('', s.bold(`Lease ${l.gseq}/${l.oseq} with ${l.provider}${l.region ? ` (${l.region})` : ''}: ${state}${l.closeReason ? ` (${l.closeReason})` : ''}`))
      if (l.state === 'reclaiming' && l.reclamation) parts.push(s.red(`  ! ${reclamationNotice(l.reclamation)}.`))
      const rec = l.reclamation
      const runtime = leaseRuntime(l.status)
      parts.push(
        renderFields([
          ['price', priceText(l, s.dim)],
          ['host', l.hostUri],
          ['reclamation', rec ? `${formatWindow(rec.windowSeconds)} notice${rec.started ? `, ${rec.reason ?? 'no reason'}, deadline ${deadlineText(rec)}` : ', not started'}` : undefined],
          ['runtime', runtime ? (runtime.isolated && runtime.usesImages ? runtime.summary : s.yellow(runtime.summary)) : undefined],
          ['images', imagesText(l.status?.edge?.images, s.dim)],
        ]),
      )
      if (l.statusError) parts.push(s.yellow(`  provider status unavailable: ${l.statusError.message}`))
      // What the provider says is wrong: exits with their code and last lines, failed pulls.
      for (const error of l.status?.errors ?? []) parts.push(s.red(`  ${error}`))
      for (const warning of l.status?.edge?.warnings ?? []) parts.push(s.yellow(`  ${warning}`))
    }
    if (r.services.length) {
      parts.push(
        '',
        renderTable(r.services, [
          {header: 'service', get: (x) => x.name},
          {header: 'ready', get: (x) => `${x.ready}/${x.total}`},
          {header: 'uris', get: (x) => x.uris.join(' ') || '-'},
        ]),
      )
    }
    if (r.forwardedPorts.length) {
      parts.push(
        '',
        renderTable(r.forwardedPorts, [
          {header: 'service', get: (p) => p.service},
          {header: 'port', get: (p) => String(p.port)},
          {header: 'forwarded to', get: (p) => `${p.host}:${p.externalPort}/${p.proto.toLowerCase()}`},
        ]),
      )
    }
    return parts.join('\n')
  }
}
