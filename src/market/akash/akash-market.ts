import type {ChainNodeSDK, QueryInput} from '@akashnetwork/chain-sdk'
import type {PageRequest} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

import type {NetworkContext} from '../../config/networks.js'
import type {
  AccountInfo,
  AuditedAttributes,
  BidFilter,
  AktPrice,
  BlockInfo,
  BmeStatus,
  Certificate,
  Coin,
  Deployment,
  DeploymentId,
  DeploymentState,
  Lease,
  LeaseFilter,
  LeaseId,
  Market,
  MarketTransactions,
  Order,
  OrderFilter,
  ProviderInfo,
} from '../market.js'
import {parseDecHuman} from '../../sdl/dec.js'
import {pollBlocks} from '../poll-blocks.js'
import {type ChainSdk, loadChainSdk} from './chain-sdk.js'
import * as convert from './convert.js'
import {chainError} from './errors.js'
import {GAS_MULTIPLIER} from './fees.js'
import {type CometStatus, cometRpc} from './rpc.js'
import {AkashTransactions} from './transactions.js'

/** chain-sdk's Node client (`createChainNodeSDK`); only its types are imported here, never its code. */
export type Sdk = ChainNodeSDK
type PageInput = QueryInput<PageRequest>
/** chain-sdk's signing client (`createStargateClient`): cosmjs with every Akash message type registered. */
export type SigningClient = ReturnType<ChainSdk['createStargateClient']>

export interface AkashMarketOptions {
  /** BIP-39 mnemonic of the signing key; without it the market is read-only. */
  mnemonic?: string
  /** Bound on every query, so an unreachable endpoint fails fast (exit 6), not after minutes. */
  timeoutMs?: number
  /** The mnemonic's address when the caller derived it already (saves deriving it again). */
  address?: string
  /** The mnemonic's key when the caller derived it already: transactions are signed with it directly. */
  key?: {pubkey: Uint8Array; privkey: Uint8Array}
}

const PAGE = 1000
/** gRPC status UNIMPLEMENTED: the node serves no such service (oracle v2 before v2.1.0). */
const GRPC_UNIMPLEMENTED = 12

/**
 * The Market over Akash's own client: chain-sdk for gRPC queries and signed transactions (its
 * `createStargateClient`, i.e. cosmjs), CometBFT RPC for blocks. chain-sdk and cosmjs are imported
 * lazily so that `edge --help` never loads them.
 */
export class AkashMarket implements Market {
  readonly network: NetworkContext
  tx?: MarketTransactions
  private sdkPromise?: Promise<Sdk>
  /** Signing clients to disconnect on close. */
  private readonly clients: SigningClient[] = []
  private chainIdPromise?: Promise<string>
  private readonly timeoutMs: number

  /** Opens the market; with a mnemonic the signer's address is derived before it returns. */
  static async open(network: NetworkContext, options: AkashMarketOptions = {}): Promise<AkashMarket> {
    const market = new AkashMarket(network, options)
    if (market.tx) await (market.tx as AkashTransactions).ready()
    return market
  }

  constructor(network: NetworkContext, private readonly options: AkashMarketOptions = {}) {
    this.network = network
    this.timeoutMs = options.timeoutMs ?? network.profile.queryTimeoutMs
    if (options.mnemonic) this.tx = new AkashTransactions(this)
  }

  /** The signer's address, when there is one (derived without touching the network). */
  async signerAddress(): Promise<string | undefined> {
    if (!this.options.mnemonic) return undefined
    if (this.options.address) return this.options.address
    const {deriveKey} = await import('../../config/mnemonic.js')
    return (await deriveKey(this.options.mnemonic, this.network.bech32Prefix)).address
  }

  /** @internal */
  async sdk(): Promise<Sdk> {
    this.sdkPromise ??= (async () => {
      const {createChainNodeSDK} = await loadChainSdk()
      const signer = this.options.mnemonic ? await this.createSigningClient() : undefined
      return createChainNodeSDK({
        query: {baseUrl: this.network.grpc, transportOptions: {defaultTimeoutMs: this.timeoutMs}},
        ...(signer ? {tx: {signer}} : {}),
      })
    })()
    return this.sdkPromise
  }

  /**
   * A signing client over the market's key, gas price and gas margin: the one way edge signs.
   * `types` registers message types up front (chain-sdk otherwise knows a type only once one of
   * its own methods for that module ran).
   */
  async createSigningClient(types: Array<{typeUrl: string}> = []): Promise<SigningClient> {
    const {createStargateClient} = await loadChainSdk()
    const {key, address, mnemonic} = this.options
    if (!mnemonic) throw new Error('the market has no signer')
    const client = createStargateClient({
      baseUrl: this.network.rpc,
      // chain-sdk would derive the key from the mnemonic again (slowly, and always with the
      // `akash` prefix); a key derived already signs as it is.
      ...(key && address ? {signer: (await import('./signer.js')).directSigner({address, ...key})} : {signerMnemonic: mnemonic}),
      defaultGasPrice: this.network.gasPrice,
      gasMultiplier: GAS_MULTIPLIER,
      // cosmjs polls for inclusion every 3 s by default; a quarter block confirms within one block.
      stargateOptions: {broadcastPollIntervalMs: Math.max(100, Math.min(1000, Math.floor(this.network.blockTimeMs / 4)))},
      // The one cast on chain-sdk's types: its codecs and the option's cosmjs `GeneratedType` name
      // @bufbuild/protobuf's `BinaryWriter` through its ES module and CommonJS declarations, which
      // TypeScript holds apart (a private field); at run time they are the same codecs.
      ...(types.length ? {builtInTypes: types as never} : {}),
    })
    this.clients.push(client)
    return client
  }

  /** The chain id the node reports (what signatures commit to). */
  chainId(): Promise<string> {
    this.chainIdPromise ??= cometRpc<CometStatus>(this.network.rpc, 'status', {}, this.timeoutMs).then((s) => s.node_info.network)
    this.chainIdPromise.catch(() => (this.chainIdPromise = undefined))
    return this.chainIdPromise
  }

  /** Runs a query, mapping failures to EdgeErrors that name the endpoint. */
  private async query<R>(what: string, fn: (sdk: Sdk) => Promise<R>): Promise<R> {
    try {
      return await fn(await this.sdk())
    } catch (error) {
      if (isNotFound(error)) throw new NotFound()
      throw chainError(error, this.network, this.network.grpc, what)
    }
  }

  private async optional<R>(what: string, fn: (sdk: Sdk) => Promise<R>): Promise<R | undefined> {
    try {
      return await this.query(what, fn)
    } catch (error) {
      if (error instanceof NotFound) return undefined
      throw error
    }
  }

  /**
   * Every page of a list query: a busy provider or tenant has more leases, bids or deployments
   * than one page holds, and a silently cut list would drop some of them.
   */
  private async all<R extends {pagination?: {nextKey: Uint8Array}}, I, T>(
    what: string,
    fetchPage: (sdk: Sdk, pagination: PageInput) => Promise<R>,
    itemsOf: (response: R) => readonly I[],
    map: (item: I) => T,
  ): Promise<T[]> {
    const items: T[] = []
    let key: Uint8Array | undefined
    do {
      const response = await this.query(what, (sdk) => fetchPage(sdk, {limit: PAGE, ...(key ? {key} : {})}))
      items.push(...itemsOf(response).map(map))
      key = response.pagination?.nextKey?.length ? response.pagination.nextKey : undefined
    } while (key)
    return items
  }

  async latestBlock(): Promise<BlockInfo> {
    try {
      const status = await cometRpc<CometStatus>(this.network.rpc, 'status', {}, this.timeoutMs)
      return {height: Number(status.sync_info.latest_block_height), time: new Date(status.sync_info.latest_block_time)}
    } catch (error) {
      throw chainError(error, this.network, this.network.rpc, 'reading the latest block')
    }
  }

  async account(address: string): Promise<AccountInfo | undefined> {
    const response = await this.optional('reading the account', (sdk) => sdk.cosmos.auth.v1beta1.getAccount({address}))
    if (!response?.account) return undefined
    const {BaseAccount} = await import('@akashnetwork/chain-sdk/private-types/cosmos.v1beta1')
    const {PubKey} = await import('@akashnetwork/chain-sdk/private-types/cosmos.secp256k1')
    const any = response.account
    if (!any.typeUrl.endsWith('BaseAccount')) return {address, accountNumber: 0n, sequence: 0n}
    const account = BaseAccount.decode(any.value)
    const pubkey = account.pubKey?.value?.length ? PubKey.decode(account.pubKey.value).key : undefined
    return {
      address: account.address,
      accountNumber: convert.big(account.accountNumber),
      sequence: convert.big(account.sequence),
      ...(pubkey ? {pubkey} : {}),
    }
  }

  async txMemos(sender: string, height: number): Promise<string[]> {
    // The sender goes into the query text: only a bech32 address may (no quote can break out).
    if (!/^[a-z][a-z0-9]*1[02-9ac-hj-np-z]+$/.test(sender)) throw new TypeError(`txMemos: ${JSON.stringify(sender)} is not an address`)
    if (!Number.isSafeInteger(height) || height < 1) throw new TypeError(`txMemos: ${height} is not a block height`)
    const {TxRaw, TxBody} = await import('@akashnetwork/chain-sdk/private-types/cosmos.v1beta1')
    const memos: string[] = []
    // CometBFT's URI form takes the query as a quoted (JSON) string; a page holds at most 100 txs.
    const query = JSON.stringify(`message.sender='${sender}' AND tx.height=${height}`)
    for (let page = 1; ; page++) {
      let result: {txs?: Array<{tx: string}>; total_count?: string}
      try {
        result = await cometRpc(this.network.rpc, 'tx_search', {query, page: String(page), per_page: '100'}, this.timeoutMs)
      } catch (error) {
        throw chainError(error, this.network, this.network.rpc, 'searching transactions')
      }
      const txs = result.txs ?? []
      for (const t of txs) memos.push(TxBody.decode(TxRaw.decode(Buffer.from(t.tx, 'base64')).bodyBytes).memo)
      if (txs.length === 0 || memos.length >= Number(result.total_count ?? 0)) return memos
    }
  }

  async balances(address: string): Promise<Coin[]> {
    return this.all(
      'reading balances',
      (sdk, pagination) => sdk.cosmos.bank.v1beta1.getAllBalances({address, pagination}),
      (r) => r.balances,
      (c) => ({denom: c.denom, amount: BigInt(c.amount)}),
    )
  }

  async deployments(owner: string, state?: DeploymentState): Promise<Deployment[]> {
    return this.all(
      'listing deployments',
      (sdk, pagination) => sdk.akash.deployment.v1beta4.getDeployments({filters: {owner, state: state ?? ''}, pagination}),
      (r) => r.deployments,
      convert.deployment,
    )
  }

  async deployment(id: DeploymentId): Promise<Deployment | undefined> {
    const response = await this.optional('reading the deployment', (sdk) =>
      sdk.akash.deployment.v1beta4.getDeployment({id: {owner: id.owner, dseq: id.dseq.toString()}}),
    )
    return response?.deployment ? convert.deployment(response) : undefined
  }

  async orders(filter: OrderFilter = {}): Promise<Order[]> {
    const filters = {owner: filter.owner ?? '', dseq: filter.dseq?.toString() ?? '0', state: filter.state ?? ''}
    return this.all('listing orders', (sdk, pagination) => sdk.akash.market.v1beta5.getOrders({filters, pagination}), (r) => r.orders, convert.order)
  }

  async bids(filter: BidFilter): Promise<import('../market.js').Bid[]> {
    const filters = marketFilters(filter)
    return this.all('listing bids', (sdk, pagination) => sdk.akash.market.v1beta5.getBids({filters, pagination}), (r) => r.bids, convert.bid)
  }

  async leases(filter: LeaseFilter): Promise<Lease[]> {
    const filters = marketFilters(filter)
    return this.all('listing leases', (sdk, pagination) => sdk.akash.market.v1beta5.getLeases({filters, pagination}), (r) => r.leases, convert.lease)
  }

  async lease(id: LeaseId): Promise<Lease | undefined> {
    const response = await this.optional('reading the lease', (sdk) =>
      sdk.akash.market.v1beta5.getLease({id: {...id, dseq: id.dseq.toString()}}),
    )
    return response?.lease ? convert.lease(response) : undefined
  }

  async providers(): Promise<ProviderInfo[]> {
    return this.all('listing providers', (sdk, pagination) => sdk.akash.provider.v1beta4.getProviders({pagination}), (r) => r.providers, convert.provider)
  }

  async provider(owner: string): Promise<ProviderInfo | undefined> {
    const response = await this.optional('reading the provider', (sdk) => sdk.akash.provider.v1beta4.getProvider({owner}))
    return response?.provider ? convert.provider(response.provider) : undefined
  }

  async auditedAttributes(provider: string): Promise<AuditedAttributes[]> {
    const response = await this.optional('reading audited attributes', (sdk) =>
      sdk.akash.audit.v1.getProviderAttributes({owner: provider, pagination: {limit: PAGE}}),
    )
    return (response?.providers ?? []).map((p) => ({
      owner: p.owner,
      auditor: p.auditor,
      attributes: p.attributes.map((a) => ({key: a.key, value: a.value})),
    }))
  }

  async certificates(owner: string, serial?: string): Promise<Certificate[]> {
    return this.all(
      'listing certificates',
      (sdk, pagination) => sdk.akash.cert.v1.getCertificates({filter: {owner, serial: serial ?? '', state: ''}, pagination}),
      (r) => r.certificates,
      (c) => convert.certificate({...c, owner}),
    )
  }

  async minDeposits(): Promise<Coin[]> {
    const response = await this.query('reading deployment parameters', (sdk) => sdk.akash.deployment.v1beta4.getParams({}))
    return (response.params?.minDeposits ?? []).map((c) => ({
      denom: c.denom,
      amount: BigInt(c.amount),
    }))
  }

  async bidMinDeposits(): Promise<Coin[]> {
    const response = await this.query('reading market parameters', (sdk) => sdk.akash.market.v1beta5.getParams({}))
    return (response.params?.bidMinDeposits ?? []).map((c) => ({denom: c.denom, amount: BigInt(c.amount)}))
  }

  async bmeStatus(owner?: string): Promise<BmeStatus> {
    const [params, records] = await Promise.all([
      this.optional('reading BME parameters', (sdk) => sdk.akash.bme.v1.getParams({})),
      owner
        ? this.optional('reading BME records', (sdk) =>
            sdk.akash.bme.v1.getLedgerRecords({filters: {source: owner, denom: '', toDenom: '', status: 'ledger_record_status_pending'}, pagination: {limit: 100}}),
          )
        : Promise.resolve(undefined),
    ])
    const minMint = params?.params?.minMint.find((c) => c.denom === 'uact')
    return {
      pending: (records?.records ?? []).flatMap((r) =>
        r.pendingRecord
          ? [
              {
                owner: r.pendingRecord.owner,
                burnDenom: r.pendingRecord.coinsToBurn?.denom ?? '',
                burned: BigInt(r.pendingRecord.coinsToBurn?.amount ?? '0'),
                mintDenom: r.pendingRecord.denomToMint,
              },
            ]
          : [],
      ),
      ...(minMint ? {minMintUact: BigInt(minMint.amount)} : {}),
      ...(params?.params ? {epochBlocks: convert.num(params.params.minEpochBlocks)} : {}),
    }
  }

  /**
   * The oracle's AKT price as Akash Console reads it: `akash.oracle.v2` AggregatedPrice for `akt`,
   * the median, only while the feed is healthy; oracle v1 on chains older than v2.1.0 (which do
   * not serve v2).
   */
  async aktPrice(): Promise<AktPrice> {
    const read = async (version: 'v1' | 'v2') => {
      const sdk = await this.sdk()
      return version === 'v2' ? sdk.akash.oracle.v2.getAggregatedPrice({denom: 'akt'}) : sdk.akash.oracle.v1.getAggregatedPrice({denom: 'akt'})
    }
    let response: Awaited<ReturnType<typeof read>>
    try {
      try {
        response = await read('v2')
      } catch (error) {
        if ((error as {code?: unknown})?.code !== GRPC_UNIMPLEMENTED) throw error
        response = await read('v1')
      }
    } catch (error) {
      return {unavailable: `the chain's oracle gave no AKT price: ${chainError(error, this.network, this.network.grpc, 'reading the AKT price').message}`}
    }
    const health = response.priceHealth
    if (!health?.isHealthy) {
      return {unavailable: `the chain's oracle reports the AKT price as unhealthy (${health?.failureReason.join('; ') || 'no reason given'})`}
    }
    const text = response.aggregatedPrice?.medianPrice || response.aggregatedPrice?.twap
    const usd = text ? parseDecHuman(text) : 0n
    return usd > 0n ? {usd} : {unavailable: `the chain's oracle reports an AKT price of ${text || 'nothing'}`}
  }

  async reclamationWindows(): Promise<{minSeconds: number; maxSeconds: number} | undefined> {
    const response = await this.query('reading market parameters', (sdk) => sdk.akash.market.v1beta5.getParams({}))
    const maxSeconds = convert.durationSeconds(response.params?.maxReclamationWindow)
    // A chain before node v2.1 has no bounds (zero): it knows no reclamation.
    if (maxSeconds <= 0) return undefined
    return {minSeconds: convert.durationSeconds(response.params?.minReclamationWindow), maxSeconds}
  }

  watchBlocks(signal: AbortSignal): AsyncIterable<BlockInfo> {
    return pollBlocks(() => this.latestBlock(), Math.max(100, Math.min(1000, Math.floor(this.network.blockTimeMs / 4))), signal)
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.disconnect().catch(() => {})))
  }
}

class NotFound extends Error {}

const marketFilters = (filter: BidFilter | LeaseFilter) => ({
  owner: filter.owner ?? '',
  dseq: filter.dseq?.toString() ?? '0',
  provider: filter.provider ?? '',
  state: filter.state ?? '',
})

function isNotFound(error: unknown): boolean {
  const e = error as {code?: unknown; message?: string}
  return e?.code === 5 || e?.code === 'not_found' || /not[ _]found/i.test(e?.message ?? '')
}
