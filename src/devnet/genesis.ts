import {Metadata} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

import {fromProtoCoins} from './core/coins.js'
import type {Context, Module} from './types.js'
import {AccountKeeper} from './modules/auth/keeper.js'
import {BankKeeper} from './modules/bank/keeper.js'

export interface GenesisCoin {
  denom: string
  /** Integer amount in the base denom, as a decimal string. */
  amount: string
}

export interface GenesisAccount {
  address: string
  coins: GenesisCoin[]
}

export interface GenesisModuleAccount {
  name: string
  permissions: string[]
}

/**
 * The dev chain's genesis: plain JSON, stored with the chain and served by the `genesis`
 * RPC method. `appState` holds each Akash module's section, given to its `initGenesis`.
 */
export interface DevGenesis {
  chainId: string
  /** RFC 3339. */
  genesisTime: string
  accounts: GenesisAccount[]
  moduleAccounts: GenesisModuleAccount[]
  bank: {
    sendEnabled: Array<{denom: string; enabled: boolean}>
    /** `cosmos.bank.v1beta1.Metadata` in proto-JSON. */
    denomMetadata: unknown[]
  }
  appState: Record<string, unknown>
}

/** Module accounts the dev chain creates at genesis (name → permissions, as Akash's app.go). */
export const DEFAULT_MODULE_ACCOUNTS: GenesisModuleAccount[] = [
  {name: 'fee_collector', permissions: []},
  {name: 'distribution', permissions: []},
  {name: 'mint', permissions: ['minter']},
  {name: 'bonded_tokens_pool', permissions: ['burner', 'staking']},
  {name: 'not_bonded_tokens_pool', permissions: ['burner', 'staking']},
  {name: 'gov', permissions: ['burner']},
  {name: 'escrow', permissions: []},
  {name: 'bme', permissions: ['minter', 'burner']},
  {name: 'faucet', permissions: ['minter']},
]

interface DenomUnitJson {
  denom: string
  exponent: number
  aliases: string[]
}

function denomMetadata(o: {base: string; display: string; name: string; symbol: string; description: string; units: DenomUnitJson[]}): unknown {
  return {description: o.description, denom_units: o.units, base: o.base, display: o.display, name: o.name, symbol: o.symbol, uri: '', uri_hash: ''}
}

/** The AKT and ACT metadata `akash genesis init` writes (node cmd/akash/cmd/genesis.go), as the node serves it. */
export const NODE_DENOM_METADATA = [
  denomMetadata({
    base: 'uakt',
    display: 'akt',
    name: 'Akash Native Token',
    symbol: 'AKT',
    description: 'The native token of Akash',
    units: [
      {denom: 'uakt', exponent: 0, aliases: []},
      {denom: 'akt', exponent: 6, aliases: []},
    ],
  }),
  denomMetadata({
    base: 'uact',
    display: 'uact',
    name: 'Akash Compute Token',
    symbol: 'ACT',
    description: 'Akash Compute Token',
    units: [
      {denom: 'uact', exponent: 0, aliases: []},
      {denom: 'mact', exponent: 3, aliases: []},
      {denom: 'act', exponent: 6, aliases: []},
    ],
  }),
]

export interface DevGenesisOptions {
  chainId: string
  accounts: GenesisAccount[]
  genesisTime?: Date
  appState?: Record<string, unknown>
}

/** A genesis like `akash genesis init`'s: AKT and ACT metadata, ACT not transferable by MsgSend. */
export function defaultDevGenesis(options: DevGenesisOptions): DevGenesis {
  return {
    chainId: options.chainId,
    genesisTime: (options.genesisTime ?? new Date()).toISOString(),
    accounts: options.accounts,
    moduleAccounts: DEFAULT_MODULE_ACCOUNTS,
    bank: {
      // As `akash genesis init`: AKT sends enabled, ACT sends disabled (ACT is minted through x/bme).
      sendEnabled: [
        {denom: 'uakt', enabled: true},
        {denom: 'uact', enabled: false},
      ],
      denomMetadata: NODE_DENOM_METADATA,
    },
    appState: options.appState ?? {},
  }
}

/** Writes auth/bank genesis and hands each module its section, in module order. */
export function applyGenesis(ctx: Context, genesis: DevGenesis, modules: readonly Module[]): void {
  const accounts = new AccountKeeper(ctx.store)
  const bank = new BankKeeper(ctx.store, ctx.events)
  for (const m of genesis.moduleAccounts) accounts.ensureModule(m.name, m.permissions)
  const supply = new Map<string, bigint>()
  for (const account of genesis.accounts) {
    accounts.ensure(account.address)
    for (const coin of fromProtoCoins([...account.coins].sort((a, b) => (a.denom < b.denom ? -1 : 1)), true)) {
      bank.setBalance(account.address, coin.denom, bank.balance(account.address, coin.denom) + coin.amount)
      supply.set(coin.denom, (supply.get(coin.denom) ?? 0n) + coin.amount)
    }
  }
  for (const [denom, amount] of supply) bank.setSupply(denom, bank.supply(denom) + amount)
  for (const s of genesis.bank.sendEnabled) bank.setSendEnabled(s.denom, s.enabled)
  for (const json of genesis.bank.denomMetadata) {
    const meta = Metadata.fromJSON(json)
    ctx.store.set(`bank/meta/${meta.base}`, Metadata.encode(meta).finish())
  }
  for (const module of modules) {
    if (module.name === 'auth' || module.name === 'bank') continue
    module.initGenesis?.(ctx, genesis.appState[module.name])
  }
}
