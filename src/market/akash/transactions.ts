import type {
  Attribute,
  BidId,
  Broadcaster,
  Coin,
  CreateBidInput,
  CreateDeploymentInput,
  DecAmount,
  LeaseId,
  MarketTransactions,
  OrderId,
  ProviderInfo,
  ProviderReason,
  TxResult,
} from '../market.js'
import {decHuman} from '../../sdl/dec.js'
import type {AkashMarket, Sdk} from './akash-market.js'
import * as convert from './convert.js'
import {chainError} from './errors.js'
import {outOfGasRetryFee} from './fees.js'

/** What chain-sdk's transaction methods take as their second argument. */
type TxOptions = NonNullable<Parameters<Sdk['akash']['deployment']['v1beta4']['createDeployment']>[1]>
type Delivered = Parameters<NonNullable<TxOptions['afterBroadcast']>>[0]

const dec = (amount: DecAmount) => ({denom: amount.denom, amount: decHuman(amount.amount)})
const coin = (c: Coin) => ({denom: c.denom, amount: c.amount.toString()})
const bidIdInput = (b: BidId) => ({...b, dseq: b.dseq.toString()})
const orderIdInput = (o: OrderId) => ({...o, dseq: o.dseq.toString()})

/** Signed transactions through chain-sdk; each resolves with the included tx's hash and height. */
export class AkashTransactions implements MarketTransactions {
  private cachedAddress?: string

  constructor(private readonly market: AkashMarket) {}

  get address(): string {
    if (!this.cachedAddress) throw new Error('call `await market.tx.ready()` before reading the address')
    return this.cachedAddress
  }

  async ready(): Promise<string> {
    this.cachedAddress ??= await this.market.signerAddress()
    return this.cachedAddress!
  }

  private async send(what: string, call: (sdk: Sdk, options: TxOptions) => Promise<unknown>): Promise<TxResult> {
    await this.ready()
    let delivered: Delivered | undefined
    const attempt = async (fee?: {amount: Coin[]; gas: string}) => {
      const sdk = await this.market.sdk()
      await call(sdk, {
        afterBroadcast: (r) => (delivered = r),
        ...(fee ? {fee: {amount: fee.amount.map(coin), gas: fee.gas}} : {}),
      })
    }
    try {
      try {
        await attempt()
      } catch (error) {
        // Akash's simulation can fall well short of delivery (MsgUpdateDeployment on node v2.1 used
        // 1.54x its estimate). An out-of-gas failure changed nothing but the fee: send it once more
        // with what delivery actually used, plus a margin.
        const retryFee = outOfGasRetryFee(error, this.market.network.gasPrice)
        if (!retryFee) throw error
        await attempt(retryFee)
      }
    } catch (error) {
      throw chainError(error, this.market.network, this.market.network.rpc, what)
    }
    if (!delivered) throw chainError(new Error('no transaction result'), this.market.network, this.market.network.rpc, what)
    return {
      txHash: delivered.transactionHash,
      height: delivered.height,
      gasUsed: BigInt(delivered.gasUsed),
      gasWanted: BigInt(delivered.gasWanted),
      events: (delivered.events ?? []).map((e) => ({type: e.type, attributes: e.attributes.map((a) => ({key: a.key, value: a.value}))})),
    }
  }

  createDeployment(input: CreateDeploymentInput): Promise<TxResult> {
    return this.send('creating the deployment', (sdk, o) =>
      sdk.akash.deployment.v1beta4.createDeployment(
        {
          id: {owner: this.address, dseq: input.dseq.toString()},
          groups: input.groups,
          hash: input.hash,
          deposit: {amount: coin(input.deposit), sources: [1]},
          // The notice the tenant accepts before a provider takes its resources back (AEP-82).
          reclamation: input.reclamationWindowSeconds === undefined ? undefined : {minWindow: convert.sdkDuration(input.reclamationWindowSeconds)},
        },
        input.memo ? {...o, memo: input.memo} : o,
      ),
    )
  }

  updateDeployment(dseq: bigint, hash: Uint8Array): Promise<TxResult> {
    return this.send('updating the deployment', (sdk, o) =>
      sdk.akash.deployment.v1beta4.updateDeployment({id: {owner: this.address, dseq: dseq.toString()}, hash}, o),
    )
  }

  closeDeployment(dseq: bigint): Promise<TxResult> {
    return this.send('closing the deployment', (sdk, o) =>
      sdk.akash.deployment.v1beta4.closeDeployment({id: {owner: this.address, dseq: dseq.toString()}}, o),
    )
  }

  deposit(dseq: bigint, amount: Coin): Promise<TxResult> {
    return this.send('depositing into escrow', (sdk, o) =>
      sdk.akash.escrow.v1.accountDeposit(
        {
          signer: this.address,
          id: {scope: 1, xid: `${this.address}/${dseq}`},
          deposit: {amount: coin(amount), sources: [1]},
        },
        o,
      ),
    )
  }

  createLease(bid: BidId): Promise<TxResult> {
    return this.send('creating the lease', (sdk, o) => sdk.akash.market.v1beta5.createLease({bidId: bidIdInput(bid)}, o))
  }

  closeLease(lease: LeaseId): Promise<TxResult> {
    return this.send('closing the lease', (sdk, o) => sdk.akash.market.v1beta5.closeLease({id: bidIdInput(lease), reason: 1}, o))
  }

  createBid(input: CreateBidInput): Promise<TxResult> {
    return this.send('creating the bid', (sdk, o) =>
      sdk.akash.market.v1beta5.createBid(
        {
          id: {...orderIdInput(input.order), provider: this.address, bseq: 0},
          price: dec(input.price),
          deposit: {amount: coin(input.deposit), sources: [1]},
          // Offers carry no per-resource prices: the bid's price is the whole price.
          resourcesOffer: (input.resourcesOffer ?? []).map((offer) => ({...offer, prices: undefined})),
          reclamationWindow: input.reclamationWindowSeconds === undefined ? undefined : convert.sdkDuration(input.reclamationWindowSeconds),
        },
        o,
      ),
    )
  }

  closeBid(bid: BidId, reason = 'unspecified'): Promise<TxResult> {
    return this.send('closing the bid', (sdk, o) =>
      sdk.akash.market.v1beta5.closeBid({id: bidIdInput(bid), reason: convert.CLOSE_REASON_CODES[reason] ?? 10002}, o),
    )
  }

  leaseStartReclaim(lease: LeaseId, reason: ProviderReason = 'unspecified'): Promise<TxResult> {
    const code = convert.CLOSE_REASON_CODES[reason]
    return this.send('starting reclamation', (sdk, o) => sdk.akash.market.v1beta5.leaseStartReclaim({id: bidIdInput(lease), reason: code}, o))
  }

  withdrawLease(lease: LeaseId): Promise<TxResult> {
    return this.send('withdrawing lease earnings', (sdk, o) => sdk.akash.market.v1beta5.withdrawLease({id: bidIdInput(lease)}, o))
  }

  createProvider(input: Omit<ProviderInfo, 'owner'>): Promise<TxResult> {
    return this.send('registering the provider', (sdk, o) =>
      sdk.akash.provider.v1beta4.createProvider(
        {owner: this.address, hostUri: input.hostUri, attributes: input.attributes, info: {email: input.email ?? '', website: input.website ?? ''}},
        o,
      ),
    )
  }

  updateProvider(input: Omit<ProviderInfo, 'owner'>): Promise<TxResult> {
    return this.send('updating the provider', (sdk, o) =>
      sdk.akash.provider.v1beta4.updateProvider(
        {owner: this.address, hostUri: input.hostUri, attributes: input.attributes, info: {email: input.email ?? '', website: input.website ?? ''}},
        o,
      ),
    )
  }

  createCertificate(certPem: string, pubkeyPem: string): Promise<TxResult> {
    const enc = new TextEncoder()
    return this.send('publishing the certificate', (sdk, o) =>
      sdk.akash.cert.v1.createCertificate({owner: this.address, cert: enc.encode(certPem), pubkey: enc.encode(pubkeyPem)}, o),
    )
  }

  revokeCertificate(serial: string): Promise<TxResult> {
    return this.send('revoking the certificate', (sdk, o) => sdk.akash.cert.v1.revokeCertificate({id: {owner: this.address, serial}}, o))
  }

  signProviderAttributes(provider: string, attributes: Attribute[]): Promise<TxResult> {
    return this.send('signing provider attributes', (sdk, o) =>
      sdk.akash.audit.v1.signProviderAttributes({owner: provider, auditor: this.address, attributes}, o),
    )
  }

  mintAct(uakt: bigint): Promise<TxResult> {
    return this.send('minting ACT', (sdk, o) =>
      sdk.akash.bme.v1.mintACT({owner: this.address, to: this.address, coinsToBurn: {denom: 'uakt', amount: uakt.toString()}}, o),
    )
  }

  async batchBroadcaster(): Promise<Broadcaster> {
    const {AkashBroadcaster} = await import('./batch-broadcaster.js')
    return AkashBroadcaster.open(await this.ready(), this.market)
  }

  burnAct(uact: bigint): Promise<TxResult> {
    return this.send('burning ACT', (sdk, o) =>
      sdk.akash.bme.v1.burnACT({owner: this.address, to: this.address, coinsToBurn: {denom: 'uact', amount: uact.toString()}}, o),
    )
  }
}
