import {statSync} from 'node:fs'
import {join} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import type {NetworkContext} from '../config/networks.js'
import {UsageError} from '../errors.js'
import {coinFlag, durationFlag, keyFlag, labelFlag, labelsOf, usdAmountFlag, usdRateFlag} from '../flags.js'
import {priceText} from '../output/price.js'
import {renderFields} from '../output/table.js'
import {deploy, isStrategy, validateSdl} from '../services/deploy/deploy.js'
import type {DeployEvent} from '../services/deploy/events.js'
import type {DeployDeps, DeployOptions, DeployResult, ValidatedSdl} from '../services/deploy/types.js'
import {formatDuration} from '../services/ledger/guards.js'
import {describeProvider} from '../services/screen/deploy-step.js'
import {type TenantContext, isAddress, openTenant} from '../services/lease/context.js'
import {openSession} from '../services/session.js'
import type {RedundantSummary} from '../services/verify/redundant-deploy.js'
import type {DeployStore} from '../ui/components/deploy/deploy-store.js'
import {cannotPrompt, promptPassword} from '../ui/prompts.js'
import {deploySinks} from '../ui/sinks/deploy.js'
import {logSinks} from '../ui/sinks/logs.js'

/** `edge deploy templates/hello` means the template's deploy.yaml. */
export function resolveSdlPath(file: string): string {
  try {
    if (statSync(file).isDirectory()) return join(file, 'deploy.yaml')
  } catch {
    // a missing path is reported by the SDL loader, with a hint
  }
  return file
}

export default class Deploy extends EdgeCommand<typeof Deploy, DeployResult & {redundant?: RedundantSummary}> {
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
    'max-price': usdRateFlag({description: 'Refuse bids above this price for the whole deployment, e.g. 1.2usd/h or 30usd/month.', env: 'EDGE_MAX_PRICE'}),
    region: Flags.string({description: "Only lease from providers whose region attribute matches (prefix or glob, e.g. us-west, eu-*)."}),
    'bid-timeout': durationFlag({description: 'How long to wait for bids (default 30s on edge dev, 2m elsewhere).'}),
    deposit: coinFlag({description: 'Escrow deposit, e.g. 5act (default: the chain minimum, or enough for --budget/--ttl).'}),
    budget: usdAmountFlag({description: 'Most this deployment may spend in USD, e.g. 5usd; the deposit is sized to it and `edge ls` flags it.'}),
    ttl: durationFlag({
      description:
        'Lifetime, e.g. 2h. The deposit is sized to it (topped up to the lease\'s price once leased), so the chain itself closes the lease at the TTL even if nobody runs `edge close --expired`; a larger --deposit or --budget, or a chain minimum above what the TTL costs, leaves that to `edge close --expired`.',
    }),
    keep: Flags.boolean({description: 'Keep the deployment open when something fails (to debug it).'}),
    follow: Flags.boolean({char: 'f', description: 'Stream the logs once the services are ready.'}),
    'idempotency-key': Flags.string({description: 'A key for this deploy; a retry with the same key finds the deployment instead of opening another.', env: 'EDGE_IDEMPOTENCY_KEY'}),
    label: labelFlag({description: 'Label the deployment (k=v, repeatable), for `edge ls` and `edge close --label`.'}),
    'dry-run': Flags.boolean({description: 'Validate, forecast, screen providers, check funds and list matching providers; send nothing.'}),
    screen: Flags.boolean({description: 'Ask every provider whether it would bid (bid screening) before creating anything; nobody willing exits 3 with nothing created.'}),
    explain: Flags.boolean({description: 'Show why the chosen bid won and why the others lost.'}),
    mint: Flags.boolean({description: 'Mint the missing ACT from AKT without asking (waits for the next BME epoch).'}),
    'ready-timeout': durationFlag({description: 'How long to wait for the services to start.', default: 5 * 60_000, defaultHelp: async () => '5m'}),
    redundant: Flags.integer({description: 'Run the same deterministic job on N distinct providers (one deployment each) and compare the SHA-256 of --result-file from each.', min: 2}),
    'result-file': Flags.string({description: "With --redundant: the job's output file inside its container, hashed once it exists."}),
    'result-timeout': durationFlag({description: 'With --redundant: how long to wait for --result-file in each container.', default: 10 * 60_000, defaultHelp: async () => '10m'}),
    receipt: Flags.string({description: 'Once ready, write a signed execution receipt to this file (probe and attestation checked; `edge receipt DSEQ` adds the demand tests).'}),
    key: keyFlag,
  }

  /** Following the logs streams until Ctrl-C: `--json` then means JSONL, as in every command with --follow. */
  protected streamsEvents(): boolean {
    return this.flags.follow
  }

  /** Every flag, checked before a key is unlocked; the bid timeout's default depends on the network. */
  private options(network: NetworkContext): Omit<DeployOptions, 'signal'> {
    const f = this.flags
    if (f.select && !isStrategy(f.select) && !isAddress(f.select, network.bech32Prefix)) {
      throw new UsageError(`--select "${f.select}" is neither a strategy nor a provider address.`, {hint: `Use cheapest, fastest, balanced or a ${network.bech32Prefix}1… address.`})
    }
    return {
      file: resolveSdlPath(this.args.file),
      ...(f.select ? {select: f.select} : f.yes ? {select: 'balanced'} : {}),
      ...(f['max-price'] !== undefined ? {maxUsdPerHour: f['max-price']} : {}),
      ...(f.region ? {region: f.region} : {}),
      bidTimeoutMs: f['bid-timeout'] ?? network.profile.bidTimeoutMs,
      ...(f.deposit ? {deposit: f.deposit} : {}),
      ...(f.budget !== undefined ? {budgetUsd: f.budget} : {}),
      ...(f.ttl !== undefined ? {ttlMs: f.ttl} : {}),
      keep: f.keep,
      ...(f['idempotency-key'] ? {idempotencyKey: f['idempotency-key']} : {}),
      labels: labelsOf(f.label),
      dryRun: f['dry-run'],
      ...(f.screen ? {screenRequired: true} : {}),
      mint: f.mint,
      readyTimeoutMs: f['ready-timeout'],
    }
  }

  protected async execute(): Promise<DeployResult> {
    const f = this.flags
    // Everything that can be refused is refused before a key is unlocked or a coin is moved.
    if (!this.interactive && !f.select && !f.yes && !f['dry-run']) {
      throw cannotPrompt('which bid to lease', '--select cheapest|fastest|balanced|<provider address>, or --yes for the balanced choice')
    }
    const session = await openSession(f.network)
    const parsed = this.options(session.network)
    // The interactive view's store asks the questions (which bid, whether to mint), so it exists
    // before the flow; the view is drawn after the key is unlocked (a passphrase prompt needs the
    // terminal) and collects the validation events until then.
    let store: DeployStore | undefined
    if (this.interactive) {
      const {DeployStore} = await import('../ui/components/deploy/deploy-store.js')
      store = new DeployStore(parsed.file, session.network.name)
    }
    const sinks = deploySinks(store)
    const validated = await this.consume<DeployEvent, ValidatedSdl>(validateSdl(parsed.file, session.network.depositDenom), sinks, {mount: false})
    const ctx = await openTenant({session, key: f.key, interactive: this.interactive, promptPassword, sign: true})
    try {
      const options: DeployOptions = {...parsed, validated, signal: this.signal}
      const questions = store ? {...(options.select ? {} : {choose: store.requestChoice}), ...(options.mint ? {} : {confirmMint: store.requestMint})} : {}
      const deps: DeployDeps = {market: ctx.market, network: ctx.network, ledger: ctx.ledger, key: ctx.key!, ...questions}
      if (f.redundant) return await this.redundant(ctx, deps, options)
      const result = await this.consume<DeployEvent, DeployResult>(deploy(deps, options), sinks)
      if (f.receipt && result.state === 'ready') {
        const {writeDeployReceipt} = await import('../services/verify/deploy-receipt.js')
        await writeDeployReceipt(ctx, result.dseq, f.receipt, {sdlFile: parsed.file, version: this.config.version, signal: this.signal, warn: (m) => this.out.warn(m)})
      }
      if (f.follow && result.state === 'ready') await this.follow(ctx, result)
      return result
    } finally {
      await ctx.close()
    }
  }

  /** `--redundant N`: N deployments on distinct providers, their outputs' hashes and agreement (services/verify/redundant-deploy.ts). */
  private async redundant(ctx: TenantContext, deps: DeployDeps, options: DeployOptions): Promise<DeployResult & {redundant?: RedundantSummary}> {
    const f = this.flags
    if (!f['result-file']) throw new UsageError('--redundant needs --result-file: the output to compare.', {hint: 'e.g. --result-file /results/result.txt (templates/batch writes it).'})
    if (!options.select) throw new UsageError('--redundant chooses its providers itself; pass --select STRATEGY (or --yes) for the first.')
    const {deployRedundant} = await import('../services/verify/redundant-deploy.js')
    const plainDeps = {...deps, choose: undefined, confirmMint: undefined}
    const {first, redundant} = await this.consumeEmitted<DeployEvent, Awaited<ReturnType<typeof deployRedundant>>>(
      (emit) => deployRedundant(ctx, plainDeps, options, {n: f.redundant!, resultFile: f['result-file']!, resultTimeoutMs: f['result-timeout']}, emit),
      deploySinks(undefined),
    )
    if (f.receipt) {
      const {writeDeployReceipt} = await import('../services/verify/deploy-receipt.js')
      const outputs = redundant.runs.filter((r) => r.sha256).map((r) => ({name: f['result-file']!, sha256: r.sha256!, provider: r.provider}))
      await writeDeployReceipt(ctx, first.dseq, f.receipt, {sdlFile: options.file, version: this.config.version, signal: this.signal, warn: (m) => this.out.warn(m), outputs, redundancy: redundant.agreement})
    }
    if (redundant.check.status !== 'pass') this.out.warn(`Redundant run: ${redundant.check.reason}`)
    return {...first, redundant}
  }

  private async follow(ctx: TenantContext, result: DeployResult): Promise<void> {
    if (this.out.mode === 'text') {
      this.showResult(result)
      this.out.info(this.out.errStyle.dim('Following logs (Ctrl-C stops following; the deployment keeps running).'))
    }
    // A provider starting to reclaim the lease (AEP-82) is said as it happens, in the log stream.
    const stopWatch = new AbortController()
    const {watchReclamation} = await import('../services/lease/reclaim-watch.js')
    const watching = watchReclamation(ctx.market, ctx.owner, result.dseq, {
      blockTimeMs: ctx.network.blockTimeMs,
      signal: AbortSignal.any([stopWatch.signal, this.signal]),
      notify: (e) => (this.out.mode === 'jsonl' ? this.out.event({...e}) : this.out.warn(e.message)),
    })
    try {
      const {leaseLogs} = await import('../services/lease/streams.js')
      // Ctrl-C while following only stops following: the deploy itself succeeded.
      await this.consumeFollowed(leaseLogs(ctx, result.dseq, {follow: true, tail: -1, signal: this.signal}), logSinks(`deployment ${result.dseq}`, this.signal, {follow: true}))
    } finally {
      stopWatch.abort()
      await watching
    }
  }

  protected renderText(r: DeployResult & {redundant?: RedundantSummary}): string | undefined {
    const s = this.out.style
    if (r.state === 'dry-run') {
      const lines = [
        `${s.bold('Dry run')}: nothing was sent to ${r.network}.`,
        renderFields([
          ['price', r.price ? `at most ${priceText(r.price, s.dim)}` : undefined],
          ['deposit', r.deposit.display],
          ['ttl', r.ttl ? ttlText(r.ttl, s) : undefined],
          ['hash', r.hash],
          ['providers', `${r.matchingProviders?.length ?? 0} match the order`],
        ]),
        ...(r.matchingProviders ?? []).map((p) => `  ${p.provider}${p.region ? ` (${p.region})` : ''} ${s.dim(p.hostUri)}`),
        ...(r.screening ? ['', `${s.bold('Screening')}: ${r.screening.willing} of ${r.screening.asked} would bid`, ...r.screening.providers.map((p) => `  ${describeProvider(p)}`)] : []),
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
        ['ttl', r.ttl ? ttlText(r.ttl, s) : undefined],
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
    if (r.redundant) {
      const x = r.redundant
      const mark = x.check.status === 'pass' ? s.green('✔') : x.check.status === 'fail' ? s.red('✖') : s.yellow('!')
      lines.push('', `${mark} ${s.bold(`Redundant run of ${x.resultFile}`)}: ${x.check.reason}`)
      for (const run of x.runs) lines.push(`  ${run.dseq} ${run.provider} ${run.sha256 ? `sha256:${run.sha256}` : s.red(run.error ?? 'no output')}`)
      lines.push(s.dim(`  Close them all: edge close --label edge.redundant=${x.id} --yes`))
    }
    lines.push('', s.dim(`Logs: edge logs ${r.dseq} -f   Status: edge status ${r.dseq}   Close: edge close ${r.dseq}`))
    return lines.join('\n')
  }
}


/** The TTL and who ends the lease at it: the chain (the deposit is sized to it) or only `edge close --expired` (said in yellow). */
function ttlText(t: NonNullable<DeployResult['ttl']>, s: {dim(text: string): string; yellow(text: string): string}): string {
  return t.enforcedByEscrow ? `${t.duration}: ${s.dim(t.note)}` : `${t.duration}: ${s.yellow(t.note)}`
}
