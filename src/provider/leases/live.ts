/** Which leases count as live, on chain and in the provider's store (lease-manager and its phases share these). */
import type {Lease, LeaseFilter, MarketQueries} from '../../market/market.js'
import type {LeaseRowState} from '../state/store.js'

/** Rows the provider still runs or is bringing up. */
export const ACTIVE_LEASE_STATES: LeaseRowState[] = ['awaiting_manifest', 'deploying', 'running', 'failed']

/** The leases that run and bill: active, and reclaiming until this provider closes them (AEP-82). */
export async function liveLeases(market: Pick<MarketQueries, 'leases'>, filter: Omit<LeaseFilter, 'state'>): Promise<Lease[]> {
  const [active, reclaiming] = await Promise.all([market.leases({...filter, state: 'active'}), market.leases({...filter, state: 'reclaiming'})])
  return [...active, ...reclaiming]
}
