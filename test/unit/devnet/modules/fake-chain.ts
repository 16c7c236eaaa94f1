/**
 * A small in-memory stand-in for the devnet core, enough to drive the Akash modules in unit
 * tests: an ordered Map store, a bank with module accounts and supply, typed events, and a
 * transaction runner that validates, executes and rolls back a failed message, as the core does.
 */
import {sha256} from '@noble/hashes/sha256'
import {toBech32} from '@cosmjs/encoding'

import {akashModules, defaultAkashGenesis, type AkashGenesis, type AkashGenesisOptions} from '../../../../src/devnet/modules/index.js'
import {
  type AbciEvent,
  type AccountInfo,
  type Accounts,
  type Bank,
  type Coin,
  type Context,
  type Events,
  type GasMeter,
  type Module,
  type ProtoCodec,
  type Store,
  TxError,
} from '../../../../src/devnet/types.js'

export function address(seed: string | number): string {
  return toBech32('akash', sha256(new TextEncoder().encode(`test-account-${seed}`)).slice(0, 20))
}

export function moduleAddress(name: string): string {
  return toBech32('akash', sha256(new TextEncoder().encode(name)).slice(0, 20))
}

export class MemStore implements Store {
  data = new Map<string, Uint8Array>()
  private sorted: string[] | undefined

  get(key: string) {
    return this.data.get(key)
  }
  has(key: string) {
    return this.data.has(key)
  }
  set(key: string, value: Uint8Array) {
    if (!this.data.has(key)) this.sorted = undefined
    this.data.set(key, value)
  }
  delete(key: string) {
    if (this.data.delete(key)) this.sorted = undefined
  }
  *iterate(prefix: string, options: {reverse?: boolean; start?: string} = {}): IterableIterator<[string, Uint8Array]> {
    this.sorted ??= [...this.data.keys()].sort()
    let keys = this.sorted.filter((k) => k.startsWith(prefix))
    if (options.reverse) {
      keys = keys.reverse()
      if (options.start !== undefined) keys = keys.filter((k) => k <= options.start!)
    } else if (options.start !== undefined) {
      keys = keys.filter((k) => k >= options.start!)
    }
    for (const key of keys) {
      const value = this.data.get(key)
      if (value !== undefined) yield [key, value]
    }
  }
  snapshot(): Map<string, Uint8Array> {
    return new Map(this.data)
  }
  restore(snapshot: Map<string, Uint8Array>) {
    this.data = snapshot
    this.sorted = undefined
  }
}

export class FakeBank implements Bank {
  balancesByAddress = new Map<string, Map<string, bigint>>()
  supplyByDenom = new Map<string, bigint>()
  events!: FakeEvents

  balance(addr: string, denom: string): bigint {
    return this.balancesByAddress.get(addr)?.get(denom) ?? 0n
  }
  spendable(addr: string, denom: string): bigint {
    return this.balance(addr, denom)
  }
  balances(addr: string): Coin[] {
    return [...(this.balancesByAddress.get(addr) ?? new Map<string, bigint>())]
      .filter(([, amount]) => amount !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([denom, amount]) => ({denom, amount}))
  }
  private add(addr: string, denom: string, delta: bigint) {
    const map = this.balancesByAddress.get(addr) ?? new Map<string, bigint>()
    map.set(denom, (map.get(denom) ?? 0n) + delta)
    this.balancesByAddress.set(addr, map)
  }
  send(from: string, to: string, coins: Coin[]): void {
    for (const c of coins) {
      if (c.amount < 0n) throw new Error(`negative send ${c.amount}`)
      if (this.balance(from, c.denom) < c.amount) {
        throw new TxError('sdk', 5, `spendable balance ${this.balance(from, c.denom)}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`)
      }
    }
    for (const c of coins) {
      this.add(from, c.denom, -c.amount)
      this.add(to, c.denom, c.amount)
    }
    this.events.emit('transfer', {recipient: to, sender: from, amount: coins.map((c) => `${c.amount}${c.denom}`).join(',')})
  }
  moduleAddress(name: string): string {
    return moduleAddress(name)
  }
  mint(name: string, coins: Coin[]): void {
    for (const c of coins) {
      this.add(moduleAddress(name), c.denom, c.amount)
      this.supplyByDenom.set(c.denom, (this.supplyByDenom.get(c.denom) ?? 0n) + c.amount)
    }
    this.events.emit('coinbase', {minter: moduleAddress(name), amount: coins.map((c) => `${c.amount}${c.denom}`).join(',')})
  }
  burn(name: string, coins: Coin[]): void {
    for (const c of coins) {
      if (this.balance(moduleAddress(name), c.denom) < c.amount) throw new TxError('sdk', 5, 'insufficient funds to burn')
    }
    for (const c of coins) {
      this.add(moduleAddress(name), c.denom, -c.amount)
      this.supplyByDenom.set(c.denom, (this.supplyByDenom.get(c.denom) ?? 0n) - c.amount)
    }
    this.events.emit('burn', {burner: moduleAddress(name), amount: coins.map((c) => `${c.amount}${c.denom}`).join(',')})
  }
  isSendEnabled(denom: string): boolean {
    return denom !== 'uact'
  }
  /** What the modules ask for when the core offers it (see bme keeper `supplyOf`). */
  supply(denom: string): bigint {
    return this.supplyByDenom.get(denom) ?? 0n
  }
  /** Test funding: creates coins out of nothing, as genesis does. */
  fund(addr: string, denom: string, amount: bigint) {
    this.add(addr, denom, amount)
    this.supplyByDenom.set(denom, (this.supplyByDenom.get(denom) ?? 0n) + amount)
  }
  snapshot() {
    return {
      balances: new Map([...this.balancesByAddress].map(([a, m]) => [a, new Map(m)])),
      supply: new Map(this.supplyByDenom),
    }
  }
  restore(s: ReturnType<FakeBank['snapshot']>) {
    this.balancesByAddress = s.balances
    this.supplyByDenom = s.supply
  }
}

export class FakeEvents implements Events {
  list: AbciEvent[] = []
  emit(type: string, attributes: Record<string, string>): void {
    this.list.push({type, attributes: Object.entries(attributes).map(([key, value]) => ({key, value}))})
  }
  emitTyped<T>(codec: ProtoCodec<T>, message: T): void {
    const json = codec.toJSON(message) as Record<string, unknown>
    this.list.push({
      type: codec.$type,
      attributes: Object.entries(json).map(([key, value]) => ({key, value: JSON.stringify(value)})),
    })
  }
  types(): string[] {
    return this.list.map((e) => e.type)
  }
}

class FakeAccounts implements Accounts {
  map = new Map<string, AccountInfo>()
  get(addr: string) {
    return this.map.get(addr)
  }
  ensure(addr: string) {
    let info = this.map.get(addr)
    if (!info) {
      info = {address: addr, accountNumber: BigInt(this.map.size), sequence: 0n}
      this.map.set(addr, info)
    }
    return info
  }
}

class FakeGas implements GasMeter {
  used = 0
  consume(amount: number) {
    this.used += amount
  }
  consumed() {
    return this.used
  }
}

export interface TxResult {
  code: number
  codespace: string
  log: string
  events: AbciEvent[]
  data?: Uint8Array
}

export class FakeChain {
  readonly store = new MemStore()
  readonly bank = new FakeBank()
  readonly events = new FakeEvents()
  readonly accounts = new FakeAccounts()
  readonly modules: Module[]
  height = 1
  time = new Date('2026-01-01T00:00:00Z')

  constructor(
    opts: {genesis?: AkashGenesis; genesisOptions?: AkashGenesisOptions; funds?: Record<string, Record<string, bigint>>} = {},
  ) {
    this.bank.events = this.events
    this.modules = akashModules()
    for (const [addr, coins] of Object.entries(opts.funds ?? {})) {
      for (const [denom, amount] of Object.entries(coins)) this.bank.fund(addr, denom, amount)
    }
    const genesis = opts.genesis ?? defaultAkashGenesis(opts.genesisOptions)
    const ctx = this.context()
    for (const m of this.modules) m.initGenesis?.(ctx, genesis[m.name as keyof AkashGenesis])
    this.events.list = []
  }

  context(): Context {
    const byName = new Map(this.modules.map((m) => [m.name, m]))
    return {
      chainId: 'edge-dev',
      height: this.height,
      time: this.time,
      store: this.store,
      bank: this.bank,
      accounts: this.accounts,
      events: this.events,
      gas: new FakeGas(),
      keeper<K>(name: string): K {
        const m = byName.get(name)
        if (!m) throw new Error(`no module ${name}`)
        return m.keeper as K
      },
    }
  }

  route(typeUrl: string) {
    for (const m of this.modules) for (const r of m.msgs) if (`/${r.codec.$type}` === typeUrl) return r
    throw new Error(`no route for ${typeUrl}`)
  }

  /** Runs one message as a one-message transaction; a failure changes nothing. */
  deliver<T>(codec: ProtoCodec<T>, partial: unknown, signer?: string): TxResult {
    const route = this.route(`/${codec.$type}`)
    // Round-trip through the wire form, as a real transaction arrives.
    const msg = codec.decode(codec.encode(codec.fromPartial(partial)).finish())
    const storeSnap = this.store.snapshot()
    const bankSnap = this.bank.snapshot()
    const eventsBefore = this.events.list.length
    try {
      const signers = route.signers(msg)
      if (signer !== undefined && !signers.includes(signer)) {
        throw new TxError('sdk', 8, `pubKey does not match signer address ${signers[0]}`)
      }
      route.validateBasic?.(msg)
      const data = route.handle(this.context(), msg)
      return {code: 0, codespace: '', log: '', events: this.events.list.slice(eventsBefore), data}
    } catch (err) {
      this.store.restore(storeSnap)
      this.bank.restore(bankSnap)
      this.events.list.length = eventsBefore
      if (err instanceof TxError) return {code: err.code, codespace: err.codespace, log: err.message, events: []}
      throw err
    }
  }

  /** Ends the current block (end blockers) and begins the next one. */
  commit(blocks = 1): void {
    for (let i = 0; i < blocks; i++) {
      const ctx = this.context()
      for (const m of this.modules) m.endBlock?.(ctx)
      this.height++
      this.time = new Date(this.time.getTime() + 1000)
      const next = this.context()
      for (const m of this.modules) m.beginBlock?.(next)
    }
  }

  /**
   * Jumps ahead without running block hooks. Escrow settles lazily, so for money this is the
   * same as committing the blocks one by one (bme's epochs are not advanced).
   */
  skipTo(height: number): void {
    this.time = new Date(this.time.getTime() + 1000 * (height - this.height))
    this.height = height
  }

  query<Req, Res>(path: string, request: unknown): Res {
    for (const m of this.modules) {
      for (const q of m.queries) {
        if (q.path === path) {
          const req = q.request.decode(q.request.encode(q.request.fromPartial(request)).finish()) as Req
          const res = q.handle(this.context(), req)
          return q.response.decode(q.response.encode(res).finish()) as Res
        }
      }
    }
    throw new Error(`no query ${path}`)
  }

  /** Sum of every balance of a denom, module accounts included. */
  total(denom: string): bigint {
    let sum = 0n
    for (const map of this.bank.balancesByAddress.values()) sum += map.get(denom) ?? 0n
    return sum
  }

  balance(addr: string, denom: string): bigint {
    return this.bank.balance(addr, denom)
  }
}
