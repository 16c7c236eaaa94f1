import type {NetworkContext} from '../../config/networks.js'
import {CLOSE_REASON_CODES, sdkDec, sdkDuration} from '../../market/akash/convert.js'
import type {ProviderMsg} from './messages.js'
import type {Broadcaster, SignerSequence} from './tx-queue.js'

type EncodeObject = {typeUrl: string; value: unknown}

/**
 * The provider's own signing client: cosmjs' SigningStargateClient with chain-sdk's generated
 * Akash message types registered, so the queue can choose sequences, pack several messages in one
 * transaction and broadcast without waiting (the Market's transactions send one message each and
 * wait for inclusion, which is right for a CLI command and too slow for 200 bids a block).
 */
export class CosmosBroadcaster implements Broadcaster {
  private constructor(
    readonly address: string,
    private readonly network: NetworkContext,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SigningStargateClient from a dynamic import
    private readonly client: any,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- chain-sdk message codecs keyed by type URL
    private readonly types: Record<string, any>,
    private readonly chainId: string,
    private readonly pollMs: number,
  ) {}

  static async connect(network: NetworkContext, mnemonic: string): Promise<CosmosBroadcaster> {
    const [{DirectSecp256k1HdWallet, Registry}, {SigningStargateClient, defaultRegistryTypes}, v1beta5, v1beta4, v1] = await Promise.all([
      import('@cosmjs/proto-signing'),
      import('@cosmjs/stargate'),
      import('@akashnetwork/chain-sdk/private-types/akash.v1beta5'),
      import('@akashnetwork/chain-sdk/private-types/akash.v1beta4'),
      import('@akashnetwork/chain-sdk/private-types/akash.v1'),
    ])
    const types = {
      '/akash.market.v1beta5.MsgCreateBid': v1beta5.MsgCreateBid,
      '/akash.market.v1beta5.MsgCloseBid': v1beta5.MsgCloseBid,
      '/akash.market.v1beta5.MsgLeaseStartReclaim': v1beta5.MsgLeaseStartReclaim,
      '/akash.market.v1beta5.MsgWithdrawLease': v1beta5.MsgWithdrawLease,
      '/akash.provider.v1beta4.MsgCreateProvider': v1beta4.MsgCreateProvider,
      '/akash.provider.v1beta4.MsgUpdateProvider': v1beta4.MsgUpdateProvider,
      '/akash.cert.v1.MsgCreateCertificate': v1.MsgCreateCertificate,
    }
    const registry = new Registry([...defaultRegistryTypes, ...(Object.entries(types) as never[])])
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {prefix: network.bech32Prefix})
    const [account] = await wallet.getAccounts()
    const client = await SigningStargateClient.connectWithSigner(network.rpc, wallet, {registry})
    const chainId = await client.getChainId()
    const pollMs = Math.max(50, Math.min(1000, Math.floor(network.blockTimeMs / 10)))
    return new CosmosBroadcaster(account.address, network, client, types, chainId, pollMs)
  }

  async sequence(): Promise<SignerSequence> {
    const s = await this.client.getSequence(this.address)
    return {accountNumber: Number(s.accountNumber), sequence: Number(s.sequence)}
  }

  async simulate(msgs: ProviderMsg[]): Promise<number> {
    return this.client.simulate(this.address, msgs.map((m) => this.encode(m)), '')
  }

  async broadcast(msgs: ProviderMsg[], gasLimit: number, signer: SignerSequence): Promise<string> {
    const {GasPrice, calculateFee} = await import('@cosmjs/stargate')
    const {TxRaw} = await import('cosmjs-types/cosmos/tx/v1beta1/tx')
    const fee = calculateFee(gasLimit, GasPrice.fromString(this.network.gasPrice))
    const raw = await this.client.sign(this.address, msgs.map((m) => this.encode(m)), fee, '', {
      accountNumber: signer.accountNumber,
      sequence: signer.sequence,
      chainId: this.chainId,
    })
    return this.client.broadcastTxSync(TxRaw.encode(raw).finish())
  }

  async waitFor(hash: string, timeoutMs: number): Promise<{height: number; code: number; log: string}> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const tx = await this.client.getTx(hash).catch(() => null)
      if (tx) return {height: tx.height, code: tx.code, log: tx.rawLog ?? ''}
      if (Date.now() > deadline) throw new Error(`transaction ${hash} was not included within ${Math.round(timeoutMs / 1000)} s`)
      await new Promise((r) => setTimeout(r, this.pollMs))
    }
  }

  disconnect(): void {
    this.client.disconnect()
  }

  encode(msg: ProviderMsg): EncodeObject {
    const provider = this.address
    const wrap = (typeUrl: string, partial: unknown): EncodeObject => ({typeUrl, value: this.types[typeUrl].fromPartial(partial)})
    switch (msg.type) {
      case 'createBid':
        return wrap('/akash.market.v1beta5.MsgCreateBid', {
          id: {owner: msg.order.owner, dseq: msg.order.dseq.toString(), gseq: msg.order.gseq, oseq: msg.order.oseq, provider, bseq: 0},
          price: {denom: msg.price.denom, amount: sdkDec(msg.price.amount)},
          deposit: {amount: {denom: msg.deposit.denom, amount: msg.deposit.amount.toString()}, sources: [1]},
          resourcesOffer: msg.resourcesOffer,
          ...(msg.reclamationWindowSeconds !== undefined ? {reclamationWindow: sdkDuration(msg.reclamationWindowSeconds)} : {}),
        })
      case 'leaseStartReclaim':
        return wrap('/akash.market.v1beta5.MsgLeaseStartReclaim', {
          id: {...msg.lease, dseq: msg.lease.dseq.toString()},
          reason: CLOSE_REASON_CODES[msg.reason] ?? CLOSE_REASON_CODES.unspecified,
        })
      case 'closeBid':
        return wrap('/akash.market.v1beta5.MsgCloseBid', {
          id: {...msg.bid, dseq: msg.bid.dseq.toString()},
          reason: CLOSE_REASON_CODES[msg.reason] ?? CLOSE_REASON_CODES.unspecified,
        })
      case 'withdrawLease':
        return wrap('/akash.market.v1beta5.MsgWithdrawLease', {id: {...msg.lease, dseq: msg.lease.dseq.toString()}})
      case 'createProvider':
      case 'updateProvider':
        return wrap(`/akash.provider.v1beta4.Msg${msg.type === 'createProvider' ? 'Create' : 'Update'}Provider`, {
          owner: provider,
          hostUri: msg.hostUri,
          attributes: msg.attributes,
          info: {email: msg.email ?? '', website: msg.website ?? ''},
        })
      case 'createCertificate':
        return wrap('/akash.cert.v1.MsgCreateCertificate', {
          owner: provider,
          cert: new TextEncoder().encode(msg.certPem),
          pubkey: new TextEncoder().encode(msg.pubkeyPem),
        })
    }
  }
}
