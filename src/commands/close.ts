import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {ChainError, UsageError} from '../errors.js'
import {keyFlag, labelFlag, labelsOf} from '../flags.js'
import {type CloseOutcome, type CloseTarget, closeDeployments, closeNeedsConfirmation} from '../services/lease/close.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {cannotPrompt, promptConfirm, promptPassword} from '../ui/prompts.js'

export interface CloseResult {
  closed: CloseOutcome[]
}

export default class Close extends EdgeCommand<typeof Close, CloseResult> {
  static summary = 'Close deployments and get their unspent deposits back. Idempotent.'
  static description =
    'Closing a deployment that is already closed succeeds. --all closes every active deployment; --label narrows to labelled ones; --expired closes those past their --ttl or over their --budget. --all and --label list what they select and ask first in a terminal; elsewhere (CI, no TTY, --json) they need --yes.'
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 124 --json',
    '<%= config.bin %> <%= command.id %> --all --label ci=true --yes',
    '<%= config.bin %> <%= command.id %> --expired',
  ]
  static strict = false
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number(s).'})}
  static flags = {
    all: Flags.boolean({description: 'Close every active deployment (with --label: every labelled one).'}),
    label: labelFlag({description: 'Close deployments with this label (k=v, repeatable).'}),
    expired: Flags.boolean({description: 'Close deployments past their TTL or over their budget.'}),
    key: keyFlag,
  }

  protected async execute(): Promise<CloseResult> {
    const {argv} = await this.parse(Close)
    const dseqs = (argv as string[]).map(parseDseq)
    const labels = labelsOf(this.flags.label)
    if (dseqs.length && (this.flags.all || this.flags.expired || Object.keys(labels).length > 0)) {
      throw new UsageError('Pass DSEQs or --all/--label/--expired, not both.', {hint: 'Named DSEQs are closed whatever their labels; drop the flags, or the DSEQs.'})
    }
    // Refused here, before the key is unlocked (selectForClose says the same for other callers).
    if (!dseqs.length && !this.flags.all && !this.flags.expired && Object.keys(labels).length === 0) {
      throw new UsageError('Name the deployments to close.', {hint: 'Pass DSEQ…, --all, --label k=v or --expired.', code: 'close_nothing'})
    }
    // --all and --label close what nobody named: asked in a terminal, and only with --yes elsewhere,
    // refused before the key is unlocked and before anything is closed.
    const ask = closeNeedsConfirmation({dseqs, all: this.flags.all, labels, expired: this.flags.expired}) && !this.flags.yes
    if (ask && !this.interactive) {
      throw cannotPrompt(`a confirmation to close ${this.flags.all && Object.keys(labels).length === 0 ? 'every active deployment' : 'the deployments with those labels'}`, '--yes')
    }
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true})
    try {
      const closed = await closeDeployments(ctx, {
        dseqs,
        all: this.flags.all,
        labels,
        expired: this.flags.expired,
        signal: this.signal,
        ...(ask ? {confirm: (targets: CloseTarget[]) => this.confirm(targets)} : {}),
      })
      const failed = closed.filter((c) => c.outcome === 'failed' || c.outcome === 'not_found')
      if (failed.length) {
        const message = `Could not close ${failed.map((f) => `${f.dseq} (${f.error})`).join(', ')}.`
        // A chain failure outranks an unknown DSEQ: that deployment may still hold its deposit.
        if (failed.some((f) => f.outcome === 'failed')) {
          throw new ChainError(message, {code: 'close_failed', details: {closed}, hint: 'Try again; the chain may be busy.'})
        }
        throw new UsageError(message, {code: 'deployment_not_found', hint: 'List your deployments with `edge ls`.', details: {closed}})
      }
      return {closed}
    } finally {
      await ctx.close()
    }
  }

  /** Lists what `--all`/`--label` selected (stderr) and asks; the default is no. */
  private async confirm(targets: CloseTarget[]): Promise<boolean> {
    const width = Math.max(...targets.map((t) => t.dseq.toString().length))
    const lines = targets.map((t) => {
      const labels = Object.entries(t.labels ?? {}).map(([k, v]) => `${k}=${v}`)
      return `  ${t.dseq.toString().padStart(width)}${labels.length ? `  ${labels.join(' ')}` : ''}`
    })
    const one = targets.length === 1
    this.out.info([`${one ? 'This deployment' : `These ${targets.length} deployments`} will be closed:`, ...lines].join('\n'))
    return promptConfirm({
      interactive: this.interactive,
      replacement: '--yes',
      message: one
        ? 'Close it? Its lease ends and its unspent deposit is refunded.'
        : `Close all ${targets.length}? Their leases end and their unspent deposits are refunded.`,
      defaultValue: false,
      what: 'a confirmation',
    })
  }

  protected renderText(r: CloseResult): string {
    if (r.closed.length === 0) return 'Nothing to close.'
    return r.closed
      .map((c) =>
        c.outcome === 'closed'
          ? `Closed deployment ${c.dseq} (block ${c.height}); its unspent deposit is refunded.`
          : c.outcome === 'already_closed'
            ? `Deployment ${c.dseq} was already closed.`
            : `Deployment ${c.dseq}: ${c.error}`,
      )
      .join('\n')
  }
}
