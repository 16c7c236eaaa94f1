/**
 * x/market (akash.market.v1beta5): the module as edge dev wires it: messages (msgs.ts), queries
 * (queries.ts), genesis params, and the escrow hooks. Handlers follow node v2.1
 * `x/market/handler/server.go` check for check, resource reclamation (AEP-82) included.
 */
import {Params} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'

import type {Module} from '../../types.js'
import type {EscrowKeeper} from '../escrow/index.js'
import {MarketErr} from './errors.js'
import {onEscrowAccountClosed, onEscrowPaymentClosed} from './hooks.js'
import {validateOrderId} from './ids.js'
import {createMarketKeeper, type MarketKeeper} from './keeper.js'
import {marketMsgs} from './msgs.js'
import {marketQueries} from './queries.js'
import {
  DEV_MIN_RECLAMATION_WINDOW_S,
  durationFromNanos,
  MAINNET_MAX_RECLAMATION_WINDOW_S,
  MAINNET_MIN_RECLAMATION_WINDOW_S,
  paramWindows,
  parseDurationText,
  validateReclamationWindows,
} from './reclamation.js'

export * from './keeper.js'
export * from './ids.js'
export {MarketErr} from './errors.js'
export {onEscrowAccountClosed, onEscrowPaymentClosed} from './hooks.js'
export {isProviderReason, offerMatchesSpec} from './msgs.js'
export * from './reclamation.js'

export interface CoinJson {
  denom: string
  amount: string
}

export interface MarketGenesis {
  params: {
    bidMinDeposit: CoinJson
    bidMinDeposits: CoinJson[]
    orderMaxBids: number
    /** Durations as Go's jsonpb writes them ("3600s"), as in the node's genesis. */
    minReclamationWindow: string
    maxReclamationWindow: string
  }
}

/** Mainnet v2.1 values (upgrades/software/v2.0.0; the reclamation windows from v2.1.0). */
export function defaultMarketGenesis(): MarketGenesis {
  return {
    params: {
      bidMinDeposit: {denom: 'uakt', amount: '500000'},
      bidMinDeposits: [
        {denom: 'uact', amount: '500000'},
        {denom: 'uakt', amount: '500000'},
      ],
      orderMaxBids: 20,
      minReclamationWindow: `${MAINNET_MIN_RECLAMATION_WINDOW_S}s`,
      maxReclamationWindow: `${MAINNET_MAX_RECLAMATION_WINDOW_S}s`,
    },
  }
}

export interface MarketModuleOptions {
  /**
   * The minimum reclamation window (ns) `edge dev start --min-reclamation-window` asked for. An
   * existing chain takes it at its first block after start, as a passed governance
   * MsgUpdateParams would set it; a new chain has it in its genesis already.
   */
  minReclamationWindow?: bigint
}

/**
 * Market params edge dev sets at the first block after a start. A chain created before
 * reclamation existed has no windows (both zero): like the node's v2.1.0 upgrade handler, it gets
 * defaults, here edge dev's genesis ones. Returns undefined when nothing changes.
 */
export function paramsAtStart(params: Params, options: MarketModuleOptions): Params | undefined {
  let {min, max} = paramWindows(params)
  if (min === 0n && max === 0n) {
    min = BigInt(DEV_MIN_RECLAMATION_WINDOW_S) * 1_000_000_000n
    max = BigInt(MAINNET_MAX_RECLAMATION_WINDOW_S) * 1_000_000_000n
  }
  if (options.minReclamationWindow !== undefined) min = options.minReclamationWindow
  const before = paramWindows(params)
  if (min === before.min && max === before.max) return undefined
  validateReclamationWindows(min, max)
  return {...params, minReclamationWindow: durationFromNanos(min), maxReclamationWindow: durationFromNanos(max)}
}

export function marketModule(
  keeper: MarketKeeper = createMarketKeeper(),
  options: MarketModuleOptions = {},
): Module & {keeper: MarketKeeper} {
  let startChecked = false
  return {
    name: 'market',
    msgs: marketMsgs(keeper),
    queries: marketQueries(keeper),
    initGenesis(ctx, state) {
      const genesis = (state as MarketGenesis | undefined) ?? defaultMarketGenesis()
      const p = genesis.params
      if (p.orderMaxBids === 0) throw MarketErr.invalidParam.with('order max bids too low')
      if (p.orderMaxBids > 500) throw MarketErr.invalidParam.with('order max bids too high')
      const min = parseDurationText(p.minReclamationWindow)
      const max = parseDurationText(p.maxReclamationWindow)
      validateReclamationWindows(min, max)
      keeper.setParams(
        ctx,
        Params.fromPartial({
          bidMinDeposit: p.bidMinDeposit,
          bidMinDeposits: p.bidMinDeposits,
          orderMaxBids: p.orderMaxBids,
          minReclamationWindow: durationFromNanos(min),
          maxReclamationWindow: durationFromNanos(max),
        }),
      )
    },
    beginBlock(ctx) {
      // Once per start: the first block brings the params to what this start asked for.
      if (startChecked) return
      startChecked = true
      const next = paramsAtStart(keeper.getParams(ctx), options)
      if (next) keeper.setParams(ctx, next)
    },
    keeper,
  }
}

/** Wires the escrow hooks as node's app does (app/types/app.go). */
export function registerMarketHooks(escrow: EscrowKeeper): void {
  escrow.addOnAccountClosedHook(onEscrowAccountClosed)
  escrow.addOnPaymentClosedHook(onEscrowPaymentClosed)
}

export {validateOrderId}
