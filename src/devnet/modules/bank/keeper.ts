import {moduleAddress} from '../../core/address.js'
import {formatCoins, normalizeCoins} from '../../core/coins.js'
import {sdkError, SdkCode} from '../../core/errors.js'
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

  send(from: string, to: string, coins: Coin[]): void {
    const amount = normalizeCoins(coins)
    if (amount.length === 0) return
    this.subtract(from, amount)
    this.add(to, amount)
    // As the SDK does: the recipient account exists after it receives coins.
    this.accounts.ensure(to)
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

  isSendEnabled(denom: string): boolean {
    const raw = this.store.get(BankKeys.sendEnabled(denom))
    return raw === undefined ? true : dec.decode(raw) === 'true'
  }

  setSendEnabled(denom: string, enabled: boolean): void {
    this.store.set(BankKeys.sendEnabled(denom), enc.encode(String(enabled)))
  }

  /** Sets a balance directly (genesis only: no supply change, no events). */
  setBalance(address: string, denom: string, amount: bigint): void {
    if (amount === 0n) this.store.delete(BankKeys.balance(address, denom))
    else this.store.set(BankKeys.balance(address, denom), enc.encode(amount.toString()))
  }

  setSupply(denom: string, amount: bigint): void {
    if (amount === 0n) this.store.delete(BankKeys.supply(denom))
    else this.store.set(BankKeys.supply(denom), enc.encode(amount.toString()))
  }

  private subtract(address: string, amount: Coin[]): void {
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
