/**
 * The Akash modules of `edge dev`, wired as node v2.1's app wires them: escrow's account and
 * payment hooks go to the market (x/market/hooks), and cross-module calls go through
 * `ctx.keeper(name)`. The core app calls `initGenesis(ctx, genesis[module.name])` for each, in
 * the order `akashModules()` returns them, and runs begin/end blockers in the same order.
 */
import type {Module} from '../types.js'
import {auditModule, type AuditGenesis} from './audit/index.js'
import {bmeModule, type BmeGenesis, type BmeGenesisOptions, defaultBmeGenesis} from './bme/index.js'
import {defaultOracleGenesis, oracleModule, type OracleGenesis, type OracleGenesisOptions} from './oracle/index.js'
import {certModule, type CertGenesis} from './cert/index.js'
import {defaultDeploymentGenesis, deploymentModule, type DeploymentGenesis} from './deployment/index.js'
import {escrowModule, type EscrowGenesis} from './escrow/index.js'
import {
  DEV_MIN_RECLAMATION_WINDOW_S,
  defaultMarketGenesis,
  marketModule,
  type MarketGenesis,
  type MarketModuleOptions,
  registerMarketHooks,
} from './market/index.js'
import {providerModule, type ProviderGenesis} from './provider/index.js'

export type {AuditGenesis, BmeGenesis, CertGenesis, DeploymentGenesis, EscrowGenesis, MarketGenesis, OracleGenesis, ProviderGenesis}

/** Each module's section of the dev genesis, keyed by module name. */
export interface AkashGenesis {
  audit: AuditGenesis
  cert: CertGenesis
  deployment: DeploymentGenesis
  provider: ProviderGenesis
  market: MarketGenesis
  oracle: OracleGenesis
  bme: BmeGenesis
  escrow: EscrowGenesis
}

export interface AkashGenesisOptions extends BmeGenesisOptions, OracleGenesisOptions {
  /** Minimum deployment deposits (default 500000uact and 500000uakt, as mainnet). */
  minDeposits?: Array<{denom: string; amount: string}>
  /** Minimum bid deposits (default 500000uact and 500000uakt, as mainnet). */
  bidMinDeposits?: Array<{denom: string; amount: string}>
  /** Bids allowed per order (default 20, as mainnet). */
  orderMaxBids?: number
  /** The market's minimum reclamation window in seconds (default 5: edge dev's, mainnet has 1 h). */
  minReclamationWindowSeconds?: number
  /** Providers registered at genesis. */
  providers?: ProviderGenesis['providers']
  /** Audited attributes at genesis. */
  auditedAttributes?: AuditGenesis['providers']
}

/**
 * The Akash modules, in node v2.1's InitGenesis order (app/app_configure.go), which also keeps its
 * block-hook constraints (oracle before bme before escrow: BME's end block reads the price the
 * oracle aggregated in the same block; market has one at start, for its params).
 */
export function akashModules(options: {market?: MarketModuleOptions} = {}): Module[] {
  const escrow = escrowModule()
  registerMarketHooks(escrow.keeper)
  return [
    auditModule(),
    certModule(),
    deploymentModule(),
    providerModule(),
    marketModule(undefined, options.market),
    oracleModule(),
    bmeModule(),
    escrow,
  ]
}

/**
 * Mainnet v2.1 params, overridable, plus edge dev's BME settings (epoch, vault), its genesis AKT
 * price and its short minimum reclamation window.
 */
export function defaultAkashGenesis(opts: AkashGenesisOptions = {}): AkashGenesis {
  const deployment = defaultDeploymentGenesis()
  if (opts.minDeposits) deployment.params.minDeposits = opts.minDeposits
  const market = defaultMarketGenesis()
  if (opts.bidMinDeposits) market.params.bidMinDeposits = opts.bidMinDeposits
  if (opts.orderMaxBids !== undefined) market.params.orderMaxBids = opts.orderMaxBids
  market.params.minReclamationWindow = `${opts.minReclamationWindowSeconds ?? DEV_MIN_RECLAMATION_WINDOW_S}s`
  return {
    audit: {providers: opts.auditedAttributes ?? []},
    cert: {},
    deployment,
    provider: {providers: opts.providers ?? []},
    market,
    oracle: defaultOracleGenesis(opts),
    bme: defaultBmeGenesis(opts),
    escrow: {},
  }
}

export {auditModule, bmeModule, certModule, deploymentModule, escrowModule, marketModule, oracleModule, providerModule}
