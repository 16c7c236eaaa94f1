import type {ReclamationConfig} from '../config/provider-config.js'

/** The chain's bounds on reclamation windows (market params, AEP-82), seconds; absent before node v2.1. */
export interface ReclamationTerms {
  chain?: {minSeconds: number; maxSeconds: number}
}

export type WindowAnswer = {ok: true; seconds?: number} | {ok: false; message: string}

/**
 * The reclamation window a bid offers for an order (AEP-82). An order without reclamation gets no
 * window: the tenant did not agree to be reclaimed. An order with one gets the provider's window,
 * raised to the order's minimum (the chain refuses less, market/41) and to the chain's minimum; a
 * window above the chain's maximum (market/39) or the provider's `maxWindow` is a refusal, said in
 * words a tenant can act on.
 */
export function reclamationWindowFor(orderMinSeconds: number | undefined, terms?: ReclamationTerms & {config: ReclamationConfig}): WindowAnswer {
  if (orderMinSeconds === undefined) return {ok: true}
  const config = terms?.config ?? {accept: true}
  if (!config.accept) {
    return {ok: false, message: 'the order allows reclamation and this provider does not take reclaimable orders (drop reclamation.min_window from the SDL)'}
  }
  const chain = terms?.chain
  const seconds = Math.max(orderMinSeconds, config.windowS ?? 0, chain?.minSeconds ?? 0)
  if (config.maxWindowS !== undefined && orderMinSeconds > config.maxWindowS) {
    return {ok: false, message: `the order asks for ${fmtSeconds(orderMinSeconds)} of reclamation notice; this provider gives at most ${fmtSeconds(config.maxWindowS)} (lower reclamation.min_window)`}
  }
  if (chain && seconds > chain.maxSeconds) {
    return {ok: false, message: `a reclamation window of ${fmtSeconds(seconds)} is above the chain's maximum ${fmtSeconds(chain.maxSeconds)} (lower reclamation.min_window)`}
  }
  return {ok: true, seconds}
}

export function fmtSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600}h`
  if (s % 60 === 0) return `${s / 60}m`
  return `${s}s`
}
