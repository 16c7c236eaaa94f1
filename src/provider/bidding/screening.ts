/**
 * Bid screening (AEP-67): `POST /v1/bid-screening` and gRPC `akash.provider.v1.ProviderRPC/
 * BidScreening`. A tenant sends a group spec before creating anything; the provider answers
 * whether it would bid, at what price, with which resources, and why not. The answer comes from
 * `evaluateOrder`, the decision the bid engine takes on a real order, with the engine's context
 * now (attributes as on chain, audits, free capacity, the price table or script, open bids).
 */
import type {BidScreeningRequest, BidScreeningResponse} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'

import type {Order} from '../../market/market.js'
import {decHuman} from '../../sdl/dec.js'
import {groupSpecFromDecoded} from '../../sdl/groupspec.js'
import {type EvaluateOptions, type SkipReason, evaluateOrder} from './decide.js'
import {resourcesOffer} from './offer.js'

/** The order a screening request stands for: no owner yet (nothing was created), open now. */
function screeningOrder(request: BidScreeningRequest): Order {
  return {id: {owner: '', dseq: 0n, gseq: 1, oseq: 1}, state: 'open', spec: groupSpecFromDecoded(request.groupSpec), createdAt: 0}
}

/** What the screening request cannot carry and a tenant cannot change is refused before deciding. */
function malformed(request: BidScreeningRequest): string | undefined {
  if (!request.groupSpec) return 'the request has no group_spec'
  if ((request.groupSpec.resources ?? []).length === 0) return 'the group spec asks for no resources'
  return undefined
}

/**
 * Answers one screening request. `context` is the bid engine's decision context, undefined while
 * the provider is still starting (then the answer says so rather than guessing).
 */
export async function screenBid(request: BidScreeningRequest, context: EvaluateOptions | undefined): Promise<BidScreeningResponse> {
  const refused = (reasons: string[]): BidScreeningResponse => ({passed: false, reasons, resourceOffers: [], price: undefined})
  const bad = malformed(request)
  if (bad) return refused([bad])
  if (!context) return refused(['the provider is starting and is not bidding yet: ask again in a few seconds'])
  const order = screeningOrder(request)
  const evaluation = await evaluateOrder(order, context)
  if (evaluation.action === 'skip') return refused([tenantReason(evaluation.reason, evaluation.message)])
  return {
    passed: true,
    reasons: [],
    resourceOffers: resourcesOffer(order.spec, evaluation.gpusByUnit).map((o) => ({...o, prices: undefined})) as BidScreeningResponse['resourceOffers'],
    // chain-sdk's codecs take a LegacyDec as a human decimal ("0.000123").
    price: {denom: evaluation.price.denom, amount: decHuman(evaluation.price.amount)},
  }
}

/**
 * A refusal in words a tenant can act on: what does not fit and what to change in the SDL (or
 * that waiting may help). The provider's own message stays in it: it names the exact values.
 */
export function tenantReason(reason: SkipReason, message: string): string {
  switch (reason) {
    case 'attributes':
      return `placement: ${message} (drop or change the placement attributes)`
    case 'signed_by':
      return `audit: ${message} (drop signedBy or choose an auditor that audited this provider)`
    case 'gpu':
      return `GPU: ${message} (ask for a model this provider offers)`
    case 'storage':
      return `storage: ${message} (use a storage class this provider offers)`
    case 'leased_ip':
      return 'leased IP: this provider does not lease IP addresses (remove `ip:` from the expose section)'
    case 'capacity':
      return `capacity: not enough free now: ${message} (ask for less, or try again later)`
    case 'denom':
      return `denom: ${message} (price the SDL in the provider's denom)`
    case 'price':
      return `price: ${message.replace(/^our price/, "the provider's price")} (raise the SDL's pricing amount)`
    case 'reclamation':
      return `reclamation: ${message}`
    case 'max_bids':
      return `busy: the provider has as many open bids as it allows (${message}); try again later`
    case 'pricing_error':
      return `pricing: the provider could not price this group (${message}); try again later`
    case 'own_order':
      return message
  }
}
