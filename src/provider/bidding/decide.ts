import type {AuditedAttributes, Attribute, Order} from '../../market/market.js'
import {matchGroup, matchGroupFromSpec} from '../../protocol/matching.js'
import type {Capacity, Reservation} from '../capacity/capacity.js'
import {demandOf, orderMaxPrice} from '../capacity/demand.js'
import type {GpuConfig} from '../config/provider-config.js'

/** Why an order got no bid. Stable names: they appear in JSONL events and `edge provide status`. */
export type SkipReason =
  | 'own_order'
  | 'attributes'
  | 'signed_by'
  | 'gpu'
  | 'storage'
  | 'leased_ip'
  | 'capacity'
  | 'denom'
  | 'price'
  | 'pricing_error'
  | 'max_bids'

export interface ProviderIdentity {
  address: string
  attributes: readonly Attribute[]
  audited: readonly AuditedAttributes[]
}

export interface PriceAnswer {
  ok: boolean
  /** Per block, ×10^18 of the base denom. */
  amount?: bigint
  denom?: string
  usdPerHour?: bigint
  reason?: SkipReason
  message?: string
}

/** Prices an order once its GPUs are chosen (table or pricing command). */
export type Pricer = (order: Order, gpusByUnit: Record<number, GpuConfig[]>) => Promise<PriceAnswer>

export type BidDecision =
  | {
      action: 'bid'
      order: Order
      price: {denom: string; amount: bigint}
      usdPerHour?: bigint
      reservation: Reservation
      gpusByUnit: Record<number, GpuConfig[]>
    }
  | {action: 'skip'; order: Order; reason: SkipReason; message: string}

export interface DecideOptions {
  provider: ProviderIdentity
  capacity: Capacity
  pricer: Pricer
  /** Capacity key for the reservation this decision makes (the order key). */
  key: string
  /** Open bids now, and the most allowed (0 = no limit). */
  openBids?: number
  maxOpenBids?: number
}

const skip = (order: Order, reason: SkipReason, message: string): BidDecision => ({action: 'skip', order, reason, message})

/**
 * Decides whether to bid on one order, in the chain's order of checks, and says why not:
 * own order → placement attributes and signedBy (the chain's glob and audit rules, shared with
 * `edge dev` through market/matching.ts) → GPU and storage capabilities → leased IPs → free
 * capacity (what open bids and leases hold is not free) → price ≤ the order's maximum.
 * A `bid` decision leaves its reservation held under `key`; the caller releases it if the bid
 * transaction fails.
 */
export async function decideBid(order: Order, options: DecideOptions): Promise<BidDecision> {
  const {provider, capacity, key} = options
  if (order.id.owner === provider.address) return skip(order, 'own_order', 'the order is this provider’s own deployment')
  if (options.maxOpenBids && options.maxOpenBids > 0 && (options.openBids ?? 0) >= options.maxOpenBids) {
    return skip(order, 'max_bids', `already ${options.openBids} open bids (bidding.maxOpenBids)`)
  }

  const match = matchGroup(matchGroupFromSpec(order.spec), {attributes: provider.attributes, audited: provider.audited})
  if (!match.ok) {
    const first = match.mismatches[0]
    return skip(order, first.kind, first.message)
  }

  const demand = demandOf(order.spec)
  if (demand.endpoints.leasedIp > 0) return skip(order, 'leased_ip', 'the order asks for leased IPs, which this provider does not offer')

  const fit = capacity.reserve(key, demand)
  if (!fit.ok) return skip(order, 'capacity', fit.message)

  let answer: PriceAnswer
  try {
    answer = await options.pricer(order, fit.gpuModels)
  } catch (error) {
    capacity.release(key)
    return skip(order, 'pricing_error', (error as Error).message ?? String(error))
  }
  if (!answer.ok || answer.amount === undefined || !answer.denom) {
    capacity.release(key)
    return skip(order, answer.reason ?? 'pricing_error', answer.message ?? 'no price')
  }
  const max = orderMaxPrice(order.spec)
  if (max.denom && answer.denom !== max.denom) {
    capacity.release(key)
    return skip(order, 'denom', `price is in ${answer.denom}, the order pays in ${max.denom}`)
  }
  if (answer.amount > max.amount) {
    capacity.release(key)
    return skip(order, 'price', `our price ${fmtDec(answer.amount)} ${answer.denom}/block is above the order's maximum ${fmtDec(max.amount)}`)
  }
  return {
    action: 'bid',
    order,
    price: {denom: answer.denom, amount: answer.amount},
    ...(answer.usdPerHour !== undefined ? {usdPerHour: answer.usdPerHour} : {}),
    reservation: fit.reservation,
    gpusByUnit: fit.gpuModels,
  }
}

/** ×10^18 → a short decimal for messages. */
export function fmtDec(scaled: bigint): string {
  const whole = scaled / 10n ** 18n
  const frac = (scaled % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '').slice(0, 8)
  return frac ? `${whole}.${frac}` : whole.toString()
}
