import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../base-command.js'
import {ProviderError, UsageError} from '../errors.js'
import {keyFlag} from '../flags.js'
import {openTenant, parseDseq} from '../services/lease/context.js'
import {FAMILY_NAMES, defaultFamilies, parseFamilies} from '../services/verify/require.js'
import {type VerifyEvent, type VerifyResult, type VerifyStep, verifyDeployment} from '../services/verify/verify-lease.js'
import {promptPassword} from '../ui/prompts.js'

export default class Verify extends EdgeCommand<typeof Verify, VerifyResult> {
  static summary = 'Check that a running lease has the hardware it pays for, and verify its TEE attestation.'
  static description =
    "Runs a hardware probe and demand tests (memory held, CPU time, GPU work) inside each service's container through the provider's shell API, compares them with the resources the order on chain pays for, then asks the provider for an AEP-83 attestation quote over a fresh 64-byte nonce and verifies it offline (SEV-SNP, TDX, NVIDIA GPU). A MOCK report (edge dev) is reported as mock, never as verified. Exits 5 when a --require'd family of checks does not hold."
  static examples = [
    '<%= config.bin %> <%= command.id %> 123',
    '<%= config.bin %> <%= command.id %> 123 --json',
    '<%= config.bin %> <%= command.id %> 123 --require tee,gpu',
    '<%= config.bin %> <%= command.id %> 123 --service web --skip demand',
  ]
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number.', required: true})}
  static flags = {
    service: Flags.string({char: 's', description: 'Only this service (default: every service of every lease).'}),
    require: Flags.string({
      description: `Check families that must hold for exit 0, comma-separated: ${FAMILY_NAMES.join(', ')}, or none. A family holds when none of its checks failed, none is a MOCK and at least one passed. Default: probe,demand, less a step --skip leaves out.`,
      env: 'EDGE_VERIFY_REQUIRE',
    }),
    skip: Flags.string({description: 'Steps not to run, comma-separated: probe, demand, attestation.', multiple: true, delimiter: ','}),
    measurement: Flags.string({description: 'Expected SEV-SNP launch MEASUREMENT (96 hex digits) of the guest image.'}),
    offline: Flags.boolean({description: 'Do not fetch AMD VCEKs or Intel TDX collateral; use only what is cached.'}),
    key: keyFlag,
  }

  protected async execute(): Promise<VerifyResult> {
    const dseq = parseDseq(this.args.dseq)
    const skip = (this.flags.skip ?? []).map((s) => s.trim())
    const unknown = skip.filter((s) => !['probe', 'demand', 'attestation'].includes(s))
    if (unknown.length > 0) throw new UsageError(`--skip: "${unknown[0]}" is not a step (probe, demand, attestation).`)
    const require = this.flags.require === undefined ? defaultFamilies(skip) : parseFamilies([this.flags.require])
    if (typeof require === 'string') throw new UsageError(`--require: ${require}.`)
    if (this.flags.measurement && !/^[0-9a-fA-F]{96}$/.test(this.flags.measurement)) throw new UsageError('--measurement must be 96 hex digits (48 bytes).')
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true, warn: (m) => this.out.warn(m)})
    try {
      const run = verifyDeployment(ctx, {
        dseq,
        require,
        skip: skip as VerifyStep[],
        ...(this.flags.service ? {service: this.flags.service} : {}),
        ...(this.flags.measurement ? {expectedMeasurement: this.flags.measurement.toLowerCase()} : {}),
        fetchCollateral: !this.flags.offline,
        signal: this.signal,
      })
      for (;;) {
        const next = await run.next()
        if (next.done) return next.value
        this.progress(next.value)
      }
    } finally {
      await ctx.close()
    }
  }

  /** JSONL events, or one line per step and per finished check on stderr. */
  private progress(e: VerifyEvent): void {
    if (this.out.mode === 'jsonl') {
      this.out.event({...e})
      return
    }
    if (e.type === 'step') this.out.info(this.out.errStyle.dim(`… ${e.step}${e.service ? ` of ${e.service}` : ''} on ${e.provider}`))
  }

  public async run(): Promise<VerifyResult> {
    const result = await super.run()
    if (!result.ok) {
      // The result is the evidence; print it, then fail with the families that do not hold.
      if (this.out.mode === 'json') this.logJson(this.toSuccessJson(result))
      const failed = result.required.filter((r) => !r.ok)
      const error = new ProviderError(`Deployment ${result.dseq} does not pass ${failed.map((r) => r.family).join(', ')}: ${failed.map((r) => r.reason).join('; ')}`, {
        code: 'verify_failed',
        hint: 'The checks above name each difference. Close the lease (`edge close DSEQ`) and deploy elsewhere, or drop the family from --require.',
      })
      this.out.writeErr(`${this.out.errStyle.red('Error:')} ${error.message}\n${this.out.errStyle.dim('Hint:')} ${error.hint}\n`)
      this.exit(error.exitCode)
    }
    return result
  }

  protected renderText(r: VerifyResult): string {
    const s = this.out.style
    const color = (status: string) => (status === 'pass' ? s.green : status === 'fail' ? s.red : status === 'skip' ? s.dim : s.yellow)
    const lines: string[] = []
    for (const lease of r.leases) {
      lines.push(s.bold(`Lease ${r.dseq}/${lease.gseq}/${lease.oseq} with ${lease.provider}`))
      const mine = r.checks.filter((c) => c.provider === lease.provider)
      const width = Math.max(0, ...mine.map((c) => c.check.length))
      for (const c of mine) {
        const where = [c.service, c.subject].filter(Boolean).join(' ')
        lines.push(`  ${color(c.status)(c.status.toUpperCase().padEnd(4))} ${c.check.padEnd(width)}  ${where ? `[${where}] ` : ''}${c.reason}`)
      }
      if (lease.attestation?.mock) lines.push(s.yellow('  The attestation is a MOCK (edge dev): it proves nothing about the hardware.'))
    }
    lines.push('', `overall: ${color(r.status)(r.status)}`)
    for (const q of r.required) lines.push(`required ${q.family}: ${q.ok ? s.green('holds') : s.red(`does not hold (${q.reason})`)}`)
    return lines.join('\n')
  }
}
