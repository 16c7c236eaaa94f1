/**
 * The contract between the devnet core (store, transactions, blocks, servers, auth, bank) and the
 * Akash modules (deployment, market, escrow, provider, cert, audit, bme). Modules are plain objects
 * that register message routes, query routes and block hooks; the core owns everything else.
 *
 * Wire facts: messages and queries use the real protobuf types from
 * `@akashnetwork/chain-sdk/private-types/*` (ts-proto codecs). uint64 and int64 fields are `bigint`.
 * `DecCoin.amount` on the wire is a LegacyDec: an integer string scaled by 10^18. BUT chain-sdk's
 * codecs (private types included) are patched: after `decode`, and before `encode`, a DecCoin amount
 * (and escrow `Balance.amount`, bme LegacyDec fields) is a HUMAN decimal string such as "1.5"
 * (verified: encode({amount:'1.5'}) puts "1500000000000000000" on the wire; decode gives "1.5" back).
 * So code that holds decoded messages works with decimal strings; convert with exact decimal math.
 */
/** A ts-proto message codec, as chain-sdk's private types export them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default lets one registry hold codecs of every message type
export interface ProtoCodec<T = any> {
  readonly $type: string
  encode(message: T): {finish(): Uint8Array}
  decode(input: Uint8Array): T
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ts-proto takes a DeepPartial of T, which chain-sdk does not export
  fromPartial(object: any): T
  toJSON(message: T): unknown
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- proto3 JSON of any shape; the codec validates it
  fromJSON(object: any): T
}

/**
 * A transaction or query failure with the codespace and code the real chain returns
 * (e.g. `sdk`/5 insufficient funds, `deployment`/N …). Thrown by handlers; the core turns it
 * into a DeliverTx result and rolls back every write the transaction made.
 */
export class TxError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'TxError'
  }
}

/**
 * Ordered key-value state. Keys are strings (use fixed-width numbers so that order is numeric:
 * `padUint(n)`), values are bytes (usually a protobuf encoding). Inside a transaction every
 * write lands in an overlay that is discarded if the transaction fails. Reads and writes are
 * gas-metered by the core as the Cosmos SDK meters its KV store.
 */
export interface Store {
  get(key: string): Uint8Array | undefined
  has(key: string): boolean
  set(key: string, value: Uint8Array): void
  delete(key: string): void
  /**
   * Entries whose key starts with `prefix`, in key order (descending with `reverse`). `start` is the
   * first key to return (inclusive; with `reverse`, the greatest key to return).
   */
  iterate(prefix: string, options?: {reverse?: boolean; start?: string}): IterableIterator<[string, Uint8Array]>
}

export interface Coin {
  denom: string
  /** Integer amount in the base denom (uakt, uact). */
  amount: bigint
}

/** Balances in `uakt` and `uact` (and any other denom genesis creates). */
export interface Bank {
  balance(address: string, denom: string): bigint
  /** What `address` can spend of `denom` (the SDK's `SpendableCoin`: its balance less locked coins). */
  spendable(address: string, denom: string): bigint
  balances(address: string): Coin[]
  /** Moves coins; throws TxError('sdk', 5) when `from` cannot pay. Emits coin_spent/coin_received/transfer. */
  send(from: string, to: string, coins: Coin[]): void
  /** The bech32 address of a module account (escrow, bme, fee_collector, …). */
  moduleAddress(moduleName: string): string
  /** Creates coins in a module account. Emits coinbase/coin_received. */
  mint(moduleName: string, coins: Coin[]): void
  /** Destroys coins held by a module account. Emits burn/coin_spent. */
  burn(moduleName: string, coins: Coin[]): void
  /** Whether MsgSend may move this denom (false for uact). */
  isSendEnabled(denom: string): boolean
}

export interface AccountInfo {
  address: string
  accountNumber: bigint
  sequence: bigint
  /** Compressed secp256k1 public key, recorded on the account's first signed transaction. */
  pubKey?: Uint8Array
}

export interface Accounts {
  get(address: string): AccountInfo | undefined
  /** Creates the account (next account number) if it does not exist yet. */
  ensure(address: string): AccountInfo
}

export interface EventAttribute {
  key: string
  value: string
  index?: boolean
}

export interface AbciEvent {
  type: string
  attributes: EventAttribute[]
}

export interface Events {
  emit(type: string, attributes: Record<string, string>): void
  /**
   * A typed event as the Cosmos SDK emits it (`EmitTypedEvent`): type = the message's full proto
   * name, one attribute per top-level field, key = proto field name (snake_case), value = its
   * proto-JSON encoding.
   */
  emitTyped<T>(codec: ProtoCodec<T>, message: T): void
}

export interface GasMeter {
  consume(amount: number, descriptor: string): void
  consumed(): number
}

/** What a message handler, block hook or query sees. */
export interface Context {
  readonly chainId: string
  readonly height: number
  readonly time: Date
  readonly store: Store
  readonly bank: Bank
  readonly accounts: Accounts
  readonly events: Events
  readonly gas: GasMeter
  /** Another module's keeper, by module name, for cross-module calls (deployment → market → escrow). */
  keeper<K>(moduleName: string): K
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default lets one table hold every module's routes
export interface MsgRoute<T = any> {
  codec: ProtoCodec<T>
  /** Addresses that must sign (the first signer pays fees when no payer is set). */
  signers(message: T): string[]
  /** Stateless checks (`ValidateBasic`); throws TxError. */
  validateBasic?(message: T): void
  /** Executes the message; returns the encoded `Msg…Response`. */
  handle(ctx: Context, message: T): Uint8Array
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the defaults let one table hold every module's queries
export interface QueryRoute<Req = any, Res = any> {
  /** gRPC method path, e.g. `/akash.market.v1beta5.Query/Bids`; also the `abci_query` path. */
  path: string
  /**
   * grpc-gateway GET path, e.g. `/akash/market/v1beta5/bids/list` or
   * `/akash/provider/v1beta4/providers/{owner}`. Request fields come from path params and the
   * query string (`filters.owner=…`, `pagination.limit=…`).
   */
  http?: string
  request: ProtoCodec<Req>
  response: ProtoCodec<Res>
  handle(ctx: Context, request: Req): Res
  /**
   * The response already encoded, for gRPC and `abci_query` (a list assembled from stored message
   * bytes, not decoded and re-encoded); `handle` still serves the REST gateway.
   */
  encoded?(ctx: Context, request: Req): Uint8Array
}

export interface Module {
  name: string
  msgs: MsgRoute[]
  queries: QueryRoute[]
  /** Receives this module's section of the dev genesis (see DevGenesis). */
  initGenesis?(ctx: Context, state: unknown): void
  beginBlock?(ctx: Context): void
  endBlock?(ctx: Context): void
  /** The object other modules get from `ctx.keeper(name)`. */
  keeper?: unknown
}

/** Cosmos pagination, as `cosmos.base.query.v1beta1.PageRequest` carries it. */
export interface PageRequest {
  key?: Uint8Array
  offset?: bigint | number
  limit?: bigint | number
  countTotal?: boolean
  reverse?: boolean
}

export interface PageResponse {
  nextKey: Uint8Array
  total: bigint | number
}
