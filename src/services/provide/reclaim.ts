import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {providerDir} from '../../config/paths.js'
import {UsageError} from '../../errors.js'
import type {Lease, LeaseId} from '../../market/market.js'
import {TxQueue} from '../../market/tx-queue.js'
import {assertProviderAddress, loadProviderConfig} from '../../provider/config/provider-config.js'
import {reclaimReason} from '../../provider/leases/reclamation.js'
import {orderKey} from '../../provider/state/keys.js'
import {ProviderStore} from '../../provider/state/store.js'
import type {Session} from '../session.js'
import type {SignerChoice} from '../signer.js'
import {providerMnemonic} from './keys.js'

export {RECLAIM_REASONS} from '../../provider/leases/reclamation.js'

export interface ReclaimResult {
  lease: string
  txHash: string
  height: number
  /** The reason sent on chain, and the operator's words when they were more than a reason name. */
  reason: string
  note?: string
  windowSeconds: number
  /** ISO time from which the provider closes the lease (the chain's deadline). */
  deadline: string
  /** Whether the deadline was written to the provider's state (it is read back from the chain either way). */
  recorded: boolean
}

/**
 * `edge provide reclaim LEASE`: MsgLeaseStartReclaim (AEP-82) for one of this provider's leases
 * made with a reclamation window. The tenant sees the lease `reclaiming` with its deadline at
 * once; `edge provide start` closes the bid and tears the workload down when the deadline has
 * passed (also after a restart). Works whether or not the provider is running.
 */
export async function reclaimLease(
  session: Session,
  options: {name: string; lease: string; reason?: string; interactive: boolean; promptPassword?: SignerChoice['promptPassword']; env?: NodeJS.ProcessEnv},
): Promise<ReclaimResult> {
  const env = options.env ?? process.env
  const config = await loadProviderConfig(options.name, env)
  const {reason, note} = reclaimReason(options.reason ?? '')
  const mnemonic = await providerMnemonic(session, config.key, options, env)
  const {openMarket} = await import('../../market/index.js')
  const {deriveKey} = await import('../../config/mnemonic.js')
  const {address, pubkey, privkey} = await deriveKey(mnemonic, session.network.bech32Prefix)
  assertProviderAddress(config, address)
  const market = await openMarket(session.network, {mnemonic, address, key: {pubkey, privkey}})
  const queue = new TxQueue(await market.tx!.batchBroadcaster())
  try {
    const lease = await findLease(market, address, options.lease)
    if (lease.state === 'reclaiming') {
      throw new UsageError(`Lease ${orderKey(lease.id)} is already being reclaimed (deadline ${lease.reclamation?.deadline?.toISOString() ?? 'unknown'}).`, {
        code: 'already_reclaiming',
        hint: '`edge provide start` closes it at the deadline.',
      })
    }
    if (lease.state !== 'active') throw new UsageError(`Lease ${orderKey(lease.id)} is ${lease.state}: only an active lease can be reclaimed.`, {code: 'lease_not_active'})
    if (!lease.reclamation) {
      throw new UsageError(`Lease ${orderKey(lease.id)} was made without a reclamation window: its tenant did not agree to be reclaimed.`, {
        code: 'lease_not_reclaimable',
        hint: 'Only leases whose SDL sets reclamation.min_window can be reclaimed; others run until the tenant closes them or their funds run out.',
      })
    }
    const id: LeaseId = lease.id
    const outcome = await queue.submit({type: 'leaseStartReclaim', lease: id, reason})
    const after = await market.lease(id)
    const deadline = after?.reclamation?.deadline ?? new Date(Date.now() + lease.reclamation.windowSeconds * 1000)
    const recorded = await record(providerDir(config.name, env), {
      orderKey: orderKey(id),
      deadline: deadline.getTime(),
      reason,
      ...(note ? {note} : {}),
      startedHeight: outcome.height,
      recordedAt: Date.now(),
    })
    return {
      lease: orderKey(id),
      txHash: outcome.txHash,
      height: outcome.height,
      reason,
      ...(note ? {note} : {}),
      windowSeconds: lease.reclamation.windowSeconds,
      deadline: deadline.toISOString(),
      recorded,
    }
  } finally {
    await queue.close()
    await market.close()
  }
}

/** `owner/dseq/gseq/oseq`, or a DSEQ when the provider has one live lease of it. */
async function findLease(market: {leases: (f: {provider: string}) => Promise<Lease[]>}, provider: string, text: string): Promise<Lease> {
  const mine = await market.leases({provider})
  const parts = text.split('/')
  const matches =
    parts.length === 4
      ? mine.filter((l) => orderKey(l.id) === text)
      : /^\d+$/.test(text)
        ? mine.filter((l) => l.id.dseq.toString() === text && l.state !== 'closed')
        : []
  if (matches.length === 1) return matches[0]
  if (matches.length > 1) {
    throw new UsageError(`Deployment ${text} has ${matches.length} leases here.`, {code: 'ambiguous_lease', hint: `Name one: ${matches.map((l) => orderKey(l.id)).join(', ')}.`})
  }
  throw new UsageError(`No lease ${text} of this provider.`, {code: 'lease_not_found', hint: 'Give OWNER/DSEQ/GSEQ/OSEQ or a DSEQ; `edge provide status` lists the leases.'})
}

/** Writes the deadline and the operator's note to the provider's state, so a stopped provider has them. */
async function record(dir: string, row: Parameters<ProviderStore['putReclamation']>[0]): Promise<boolean> {
  const path = join(dir, 'state.db')
  if (!existsSync(path)) return false
  try {
    const store = await ProviderStore.open(path)
    try {
      store.putReclamation(row)
      return true
    } finally {
      store.close()
    }
  } catch {
    return false // The running provider records it from the chain at its next block.
  }
}
