import {Args, Flags} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {openMarket} from '../../market/index.js'
import {openSession} from '../../services/session.js'
import {verifyReceiptFile} from '../../services/verify/receipt.js'
import type {VerifyCheck, VerifyStatus} from '../../verify/check.js'
import type {DseqText} from '../../protocol/json-fields.js'

export interface ReceiptVerifyResult {
  file: string
  /** fail > mock > warn > pass > skip over the checks. */
  status: VerifyStatus
  checks: VerifyCheck[]
  /** What the receipt says, once it parsed. */
  lease?: {owner: string; dseq: DseqText; gseq: number; oseq: number; provider: string}
  chainId?: string
}

export default class ReceiptVerify extends EdgeCommand<typeof ReceiptVerify, ReceiptVerifyResult> {
  static summary = "Check a receipt: its signature, its signer's on-chain key, and its facts against the chain."
  static description =
    'Each part is its own check, so a refusal says what failed: the signature (the file was changed), the signer (not the lease owner), the account key on chain, the lease (never existed, another provider), the heights, the price, the manifest version. Exits 2 when any check fails.'
  static examples = ['<%= config.bin %> <%= command.id %> receipt.json', '<%= config.bin %> <%= command.id %> receipt.json --network mainnet --json']
  static args = {file: Args.string({description: 'The receipt file (a DSSE envelope).', required: true})}
  static flags = {
    signer: Flags.string({description: 'Refuse the receipt unless this address signed it.'}),
    offline: Flags.boolean({description: 'Check only the signature and signer, not the chain.'}),
  }

  protected async execute(): Promise<ReceiptVerifyResult> {
    const session = await openSession(this.flags.network)
    // Offline: the signature and signer only, so no chain connection is opened.
    const market = this.flags.offline ? undefined : await openMarket(session.network)
    try {
      const verdict = await verifyReceiptFile(market, this.args.file, this.flags.signer ? {expectedSigner: this.flags.signer} : {})
      const p = verdict.statement?.predicate
      return {
        file: this.args.file,
        status: verdict.status,
        checks: verdict.checks,
        ...(p ? {lease: {owner: p.lease.owner, dseq: p.lease.dseq, gseq: p.lease.gseq, oseq: p.lease.oseq, provider: p.lease.provider}, chainId: p.network.chainId} : {}),
      }
    } finally {
      await market?.close()
    }
  }

  public async run(): Promise<ReceiptVerifyResult> {
    const result = await super.run()
    if (result.status === 'fail') {
      if (this.out.mode === 'json') this.logJson(this.toSuccessJson(result))
      const failed = result.checks.filter((c) => c.status === 'fail')
      const error = new UsageError(`The receipt does not hold: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`, {code: 'receipt_refused'})
      this.out.writeErr(`${this.out.errStyle.red('Error:')} ${error.message}\n`)
      this.exit(error.exitCode)
    }
    return result
  }

  protected renderText(r: ReceiptVerifyResult): string {
    const s = this.out.style
    const color = (status: string) => (status === 'pass' ? s.green : status === 'fail' ? s.red : status === 'skip' ? s.dim : s.yellow)
    const width = Math.max(0, ...r.checks.map((c) => c.check.length))
    return [
      ...(r.lease ? [s.bold(`Receipt for lease ${r.lease.owner}/${r.lease.dseq}/${r.lease.gseq}/${r.lease.oseq} with ${r.lease.provider} on ${r.chainId}`)] : []),
      ...r.checks.map((c) => `  ${color(c.status)(c.status.toUpperCase().padEnd(4))} ${c.check.padEnd(width)}  ${c.reason}`),
      `overall: ${color(r.status)(r.status)}`,
    ].join('\n')
  }
}
