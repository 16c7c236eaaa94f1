import {moduleAddress} from '../../core/address.js'
import {formatCoins, normalizeCoins} from '../../core/coins.js'
import {sdkError, SdkCode} from '../../core/errors.js'
import {nodeAccess} from '../../core/gas.js'
import type {Bank, Coin, Events, Store} from '../../types.js'
import {TxError} from '../../types.js'
import {AccountKeeper} from '../auth/keeper.js'

/** State keys of the bank module. Amounts are decimal strings. */
export const BankKeys = {
  balance: (address: string, denom: string) => `bank/bal/${address}/${denom}`,
  balancesOf: (address: string) => `bank/bal/${address}/`,
  balancePrefix: 'bank/bal/',
  supply: (denom: string) => `bank/supply/${denom}`,
  supplyPrefix: 'bank/supply/',
  sendEnabled: (denom: string) => `bank/send/${denom}`,
  sendEnabledPrefix: 'bank/send/',
  metadata: (denom: string) => `bank/meta/${denom}`,
  metadataPrefix: 'bank/meta/',
} as const

const enc = new TextEncoder()
const dec = new TextDecoder()

export function decodeAmount(raw: Uint8Array | undefined): bigint {
  return raw ? BigInt(dec.decode(raw)) : 0n
}

/** The bank module's error: codespace `bank`, code 5 "send transactions are disabled". */
export function sendDisabledError(denom: string): TxError {
  return new TxError('bank', 5, `${denom} transfers are currently disabled: send transactions are disabled`)
}

/**
 * Balances and supply over a state store, emitting the events the SDK's bank keeper emits
 * (coin_spent, coin_received, transfer, message{sender}, coinbase, burn).
 */
export class BankKeeper implements Bank {
  private readonly accounts: AccountKeeper

  constructor(
    private readonly store: Store,
    private readonly events: Events,
  ) {
    this.accounts = new AccountKeeper(store)
  }

  balance(address: string, denom: string): bigint {
    return decodeAmount(this.store.get(BankKeys.balance(address, denom)))
  }

  /** `SpendableCoin`: the balance, less what a vesting account locks (it reads the account; edge dev locks nothing). */
  spendable(address: string, denom: string): bigint {
    const balance = this.balance(address, denom)
    this.accounts.get(address)
    return balance
  }

  balances(address: string): Coin[] {
    const prefix = BankKeys.balancesOf(address)
    const out: Coin[] = []
    for (const [key, value] of this.store.iterate(prefix)) {
      const amount = decodeAmount(value)
      if (amount > 0n) out.push({denom: key.slice(prefix.length), amount})
    }
    return out
  }

  supply(denom: string): bigint {
    return decodeAmount(this.store.get(BankKeys.supply(denom)))
  }

  /**
   * The SDK's `SendCoins`, access for access (gas): the sender's account (locked coins), then per
   * coin its balance and the new one, the recipient's, and whether the recipient account exists.
   * A module recipient is reached through `SendCoinsFromAccountToModule` / `…ModuleToModule`,
   * which read the module account first.
   */
  send(from: string, to: string, coins: Coin[]): void {
    const amount = normalizeCoins(coins)
    if (amount.length === 0) return
    if (this.accounts.isModuleAccount(to)) this.accounts.get(to)
    this.subtract(from, amount)
    this.add(to, amount)
    // As the SDK does: the recipient account exists after it receives coins.
    if (!this.accounts.has(to)) this.accounts.create(to)
    this.events.emit('transfer', {recipient: to, sender: from, amount: formatCoins(amount)})
    this.events.emit('message', {sender: from})
  }

  moduleAddress(moduleName: string): string {
    return moduleAddress(moduleName)
  }

  mint(moduleName: string, coins: Coin[]): void {
    const amount = normalizeCoins(coins)
    if (amount.length === 0) return
    const address = this.accounts.ensureModule(moduleName).address
    this.add(address, amount)
    for (const c of amount) this.setSupply(c.denom, this.supply(c.denom) + c.amount)
    this.events.emit('coinbase', {minter: address, amount: formatCoins(amount)})
  }

  burn(moduleName: string, coins: Coin[]): void {
    const amount = normalizeCoins(coins)
    if (amount.length === 0) return
    const address = this.accounts.ensureModule(moduleName).address
    this.subtract(address, amount)
    for (const c of amount) this.setSupply(c.denom, this.supply(c.denom) - c.amount)
    this.events.emit('burn', {burner: address, amount: formatCoins(amount)})
  }

  /** A denom's send-enabled entry, else the default (true); as the SDK, a Has then a Get. */
  isSendEnabled(denom: string): boolean {
    const key = BankKeys.sendEnabled(denom)
    if (!this.store.has(key)) return true
    return dec.decode(this.store.get(key)) === 'true'
  }

  setSendEnabled(denom: string, enabled: boolean): void {
    this.store.set(BankKeys.sendEnabled(denom), enc.encode(String(enabled)))
  }

  /**
   * Sets a balance directly (no supply change, no events). The node's balances carry a
   * denom → address index (`0x03 | denom | 0x00 | len | address`, empty value) written and
   * removed with each balance; edge dev charges that entry without keeping it.
   */
  setBalance(address: string, denom: string, amount: bigint): void {
    const index = nodeAccess(this.store)
    if (amount === 0n) {
      index?.delete()
      this.store.delete(BankKeys.balance(address, denom))
    } else {
      index?.write(1 + denom.length + 1 + 21, 0)
      this.store.set(BankKeys.balance(address, denom), enc.encode(amount.toString()))
    }
  }

  setSupply(denom: string, amount: bigint): void {
    if (amount === 0n) this.store.delete(BankKeys.supply(denom))
    else this.store.set(BankKeys.supply(denom), enc.encode(amount.toString()))
  }

  private subtract(address: string, amount: Coin[]): void {
    // `LockedCoins` reads the account (a vesting account locks some); edge dev has none locked.
    this.accounts.get(address)
    const balances = amount.map((c) => this.balance(address, c.denom))
    amount.forEach((c, i) => {
      if (balances[i] < c.amount) {
        const spendable = balances[i] > 0n ? `${balances[i]}${c.denom}` : ''
        throw sdkError(SdkCode.insufficientFunds, `spendable balance ${spendable} is smaller than ${c.amount}${c.denom}`)
      }
    })
    amount.forEach((c, i) => this.setBalance(address, c.denom, balances[i] - c.amount))
    this.events.emit('coin_spent', {spender: address, amount: formatCoins(amount)})
  }

  private add(address: string, amount: Coin[]): void {
    for (const c of amount) this.setBalance(address, c.denom, this.balance(address, c.denom) + c.amount)
    this.events.emit('coin_received', {receiver: address, amount: formatCoins(amount)})
  }
}
