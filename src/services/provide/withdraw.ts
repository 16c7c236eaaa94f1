import {TxQueue} from '../../market/tx-queue.js'
import {assertProviderAddress, loadProviderConfig} from '../../provider/config/provider-config.js'
import {orderKey} from '../../provider/state/keys.js'
import type {Session} from '../session.js'
import type {SignerChoice} from '../signer.js'
import {providerMnemonic} from './keys.js'

export interface WithdrawResult {
  address: string
  leases: string[]
  txHashes: string[]
  failed: Array<{lease: string; message: string}>
  /** uact balance before and after, and the difference (what the leases paid out). */
  before: string
  after: string
  withdrawn: string
}

/**
 * `edge provide withdraw`: MsgWithdrawLease for every active lease of the provider, packed into as
 * few transactions as the queue allows. Works whether or not `edge provide start` is running (a
 * sequence clash with it is retried by the queue).
 */
export async function withdrawEarnings(session: Session, options: {name: string; interactive: boolean; promptPassword?: SignerChoice['promptPassword']; env?: NodeJS.ProcessEnv}): Promise<WithdrawResult> {
  const env = options.env ?? process.env
  const config = await loadProviderConfig(options.name, env)
  const mnemonic = await providerMnemonic(session, config.key, options, env)
  const {openMarket} = await import('../../market/index.js')
  const {deriveKey} = await import('../../config/mnemonic.js')
  const {address, pubkey, privkey} = await deriveKey(mnemonic, session.network.bech32Prefix)
  assertProviderAddress(config, address)
  const market = await openMarket(session.network, {mnemonic, address, key: {pubkey, privkey}})
  let queue: TxQueue | undefined
  try {
    queue = new TxQueue(await market.tx!.batchBroadcaster())
    const submit = queue.submit.bind(queue)
    const uact = async () => (await market.balances(address)).find((c) => c.denom === 'uact')?.amount ?? 0n
    const before = await uact()
    // Reclaiming leases (AEP-82) still bill until the provider closes them.
    const leases = [...(await market.leases({provider: address, state: 'active'})), ...(await market.leases({provider: address, state: 'reclaiming'}))]
    const results = await Promise.allSettled(leases.map((l) => submit({type: 'withdrawLease', lease: l.id})))
    const out: WithdrawResult = {address, leases: [], txHashes: [], failed: [], before: before.toString(), after: '', withdrawn: ''}
    results.forEach((r, i) => {
      const key = orderKey(leases[i].id)
      if (r.status === 'fulfilled') {
        out.leases.push(key)
        if (!out.txHashes.includes(r.value.txHash)) out.txHashes.push(r.value.txHash)
      } else out.failed.push({lease: key, message: (r.reason as Error).message})
    })
    const after = await uact()
    out.after = after.toString()
    out.withdrawn = (after - before).toString()
    return out
  } finally {
    await queue?.close()
    await market.close()
  }
}
