import type {Context, Events, GasMeter, Store} from '../types.js'
import {AccountKeeper} from '../modules/auth/keeper.js'
import {BankKeeper} from '../modules/bank/keeper.js'

export interface ContextScope {
  chainId: string
  height: number
  time: Date
  store: Store
  events: Events
  gas: GasMeter
  /** Module keepers by module name. */
  keepers: ReadonlyMap<string, unknown>
}

/** The context a handler, hook or query runs in; auth and bank views are bound to its store and events. */
export class ExecContext implements Context {
  readonly chainId: string
  readonly height: number
  readonly time: Date
  readonly store: Store
  readonly events: Events
  readonly gas: GasMeter
  readonly accounts: AccountKeeper
  readonly bank: BankKeeper
  private readonly keepers: ReadonlyMap<string, unknown>

  constructor(scope: ContextScope) {
    this.chainId = scope.chainId
    this.height = scope.height
    this.time = scope.time
    this.store = scope.store
    this.events = scope.events
    this.gas = scope.gas
    this.keepers = scope.keepers
    this.accounts = new AccountKeeper(scope.store)
    this.bank = new BankKeeper(scope.store, scope.events)
  }

  keeper<K>(moduleName: string): K {
    if (moduleName === 'bank') return this.bank as K
    if (moduleName === 'auth') return this.accounts as K
    if (!this.keepers.has(moduleName)) throw new Error(`no keeper registered for module "${moduleName}"`)
    return this.keepers.get(moduleName) as K
  }
}
