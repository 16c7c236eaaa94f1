import {statSync} from 'node:fs'
import {join} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import type {NetworkContext} from '../config/networks.js'
import {UsageError} from '../errors.js'
import {keyFlag} from '../flags.js'
import {parseCoin, parseUsdRate} from '../protocol/money.js'
import {priceText} from '../output/price.js'
import {renderFields} from '../output/table.js'
import {deploy, isStrategy, validateSdl} from '../services/deploy/deploy.js'
import type {DeployEvent} from '../services/deploy/events.js'
import type {DeployDeps, DeployOptions, DeployResult} from '../services/deploy/types.js'
import {formatDuration, parseDuration, parseUsdAmount} from '../services/ledger/guards.js'
import {parseLabels} from '../services/ledger/ledger.js'
import {type TenantContext, isAddress, openTenant} from '../services/lease/context.js'
import {openSession} from '../services/session.js'
import type {DeployStore} from '../ui/components/deploy/deploy-store.js'
import {cannotPrompt} from '../ui/prompts.js'

export const LABEL_RE = /^[A-Za-z0-9_.-]{1,63}=[^\n]{0,256}$/

export function validateLabels(values: readonly string[] | undefined): Record<string, string> {
  for (const v of values ?? []) {
    if (!LABEL_RE.test(v)) throw new UsageError(`--label "${v}" is not key=value.`, {hint: 'Write labels like --label team=web --label ci=true.'})
  }
  return parseLabels(values)
}

/** `edge deploy templates/hello` means the template's deploy.yaml. */
export function resolveSdlPath(file: string): string {
  try {
    if (statSync(file).isDirectory()) return join(file, 'deploy.yaml')
  } catch {
    // a missing path is reported by the SDL loader, with a hint
  }
  return file
}

export default class Deploy extends EdgeCommand<typeof Deploy, DeployResult> {
  static summary = 'Deploy an SDL file: from validation to running, reachable services.'
  static description = `Validates the SDL, forecasts the cost, checks the wallet (and mints ACT with --mint), creates the deployment, collects bids block by block, measures the TLS handshake time to every bidder, scores the bids (price, latency, audit, hardware), leases the chosen one, sends the manifest and waits until the services are ready.

In a terminal you pick the bid in a table; in CI pass --select (or --yes for the balanced choice). On any failure after the deployment exists, and on Ctrl-C, the deployment is closed so no deposit stays locked (unless --keep).`
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> templates/hello --yes --json',
    '<%= config.bin %> <%= command.id %> --select fastest --max-price 1.2usd/h --region us-west',
    '<%= config.bin %> <%= command.id %> --select cheapest --budget 5usd --ttl 2h --label ci=true --idempotency-key "$GITHUB_RUN_ID" --output jsonl',
  ]
  static handlesSignals = true
  static args = {file: Args.string({description: 'SDL file, or a directory holding deploy.yaml.', default: 'deploy.yaml'})}
  static flags = {
    select: Flags.string({
      description: 'How to choose the bid without asking: cheapest, fastest, balanced, or a provider address.',
      env: 'EDGE_SELECT',
    }),
    'max-price': Flags.string({description: 'Refuse bids above this price for the whole deployment, e.g. 1.2usd/h or 30usd/month.', env: 'EDGE_MAX_PRICE'}),
    region: Flags.string({description: "Only lease from providers whose region attribute matches (prefix or glob, e.g. us-west, eu-*)."}),
    'bid-timeout': Flags.string({description: 'How long to wait for bids (default 30s on edge dev, 2m elsewhere).'}),
    deposit: Flags.string({description: 'Escrow deposit, e.g. 5act (default: the chain minimum, or enough for --budget/--ttl).'}),
    budget: Flags.string({description: 'Most this deployment may spend in USD, e.g. 5usd; the deposit is sized to it and `edge ls` flags it.'}),
    ttl: Flags.string({description: 'Close after this long (e.g. 2h), enforced by `edge close --expired`.'}),
    keep: Flags.boolean({description: 'Keep the deployment open when something fails (to debug it).'}),
    follow: Flags.boolean({char: 'f', description: 'Stream the logs once the services are ready.'}),
    'idempotency-key': Flags.string({description: 'A key for this deploy; a retry with the same key finds the deployment instead of opening another.', env: 'EDGE_IDEMPOTENCY_KEY'}),
    label: Flags.string({description: 'Label the deployment (k=v, repeatable), for `edge ls` and `edge close --label`.', multiple: true}),
    'dry-run': Flags.boolean({description: 'Validate, forecast, check funds and list matching providers; send nothing.'}),
    explain: Flags.boolean({description: 'Show why the chosen bid won and why the others lost.'}),
    mint: Flags.boolean({description: 'Mint the missing ACT from AKT without asking (waits for the next BME epoch).'}),
    'ready-timeout': Flags.string({description: 'How long to wait for the services to start.', default: '5m'}),
    key: keyFlag,
  }

  private printedText = false

  /** Every flag, checked before a key is unlocked; the bid timeout's default depends on the network. */
  private options(network: NetworkContext): Omit<DeployOptions, 'signal'> {
    const f = this.flags
    if (f.select && !isStrategy(f.select) && !isAddress(f.select, network.bech32Prefix)) {
      throw new UsageError(`--select "${f.select}" is neither a strategy nor a provider address.`, {hint: `Use cheapest, fastest, balanced or a ${network.bech32Prefix}1… address.`})
    }
    const deposit = f.deposit ? parseCoin(f.deposit) : undefined
    return {
      file: resolveSdlPath(this.args.file),
      ...(f.select ? {select: f.select} : f.yes ? {select: 'balanced'} : {}),
      ...(f['max-price'] ? {maxUsdPerHour: parseUsdRate(f['max-price'])} : {}),
      ...(f.region ? {region: f.region} : {}),
      bidTimeoutMs: f['bid-timeout'] ? parseDuration(f['bid-timeout'], '--bid-timeout') : network.name === 'local' ? 30_000 : 120_000,
      ...(deposit ? {deposit} : {}),
      ...(f.budget ? {budgetUsd: parseUsdAmount(f.budget)} : {}),
      ...(f.ttl ? {ttlMs: parseDuration(f.ttl)} : {}),
      keep: f.keep,
      ...(f['idempotency-key'] ? {idempotencyKey: f['idempotency-key']} : {}),
      labels: validateLabels(f.label),
      dryRun: f['dry-run'],
      mint: f.mint,
      readyTimeoutMs: parseDuration(f['ready-timeout'], '--ready-timeout'),
    }
  }

  protected async execute(): Promise<DeployResult> {
    const f = this.flags
    // Everything that can be refused is refused before a key is unlocked or a coin is moved.
    if (!this.interactive && !f.select && !f.yes && !f['dry-run']) {
      throw cannotPrompt('which bid to lease', '--select cheapest|fastest|balanced|<provider address>, or --yes for the balanced choice')
    }
    if (f.follow && this.out.mode === 'json') {
      throw new UsageError('--follow streams logs, which one JSON document cannot hold.', {hint: 'Use --output jsonl with --follow.'})
    }
    const session = await openSession(f.network)
    const parsed = this.options(session.network)
    // The interactive view is mounted after the key is unlocked (a passphrase prompt needs the
    // terminal); its store collects the validation events until then.
    let store: DeployStore | undefined
    if (this.interactive) {
      const {DeployStore} = await import('../ui/components/deploy/deploy-store.js')
      store = new DeployStore(parsed.file, session.network.name)
    }
    const sink = store ? (e: DeployEvent) => store!.apply(e) : await this.plainSink()
    const validated = await drain(validateSdl(parsed.file, session.network.depositDenom), sink)
    const ctx = await openTenant({session, key: f.key, interactive: this.interactive, sign: true})
    try {
      const options: DeployOptions = {...parsed, validated, signal: this.signal}
      const deps: DeployDeps = {market: ctx.market, network: ctx.network, ledger: ctx.ledger, key: ctx.key!}
      const result = store ? await this.runInteractive(store, deps, options) : await drain(deploy(deps, options), sink)
      if (f.follow && result.state === 'ready') await this.follow(ctx, result)
      return result
    } finally {
      await ctx.close()
    }
  }

  /**
   * JSONL events, or plain progress lines on stderr: also with --json, so a CI log shows that the
   * run is alive (stdout still carries the one JSON envelope).
   */
  private async plainSink(): Promise<(e: DeployEvent) => void> {
    if (this.out.mode === 'jsonl') return (e) => this.out.event(e)
    const {eventLine} = await import('../ui/components/deploy/text-lines.js')
    return (e) => {
      // Warnings also go into the --json envelope's warnings.
      if (e.type === 'warning') {
        this.out.warn(e.message)
        return
      }
      const line = eventLine(e, this.out.errStyle)
      if (line) this.out.writeErr(line + '\n')
    }
  }

  /** The Ink view: steps with timings, the bid picker, the mint question. */
  private async runInteractive(store: DeployStore, deps: DeployDeps, options: DeployOptions): Promise<DeployResult> {
    const [{default: React}, {DeployView}, {renderLive}] = await Promise.all([
      import('react'),
      import('../ui/components/deploy/DeployView.js'),
      import('../ui/render.js'),
    ])
    // Ink draws on stderr so stdout carries only the result.
    const view = await renderLive(React.createElement(DeployView, {store}), {stdout: process.stderr})
    const chooser = options.select ? undefined : store.requestChoice
    const flow = deploy({...deps, ...(chooser ? {choose: chooser} : {}), ...(options.mint ? {} : {confirmMint: store.requestMint})}, options)
    try {
      const result = await drain(flow, (e) => store.apply(e))
      store.finish({result})
      return result
    } catch (error) {
      store.finish({error: {message: (error as Error).message}})
      throw error
    } finally {
      // Let Ink paint the final frame before it lets go of the terminal.
      await new Promise((r) => setTimeout(r, 100))
      view.unmount()
    }
  }

  private async follow(ctx: TenantContext, result: DeployResult): Promise<void> {
    if (this.out.mode === 'text') {
      this.out.result(this.renderText(result)!)
      this.printedText = true
      this.out.info(this.out.errStyle.dim('Following logs (Ctrl-C stops following; the deployment keeps running).'))
    }
    try {
      const {leaseLogs} = await import('../services/lease/streams.js')
      for await (const e of leaseLogs(ctx, result.dseq, {follow: true, tail: -1, signal: this.signal})) {
        if (this.out.mode === 'jsonl') {
          this.out.event(e.type === 'line' ? {type: 'log', service: e.service, name: e.name, message: e.message} : {...e})
        } else if (e.type === 'line') {
          this.out.writeOut(`${this.out.style.cyan(`[${e.service}]`)} ${e.message}${e.message.endsWith('\n') ? '' : '\n'}`)
        } else if (e.type === 'reconnecting') {
          this.out.info(this.out.errStyle.dim(`(log stream dropped: ${e.error}; reconnecting)`))
        }
      }
    } catch (error) {
      // Ctrl-C while following only stops following: the deploy itself succeeded.
      if (!this.signal.aborted) throw error
    }
  }

  protected renderText(r: DeployResult): string | undefined {
    if (this.printedText) return undefined
    const s = this.out.style
    if (r.state === 'dry-run') {
      const lines = [
        `${s.bold('Dry run')}: nothing was sent to ${r.network}.`,
        renderFields([
          ['price', r.price ? `at most ${priceText(r.price, s.dim)}` : undefined],
          ['deposit', r.deposit.display],
          ['hash', r.hash],
          ['providers', `${r.matchingProviders?.length ?? 0} match the order`],
        ]),
        ...(r.matchingProviders ?? []).map((p) => `  ${p.provider}${p.region ? ` (${p.region})` : ''} ${s.dim(p.hostUri)}`),
      ]
      return lines.join('\n')
    }
    const lease = r.leases[0]
    const seconds = ((r.timings.total ?? 0) / 1000).toFixed(1)
    const blocks = r.blocks.ready !== undefined ? r.blocks.ready - r.blocks.start : undefined
    const lines = [
      `${s.green('✔')} ${s.bold(`Deployment ${r.dseq} is ready`)}${r.reused ? ' (found through its idempotency key)' : ''} on ${r.network}`,
      renderFields([
        ['uris', r.uris.length ? r.uris.join(' ') : '(none exposed)'],
        ['provider', lease ? `${lease.provider}${lease.region ? ` (${lease.region})` : ''}` : undefined],
        ['runtime', lease?.runtime ? (lease.runtime.isolated && lease.runtime.usesImages ? lease.runtime.summary : s.yellow(lease.runtime.summary)) : undefined],
        ['price', r.price ? priceText(r.price, s.dim) : undefined],
        ['deposit', r.deposit.display],
        ['dseq', r.dseq.toString()],
        ['budget', r.budgetUsd],
        ['expires', r.expiresAt ? `${r.expiresAt} (in ${formatDuration(Date.parse(r.expiresAt) - Date.now())})` : undefined],
        ['labels', Object.keys(r.labels).length ? Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(' ') : undefined],
        ['ready in', `${seconds} s${blocks !== undefined ? `, ${blocks} blocks` : ''}`],
      ]),
    ]
    if (this.flags.explain && r.explanation) {
      const e = r.explanation
      lines.push('', s.bold(`Why ${e.winner.provider} (${e.strategy}, score ${e.winner.score}):`))
      for (const t of e.winner.terms) if (t.weight > 0) lines.push(`  ${t.factor.padEnd(8)} ${String(t.points).padStart(5)} = ${t.weight} × ${t.value.toFixed(2)} × 100  ${s.dim(t.detail)}`)
      for (const o of e.others) lines.push(`  #${o.rank} ${o.provider} (${o.score}): ${o.why}`)
    }
    lines.push('', s.dim(`Logs: edge logs ${r.dseq} -f   Status: edge status ${r.dseq}   Close: edge close ${r.dseq}`))
    return lines.join('\n')
  }
}

/** Feeds a flow's events to `sink` and returns what the flow returns. */
async function drain<R>(flow: AsyncGenerator<DeployEvent, R>, sink: (e: DeployEvent) => void): Promise<R> {
  for (;;) {
    const next = await flow.next()
    if (next.done) return next.value
    sink(next.value)
  }
}
