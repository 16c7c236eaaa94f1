import type {AuditedAttributes, Attribute, Order} from '../../market/market.js'
import {matchGroup, matchGroupFromSpec} from '../../protocol/matching.js'
import type {Capacity, Reservation} from '../capacity/capacity.js'
import {demandOf, orderMaxPrice} from '../capacity/demand.js'
import type {GpuConfig, ReclamationConfig} from '../config/provider-config.js'
import {type ReclamationTerms, reclamationWindowFor} from './reclamation-window.js'

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
  | 'reclamation'

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
      /** The reclamation window the bid offers (AEP-82), seconds; only for orders that allow reclamation. */
      reclamationWindowSeconds?: number
    }
  | {action: 'skip'; order: Order; reason: SkipReason; message: string}

/** `evaluateOrder`'s answer: a bid decision whose capacity was checked but not reserved. */
export type Evaluation =
  | (Omit<Extract<BidDecision, {action: 'bid'}>, 'reservation'> & {demand: ReturnType<typeof demandOf>})
  | Extract<BidDecision, {action: 'skip'}>

export interface EvaluateOptions {
  provider: ProviderIdentity
  /** Read only here: `fit` says whether the order fits what is free now. */
  capacity: Pick<Capacity, 'fit'>
  pricer: Pricer
  /** Open bids now, and the most allowed (0 = no limit). */
  openBids?: number
  maxOpenBids?: number
  /** The provider's reclamation settings and the chain's window bounds (AEP-82). */
  reclamation?: ReclamationTerms & {config: ReclamationConfig}
}

export interface DecideOptions extends EvaluateOptions {
  capacity: Capacity
  /** Capacity key for the reservation this decision makes (the order key). */
  key: string
}

const skip = (order: Order, reason: SkipReason, message: string): BidDecision => ({action: 'skip', order, reason, message})

/**
 * Whether this provider would bid on one order, and at what price, in the chain's order of checks,
 * and why not: own order → placement attributes and signedBy (the chain's glob and audit rules,
 * shared with `edge dev` through protocol/matching.ts) → reclamation terms → GPU and storage
 * capabilities → leased IPs → free capacity (what open bids and leases hold is not free) → price ≤
 * the order's maximum. Changes nothing: the bid engine (through `decideBid`) and the bid screening
 * service (which answers tenants before they create anything) both ask this, so a screening answer
 * is the decision the bid engine would take now.
 */
export async function evaluateOrder(order: Order, options: EvaluateOptions): Promise<Evaluation> {
  const {provider, capacity} = options
  if (order.id.owner === provider.address) return skip(order, 'own_order', 'the order is this provider’s own deployment') as Evaluation
  if (options.maxOpenBids && options.maxOpenBids > 0 && (options.openBids ?? 0) >= options.maxOpenBids) {
    return skip(order, 'max_bids', `already ${options.openBids} open bids (bidding.maxOpenBids)`) as Evaluation
  }

  const match = matchGroup(matchGroupFromSpec(order.spec), {attributes: provider.attributes, audited: provider.audited})
  if (!match.ok) {
    const first = match.mismatches[0]
    return skip(order, first.kind, first.message) as Evaluation
  }

  const window = reclamationWindowFor(order.reclamation?.minWindowSeconds, options.reclamation)
  if (!window.ok) return skip(order, 'reclamation', window.message) as Evaluation

  const demand = demandOf(order.spec)
  if (demand.endpoints.leasedIp > 0) return skip(order, 'leased_ip', 'the order asks for leased IPs, which this provider does not offer') as Evaluation

  const fit = capacity.fit(demand)
  if (!fit.ok) return skip(order, 'capacity', fit.message) as Evaluation

  let answer: PriceAnswer
  try {
    answer = await options.pricer(order, fit.gpuModels)
  } catch (error) {
    return skip(order, 'pricing_error', (error as Error).message ?? String(error)) as Evaluation
  }
  if (!answer.ok || answer.amount === undefined || !answer.denom) {
    return skip(order, answer.reason ?? 'pricing_error', answer.message ?? 'no price') as Evaluation
  }
  const max = orderMaxPrice(order.spec)
  if (max.denom && answer.denom !== max.denom) {
    return skip(order, 'denom', `price is in ${answer.denom}, the order pays in ${max.denom}`) as Evaluation
  }
  if (answer.amount > max.amount) {
    return skip(order, 'price', `our price ${fmtDec(answer.amount)} ${answer.denom}/block is above the order's maximum ${fmtDec(max.amount)}`) as Evaluation
  }
  return {
    action: 'bid',
    order,
    price: {denom: answer.denom, amount: answer.amount},
    ...(answer.usdPerHour !== undefined ? {usdPerHour: answer.usdPerHour} : {}),
    gpusByUnit: fit.gpuModels,
    demand,
    ...(window.seconds !== undefined ? {reclamationWindowSeconds: window.seconds} : {}),
  }
}

/**
 * `evaluateOrder`, then holds the capacity a bid needs under `key`. A `bid` decision leaves its
 * reservation held; the caller releases it if the bid transaction fails.
 */
export async function decideBid(order: Order, options: DecideOptions): Promise<BidDecision> {
  const evaluation = await evaluateOrder(order, options)
  if (evaluation.action === 'skip') return evaluation
  // Pricing may have awaited a command: another decision may have taken the capacity meanwhile.
  const fit = options.capacity.reserve(options.key, evaluation.demand)
  if (!fit.ok) return skip(order, 'capacity', fit.message)
  const {demand: _demand, ...decision} = evaluation
  return {...decision, reservation: fit.reservation, gpusByUnit: fit.gpuModels}
}

/** ×10^18 → a short decimal for messages. */
export function fmtDec(scaled: bigint): string {
  const whole = scaled / 10n ** 18n
  const frac = (scaled % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '').slice(0, 8)
  return frac ? `${whole}.${frac}` : whole.toString()
}
