/**
 * The one Market interface: everything edge asks of a compute market, in plain types (bigint
 * money, string addresses, no protobuf Longs). `market/akash/` implements it over chain-sdk and
 * cosmjs for mainnet, sandbox, testnet and `edge dev` alike; unit tests use fakes.
 *
 * Money: `Coin.amount` is an integer of the base denom; `DecAmount.amount` is a per-block price or
 * escrow balance as a LegacyDec scaled by 10^18 (see money.ts).
 */
import type {NetworkContext} from '../config/networks.js'
import type {Attribute, SignedBy} from '../protocol/types.js'
import type {GroupSpecProto} from '../sdl/types.js'

export interface Coin {
  denom: string
  amount: bigint
}

export interface DecAmount {
  denom: string
  /** Base denom × 10^18. */
  amount: bigint
}

export interface DeploymentId {
  owner: string
  dseq: bigint
}

export interface GroupId extends DeploymentId {
  gseq: number
}

export interface OrderId extends GroupId {
  oseq: number
}

export interface BidId extends OrderId {
  provider: string
  bseq: number
}

export type LeaseId = BidId

export type {Attribute, SignedBy}

/** A resource unit as the chain holds it (the group spec or a bid's offer). */
export interface ResourceUnit {
  id: number
  /** CPU in millicores. */
  cpuMillis: bigint
  /** Memory in bytes. */
  memoryBytes: bigint
  storage: Array<{name: string; bytes: bigint; attributes: Attribute[]}>
  gpu: {units: bigint; attributes: Attribute[]}
  endpoints: Array<{kind: 'shared_http' | 'random_port' | 'leased_ip'; sequenceNumber: number}>
  count: number
  /** Per-block price per unit. */
  price: DecAmount
}

export interface GroupSpec {
  name: string
  requirements: {signedBy: SignedBy; attributes: Attribute[]}
  resources: ResourceUnit[]
}

export type DeploymentState = 'active' | 'closed'
export type GroupState = 'open' | 'paused' | 'insufficient_funds' | 'closed'
export type OrderState = 'open' | 'active' | 'closed'
export type BidState = 'open' | 'active' | 'lost' | 'closed'
/** `reclaiming`: the provider started taking its resources back (AEP-82); the lease runs and bills until it is closed. */
export type LeaseState = 'active' | 'reclaiming' | 'insufficient_funds' | 'closed'

/** States in which a lease's workload runs and the tenant pays for it. */
export const LIVE_LEASE_STATES: readonly LeaseState[] = ['active', 'reclaiming']

export function isLeaseLive(lease: {state: LeaseState}): boolean {
  return LIVE_LEASE_STATES.includes(lease.state)
}

export interface EscrowAccount {
  /** `deployment` or `bid`. */
  scope: string
  xid: string
  state: 'open' | 'closed' | 'overdrawn'
  /** What is left to spend, per denom (×10^18). */
  funds: DecAmount[]
  /** Paid out to providers so far (×10^18). */
  transferred: DecAmount[]
  settledAt: number
}

export interface Group {
  id: GroupId
  state: GroupState
  spec: GroupSpec
  createdAt: number
}

/** A tenant's reclamation requirement (AEP-82): the shortest notice it accepts before a provider takes its resources back. */
export interface ReclamationRequirement {
  minWindowSeconds: number
}

export interface Deployment {
  id: DeploymentId
  state: DeploymentState
  /** The manifest version hash stored on chain. */
  hash: Uint8Array
  createdAt: number
  groups: Group[]
  escrow?: EscrowAccount
  /** Present when the tenant allows reclamation; each order carries it too. */
  reclamation?: ReclamationRequirement
}

export interface Order {
  id: OrderId
  state: OrderState
  spec: GroupSpec
  createdAt: number
  /** Present when the order allows reclamation: bids must then offer a window of at least this. */
  reclamation?: ReclamationRequirement
}

export interface Bid {
  id: BidId
  state: BidState
  /** Per-block price. */
  price: DecAmount
  createdAt: number
  resourcesOffer: Array<{resources: ResourceUnit; count: number}>
  escrow?: EscrowAccount
  /** The reclamation window the provider offers (AEP-82), in seconds. */
  reclamationWindowSeconds?: number
}

/** The reasons a provider may give for closing or reclaiming a lease (the chain's 10000–19999 range). */
export type ProviderReason = 'unstable' | 'decommission' | 'unspecified' | 'manifest_timeout'

/** A lease's reclamation record (AEP-82): the window agreed in the winning bid and, once started, when and why. */
export interface LeaseReclamation {
  windowSeconds: number
  /** Height at which the provider started reclaiming; absent until then. */
  startedAt?: number
  /** From then on the provider may close the lease (the chain's deadline, whole seconds). */
  deadline?: Date
  /** The provider's reason (`decommission`, `unstable`, `unspecified`, …). */
  reason?: string
}

export interface Lease {
  id: LeaseId
  state: LeaseState
  /** Per-block price. */
  price: DecAmount
  createdAt: number
  closedOn: number
  /** The close reason's name when closed (`owner`, `insufficient_funds`, `manifest_timeout`, …). */
  reason?: string
  /** Present when the lease was made with a reclamation window; kept after the lease closes. */
  reclamation?: LeaseReclamation
  payment?: {state: string; rate: DecAmount; balance: DecAmount; unsettled: DecAmount; withdrawn: DecAmount}
}

export interface ProviderInfo {
  owner: string
  hostUri: string
  attributes: Attribute[]
  email?: string
  website?: string
}

export interface AuditedAttributes {
  owner: string
  auditor: string
  attributes: Attribute[]
}

export interface Certificate {
  owner: string
  serial: string
  state: 'valid' | 'revoked'
  /** PEM. */
  cert: string
  /** PEM. */
  pubkey: string
}

export interface AccountInfo {
  address: string
  accountNumber: bigint
  sequence: bigint
  /** Compressed secp256k1 public key, present once the account has signed a transaction. */
  pubkey?: Uint8Array
}

export interface BlockInfo {
  height: number
  time: Date
}

export interface TxResult {
  txHash: string
  height: number
  gasUsed: bigint
  gasWanted: bigint
  /** Events of the transaction (type + attributes), for the few results that live only there. */
  events: Array<{type: string; attributes: Array<{key: string; value: string}>}>
}

export interface BmeStatus {
  /** Pending or executed mint/burn records of an owner, newest first. */
  pending: Array<{owner: string; burnDenom: string; burned: bigint; mintDenom: string; expected?: bigint}>
  /** Minimum uact a mint must produce (the chain's `Params.min_mint`); smaller mints are canceled and refunded at the epoch. */
  minMintUact?: bigint
  /** Blocks per BME epoch (mints execute at the next epoch). */
  epochBlocks?: number
}

/**
 * USD per AKT as the chain's oracle prices it. Either `usd` (×10^18), or `unavailable`: why there is
 * none (no oracle price yet, an unhealthy feed, a chain without the oracle, the query failed).
 */
export type AktPrice = {usd: bigint; unavailable?: undefined} | {usd?: undefined; unavailable: string}

export interface OrderFilter {
  state?: OrderState
  owner?: string
  dseq?: bigint
}

export interface BidFilter {
  owner?: string
  dseq?: bigint
  provider?: string
  state?: BidState
}

export interface LeaseFilter {
  owner?: string
  dseq?: bigint
  provider?: string
  state?: LeaseState
}

/** Read-only view of the market. */
export interface MarketQueries {
  readonly network: NetworkContext
  latestBlock(): Promise<BlockInfo>
  /** The chain id the node itself reports (not the configured one): what a signature or receipt is checked against. */
  chainId(): Promise<string>
  account(address: string): Promise<AccountInfo | undefined>
  balances(address: string): Promise<Coin[]>
  deployments(owner: string, state?: DeploymentState): Promise<Deployment[]>
  deployment(id: DeploymentId): Promise<Deployment | undefined>
  orders(filter?: OrderFilter): Promise<Order[]>
  bids(filter: BidFilter): Promise<Bid[]>
  leases(filter: LeaseFilter): Promise<Lease[]>
  lease(id: LeaseId): Promise<Lease | undefined>
  providers(): Promise<ProviderInfo[]>
  provider(owner: string): Promise<ProviderInfo | undefined>
  auditedAttributes(provider: string): Promise<AuditedAttributes[]>
  certificates(owner: string, serial?: string): Promise<Certificate[]>
  /** Minimum deployment deposit per denom. */
  minDeposits(): Promise<Coin[]>
  /** Minimum bid deposit per denom (the market params' `bid_min_deposits`). */
  bidMinDeposits(): Promise<Coin[]>
  bmeStatus(owner?: string): Promise<BmeStatus>
  /** USD per AKT from the chain's oracle (akash.oracle.v2 AggregatedPrice); never throws. */
  aktPrice(): Promise<AktPrice>
  /** The market params' bounds on reclamation windows (AEP-82); undefined where the chain has none. */
  reclamationWindows(): Promise<{minSeconds: number; maxSeconds: number} | undefined>
  /** New blocks as they are committed (polled a quarter of the block time apart). */
  watchBlocks(signal: AbortSignal): AsyncIterable<BlockInfo>
  /** Memos of the transactions `sender` signed that were included in block `height`. */
  txMemos(sender: string, height: number): Promise<string[]>
}

export interface CreateDeploymentInput {
  dseq: bigint
  /**
   * Chain-sdk `GroupSpec` objects as the SDL layer renders them (DecCoin amounts as human decimals,
   * as chain-sdk's codecs take them). Not the plain `GroupSpec` (`plainGroupSpecs`, for matching
   * and pricing): that one has no CPU or memory attributes, which the deployment must carry.
   */
  groups: GroupSpecProto[]
  hash: Uint8Array
  deposit: Coin
  /** Recorded on chain with the transaction (edge puts an idempotency marker here). */
  memo?: string
  /** The reclamation notice the tenant accepts (SDL `reclamation.min_window`), in seconds; unset: none. */
  reclamationWindowSeconds?: number
}

export interface CreateBidInput {
  order: OrderId
  price: DecAmount
  deposit: Coin
  resourcesOffer?: ResourceOfferInput[]
  /** The reclamation window offered (AEP-82), in seconds: required by an order that allows reclamation, at least its minimum. */
  reclamationWindowSeconds?: number
}

/** One entry of `MsgCreateBid.resources_offer`, as chain-sdk's codecs take it. */
export interface ResourceOfferInput {
  resources: GroupSpecProto['resources'][number]['resource']
  count: number
}

/** Transactions, signed by the market's signer. Each resolves once the tx is in a block. */
export interface MarketTransactions {
  readonly address: string
  createDeployment(input: CreateDeploymentInput): Promise<TxResult>
  updateDeployment(dseq: bigint, hash: Uint8Array): Promise<TxResult>
  closeDeployment(dseq: bigint): Promise<TxResult>
  deposit(dseq: bigint, amount: Coin): Promise<TxResult>
  createLease(bid: BidId): Promise<TxResult>
  closeLease(lease: LeaseId): Promise<TxResult>
  createBid(input: CreateBidInput): Promise<TxResult>
  /**
   * Closes a bid; with a lease, closes the lease too. A lease with reclamation closes only this
   * way once reclamation started and its deadline passed (the chain refuses earlier).
   */
  closeBid(bid: BidId, reason?: string): Promise<TxResult>
  /** The provider starts reclaiming a lease made with a reclamation window (`decommission`, `unstable`, …). */
  leaseStartReclaim(lease: LeaseId, reason?: ProviderReason): Promise<TxResult>
  withdrawLease(lease: LeaseId): Promise<TxResult>
  createProvider(input: Omit<ProviderInfo, 'owner'>): Promise<TxResult>
  updateProvider(input: Omit<ProviderInfo, 'owner'>): Promise<TxResult>
  createCertificate(certPem: string, pubkeyPem: string): Promise<TxResult>
  revokeCertificate(serial: string): Promise<TxResult>
  signProviderAttributes(provider: string, attributes: Attribute[]): Promise<TxResult>
  mintAct(uakt: bigint): Promise<TxResult>
  burnAct(uact: bigint): Promise<TxResult>
  /**
   * The same signer as a pipelined batch sender, for a provider's many messages a block: the caller
   * picks sequences and packs messages; the fee and gas policy is the market's own.
   */
  batchBroadcaster(): Promise<Broadcaster>
}

/** The messages a batch broadcaster signs (a running provider's transactions), as plain data. */
export type BatchMsg =
  | {type: 'createBid'; order: OrderId; price: DecAmount; deposit: Coin; resourcesOffer: ResourceOfferInput[]; reclamationWindowSeconds?: number}
  | {type: 'closeBid'; bid: BidId; reason: string}
  /** AEP-82: start taking a lease's resources back; `reason` is a provider close reason's name. */
  | {type: 'leaseStartReclaim'; lease: LeaseId; reason: string}
  | {type: 'withdrawLease'; lease: LeaseId}
  | {type: 'createProvider' | 'updateProvider'; hostUri: string; attributes: Attribute[]; email?: string; website?: string}
  | {type: 'createCertificate'; certPem: string; pubkeyPem: string}

export interface SignerSequence {
  accountNumber: number
  sequence: number
}

/**
 * Signs and submits batches of messages without waiting for each to land, so one account can have
 * several transactions in flight (consecutive sequences). The caller orders them.
 */
export interface Broadcaster {
  readonly address: string
  /** Account number and next sequence as committed on chain. */
  sequence(): Promise<SignerSequence>
  /** The gas limit the market's fee policy asks for these messages (simulation with its margin); rejects when a message fails. */
  simulate(msgs: BatchMsg[], signer: SignerSequence): Promise<number>
  /** Signs with `signer`, pays the network's gas price for `gasLimit`, and submits (CheckTx); resolves with the hash or rejects. */
  broadcast(msgs: BatchMsg[], gasLimit: number, signer: SignerSequence): Promise<string>
  /** Resolves once the transaction is in a block. */
  waitFor(hash: string, timeoutMs: number): Promise<{height: number; code: number; log: string}>
}

export interface Market extends MarketQueries {
  /** Transactions need a signer; `withSigner` returns a market that has one. */
  tx?: MarketTransactions
  close(): Promise<void>
}
