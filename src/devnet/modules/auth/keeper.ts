import {PubKey} from '@akashnetwork/chain-sdk/private-types/cosmos.secp256k1'
import {BaseAccount, ModuleAccount} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {Any} from 'cosmjs-types/google/protobuf/any'

import {moduleAddress} from '../../core/address.js'
import {nodeAccess, unmetered} from '../../core/gas.js'
import {nodeKeyBytes} from '../../core/node-keys.js'
import {padUint} from '../../paginate.js'
import type {AccountInfo, Accounts, Store} from '../../types.js'

export const BASE_ACCOUNT_URL = '/cosmos.auth.v1beta1.BaseAccount'
export const MODULE_ACCOUNT_URL = '/cosmos.auth.v1beta1.ModuleAccount'
export const SECP256K1_PUBKEY_URL = '/cosmos.crypto.secp256k1.PubKey'

/** State keys of the auth module. */
export const AuthKeys = {
  account: (address: string) => `auth/acc/${address}`,
  accountPrefix: 'auth/acc/',
  byNumber: (n: bigint) => `auth/num/${padUint(n)}`,
  nextNumber: 'auth/next_account_number',
} as const

export interface StoredAccount extends AccountInfo {
  /** Set for module accounts. */
  moduleName?: string
  permissions?: string[]
}

/**
 * Accounts over a state store: BaseAccount / ModuleAccount kept as the `google.protobuf.Any`
 * the Account query returns, so that what cosmjs decodes is exactly what is stored.
 */
export class AccountKeeper implements Accounts {
  constructor(private readonly store: Store) {}

  get(address: string): StoredAccount | undefined {
    const raw = this.store.get(AuthKeys.account(address))
    return raw ? decodeStored(raw) : undefined
  }

  /** The stored Any (for the Account query). */
  getAny(address: string): Any | undefined {
    const raw = this.store.get(AuthKeys.account(address))
    return raw ? Any.decode(raw) : undefined
  }

  /** Whether the account exists (the node's `HasAccount`: a Has, cheaper than a read). */
  has(address: string): boolean {
    return this.store.has(AuthKeys.account(address))
  }

  ensure(address: string): StoredAccount {
    const existing = this.get(address)
    return existing ?? this.create(address)
  }

  /** A new account with the next account number (`NewAccountWithAddress` + `SetAccount`). */
  create(address: string): StoredAccount {
    const account: StoredAccount = {address, accountNumber: this.nextAccountNumber(), sequence: 0n}
    this.set(account)
    return account
  }

  /** Creates (or returns) the module account of `name`. */
  ensureModule(name: string, permissions: string[] = []): StoredAccount {
    const address = moduleAddress(name)
    const existing = this.get(address)
    if (existing?.moduleName) return existing
    const account: StoredAccount = {
      address,
      accountNumber: existing?.accountNumber ?? this.nextAccountNumber(),
      sequence: existing?.sequence ?? 0n,
      moduleName: name,
      permissions,
    }
    this.set(account)
    return account
  }

  /** Whether `address` is a module account; the node knows them from its app config, so no gas. */
  isModuleAccount(address: string): boolean {
    const raw = unmetered(this.store).get(AuthKeys.account(address))
    return raw ? decodeStored(raw).moduleName !== undefined : false
  }

  /**
   * Saves the account and its account-number index entry. The node's accounts are an IndexedMap
   * with a unique account-number index: a set first reads the stored account, removes its index
   * entry if there was one and checks the new one is free; edge dev charges those accesses too.
   */
  set(account: StoredAccount): void {
    const key = AuthKeys.account(account.address)
    const node = nodeAccess(this.store)
    if (node) {
      const old = unmetered(this.store).get(key)
      node.read(nodeKeyBytes(key), old?.length ?? 0)
      if (old) node.delete()
      node.has()
    }
    this.store.set(AuthKeys.byNumber(account.accountNumber), new TextEncoder().encode(account.address))
    this.store.set(key, Any.encode(encodeAccount(account)).finish())
  }

  private nextAccountNumber(): bigint {
    const raw = this.store.get(AuthKeys.nextNumber)
    const next = raw ? BigInt(new TextDecoder().decode(raw)) : 0n
    this.store.set(AuthKeys.nextNumber, new TextEncoder().encode((next + 1n).toString()))
    return next
  }
}

/**
 * Decoded accounts by their stored bytes: the ante handler reads the signer's account several
 * times per transaction (as the node does, for gas), and a store hands back the same bytes
 * object until the account is written again. Callers never mutate what `get` returns.
 */
const decoded = new WeakMap<Uint8Array, StoredAccount>()

function decodeStored(raw: Uint8Array): StoredAccount {
  let account = decoded.get(raw)
  if (!account) {
    account = decodeAccount(Any.decode(raw))
    decoded.set(raw, account)
  }
  return account
}

export function encodeAccount(account: StoredAccount): Any {
  const base = BaseAccount.fromPartial({
    address: account.address,
    pubKey: account.pubKey
      ? {typeUrl: SECP256K1_PUBKEY_URL, value: PubKey.encode(PubKey.fromPartial({key: account.pubKey})).finish()}
      : undefined,
    accountNumber: BigInt(account.accountNumber),
    sequence: BigInt(account.sequence),
  })
  if (account.moduleName !== undefined) {
    const value = ModuleAccount.encode(
      ModuleAccount.fromPartial({baseAccount: base, name: account.moduleName, permissions: account.permissions ?? []}),
    ).finish()
    return Any.fromPartial({typeUrl: MODULE_ACCOUNT_URL, value})
  }
  return Any.fromPartial({typeUrl: BASE_ACCOUNT_URL, value: BaseAccount.encode(base).finish()})
}

export function decodeAccount(any: Any): StoredAccount {
  if (any.typeUrl === MODULE_ACCOUNT_URL) {
    const m = ModuleAccount.decode(any.value)
    return {...fromBase(m.baseAccount ?? BaseAccount.fromPartial({})), moduleName: m.name, permissions: m.permissions}
  }
  return fromBase(BaseAccount.decode(any.value))
}

function fromBase(base: BaseAccount): StoredAccount {
  return {
    address: base.address,
    accountNumber: BigInt(base.accountNumber.toString()),
    sequence: BigInt(base.sequence.toString()),
    pubKey: base.pubKey?.typeUrl === SECP256K1_PUBKEY_URL ? PubKey.decode(base.pubKey.value).key : undefined,
  }
}
