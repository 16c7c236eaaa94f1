import {Args} from '@oclif/core'

import {EdgeCommand} from '../../base-command.js'
import {CancelledError} from '../../errors.js'
import {keyFlag} from '../../flags.js'
import {openMarket} from '../../market/index.js'
import {formatCoin, parseCoin} from '../../protocol/money.js'
import type {StepEvent} from '../../output/events.js'
import {type MintEvent, type MintRequest, type MintResult, mintAct, mintQuestion, parseMintAmount, prepareMint} from '../../services/mint.js'
import {openSession} from '../../services/session.js'
import {resolveSigner} from '../../services/signer.js'
import {promptConfirm, promptPassword} from '../../ui/prompts.js'

export default class WalletMint extends EdgeCommand<typeof WalletMint, MintResult> {
  static summary = 'Mint ACT from AKT (BME): burns AKT, then waits for the next epoch until the ACT arrives.'
  static description =
    "Give the AKT to burn (20akt) or the ACT you want (10act; priced through the chain's oracle). The chain cancels a mint below its minimum (params.min_mint, 10 ACT on mainnet) at the epoch and refunds the AKT, so edge does not send one."
  static examples = ['<%= config.bin %> <%= command.id %> 10act', '<%= config.bin %> <%= command.id %> 20akt --yes --output jsonl']
  static handlesSignals = true
  static args = {
    amount: Args.custom<MintRequest>({parse: async (input) => parseMintAmount(input, parseCoin)})({description: 'AKT to burn (e.g. 20akt) or ACT to receive (e.g. 10act).', required: true}),
  }
  static flags = {key: keyFlag}

  protected async execute(): Promise<MintResult> {
    const request = this.args.amount
    const session = await openSession(this.flags.network)
    const signer = await resolveSigner(session, {key: this.flags.key, interactive: this.interactive, promptPassword})
    const market = await openMarket(session.network, {mnemonic: signer.mnemonic})
    try {
      // The figures come first, so the question says how much AKT goes (ux-test D33).
      const plan = await prepareMint(market, request)
      if (!this.flags.yes) {
        const ok = await promptConfirm({
          interactive: this.interactive,
          replacement: '--yes',
          message: mintQuestion(plan),
          defaultValue: true,
          what: 'a confirmation',
        })
        if (!ok) throw new CancelledError('Nothing was minted.')
      }
      return await this.consume<MintEvent, MintResult>(mintAct(market, {...request, plan, signal: this.signal}), {step: mintStep})
    } finally {
      await market.close()
    }
  }

  protected renderText(r: MintResult): string {
    return `Burned ${formatCoin(r.burnedUakt, 'uakt')}, minted ${formatCoin(r.mintedUact, 'uact')} (tx ${r.txHash}, ${r.blocksWaited} blocks). ACT balance: ${formatCoin(r.balanceUact, 'uact')}.`
  }
}

/** A mint is one step for a person: submitted, waiting for the epoch, minted. */
function mintStep(e: MintEvent): StepEvent {
  const status = e.status === 'submitted' ? 'started' : e.status === 'waiting' ? 'running' : 'succeeded'
  return {type: 'step', ts: new Date().toISOString(), step: 'mint', status, message: e.message}
}

