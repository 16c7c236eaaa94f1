import {writeFileSync} from 'node:fs'

import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {keyFlag} from '../../flags.js'
import {openTenant, parseAddress, parseDseq} from '../../services/lease/context.js'
import {type ReceiptResult, makeReceipt} from '../../services/verify/receipt.js'
import {type VerifyResult, verifyDeployment} from '../../services/verify/verify-lease.js'
import {serializeReceipt} from '../../verify/receipt/index.js'
import {promptPassword} from '../../ui/prompts.js'

export interface ReceiptCommandResult extends Omit<ReceiptResult, 'envelope'> {
  /** Where the receipt was written. */
  file: string
}

export default class Receipt extends EdgeCommand<typeof Receipt, ReceiptCommandResult> {
  static summary = "Write a signed execution receipt for a lease (in-toto statement in a DSSE envelope, signed with your key)."
  static description =
    "The receipt holds the SDL hash, the manifest version, the images as the provider runs them, the provider and lease ids, the heights and the price from the chain, and the results of a fresh `edge verify` (unless --skip-verify). Anyone can check it with `edge receipt verify FILE` and a chain endpoint."
  static examples = ['<%= config.bin %> <%= command.id %> 123 --out receipt.json', '<%= config.bin %> <%= command.id %> 123 --skip-verify --json']
  static handlesSignals = true
  static args = {dseq: Args.string({description: 'Deployment sequence number.', required: true})}
  static flags = {
    out: Flags.string({char: 'o', description: 'File to write the receipt to (default receipt-DSEQ.json).'}),
    provider: Flags.string({description: "The lease's provider, when the deployment has several leases."}),
    sdl: Flags.string({description: 'The SDL file to hash (default: the one `edge deploy` recorded).'}),
    'skip-verify': Flags.boolean({description: 'Do not run `edge verify` first; the receipt then records no verify results.'}),
    key: keyFlag,
  }

  protected async execute(): Promise<ReceiptCommandResult> {
    const dseq = parseDseq(this.args.dseq)
    const ctx = await openTenant({network: this.flags.network, key: this.flags.key, interactive: this.interactive, promptPassword, sign: true, warn: (m) => this.out.warn(m)})
    try {
      const provider = this.flags.provider ? parseAddress(this.flags.provider, ctx.network.bech32Prefix) : undefined
      let verify: VerifyResult | undefined
      if (!this.flags['skip-verify']) {
        this.out.info(this.out.errStyle.dim(`… running edge verify ${dseq} for the receipt`))
        const run = verifyDeployment(ctx, {dseq, require: [], signal: this.signal})
        for (;;) {
          const next = await run.next()
          if (next.done) {
            verify = next.value
            break
          }
        }
      }
      const result = await makeReceipt(ctx, {dseq, ...(provider ? {provider} : {}), ...(verify ? {verify} : {}), ...(this.flags.sdl ? {sdlFile: this.flags.sdl} : {}), generatorVersion: this.config.version, signal: this.signal})
      const file = this.flags.out ?? `receipt-${dseq}.json`
      writeFileSync(file, serializeReceipt(result.envelope))
      for (const m of result.missing) this.out.warn(`The receipt has no ${m}.`)
      for (const w of result.warnings) this.out.warn(`${w.charAt(0).toUpperCase()}${w.slice(1)}.`)
      const {envelope: _envelope, ...rest} = result
      return {...rest, file}
    } finally {
      await ctx.close()
    }
  }

  protected renderText(r: ReceiptCommandResult): string {
    const s = this.out.style
    return [
      `${s.green('✔')} Wrote the receipt for deployment ${r.dseq} (lease with ${r.provider}) to ${r.file}.`,
      `  chain ${r.summary.chainId}, lease created at ${r.summary.leaseCreated}${r.summary.leaseClosed ? `, closed at ${r.summary.leaseClosed}` : ''}, manifest ${r.summary.manifestVersion.slice(0, 16)}…`,
      ...(r.summary.verify ? [`  verify: ${r.summary.verify}${r.summary.attestation ? `, attestation: ${r.summary.attestation}` : ''}`] : []),
      s.dim(`  Check it with: edge receipt verify ${r.file}`),
    ].join('\n')
  }
}
