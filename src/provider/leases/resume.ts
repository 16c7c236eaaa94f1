import {isLeaseLive, type Lease} from '../../market/market.js'
import {leaseKey as runtimeLeaseKey} from '../runtime/labels.js'
import {orderKey, parseOrderKey} from '../state/keys.js'
import type {LeaseManager, LeaseManagerOptions} from './lease-manager.js'
import {liveLeases} from './live.js'

/**
 * After a restart: hold capacity for every lease we had, ask the chain which are still active,
 * redeploy those with a manifest (the runtime keeps containers that already run the same spec,
 * so this re-attaches rather than restarts) and route them again. Leases running in the engine
 * that no row knows are adopted if the chain says they are ours and active, else removed.
 */
export async function resumeLeases(m: LeaseManager, o: LeaseManagerOptions): Promise<number> {
  const rows = m.activeLeases()
  for (const row of rows) if (!o.capacity.has(row.orderKey)) o.capacity.restore(row.orderKey, row.reservation)
  // Migrated hostnames go back to their leases before any lease is routed again.
  for (const pin of o.store.hostnamePins()) {
    const row = rows.find((r) => r.orderKey === pin.orderKey)
    if (row) o.ingress?.proxy.pinHostname(pin.hostname, runtimeLeaseKey(m.rt(row)))
    else o.store.unpinLease(pin.orderKey)
  }

  let chainActive: Lease[] | undefined
  try {
    chainActive = await liveLeases(o.market, {provider: o.address})
  } catch {
    chainActive = undefined // Unknown: keep everything as it is.
  }
  const activeKeys = chainActive ? new Set(chainActive.map((l) => orderKey(l.id))) : undefined

  let resumed = 0
  for (const row of rows) {
    if (activeKeys && !activeKeys.has(row.orderKey)) {
      const id = parseOrderKey(row.orderKey)
      const lease = await o.market.lease({...id, provider: o.address, bseq: row.bseq}).catch(() => 'unknown' as const)
      if (lease !== 'unknown' && (!lease || !isLeaseLive(lease))) {
        await m.closeLocal(row, lease?.reason ?? lease?.state ?? 'not_found')
        continue
      }
    }
    const live = chainActive?.find((l) => orderKey(l.id) === row.orderKey)
    if (live) m.reclamations.observe(live)
    const group = m.manifestGroup(row)
    const dep = o.store.deployment(row.orderKey)
    o.events.emit({type: 'lease.resumed', lease: row.orderKey, state: row.state})
    resumed++
    if (group && dep) void m.deploy(row, group, dep.manifestVersion)
  }

  try {
    const running = await o.runtime.list()
    for (const r of running) {
      if (r.lease.provider !== o.address) continue
      const key = orderKey({owner: r.lease.owner, dseq: r.lease.dseq, gseq: r.lease.gseq, oseq: r.lease.oseq})
      const row = o.store.lease(key)
      if (row) {
        if (row.state === 'closed') await o.runtime.teardown(r.lease).catch(() => {})
        continue
      }
      const chainLease = chainActive?.find((l) => orderKey(l.id) === key)
      if (chainLease) await m.adopt(chainLease)
      else if (chainActive) await o.runtime.teardown(r.lease).catch(() => {})
    }
  } catch (error) {
    o.events.emit({type: 'warning', message: `listing running workloads failed: ${(error as Error).message}`})
  }
  // Deadlines that passed while the provider was down (the store has them even when the chain
  // did not answer): close them now rather than at the first block.
  await m.reclamations.closeDue(new Date((o.now ?? Date.now)()))
  return resumed
}
