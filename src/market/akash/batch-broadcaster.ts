import {sleep} from '../../lib/sleep.js'
import type {BatchMsg, Broadcaster, SignerSequence} from '../market.js'
import type {AkashMarket, SigningClient} from './akash-market.js'
import {decHuman} from '../../sdl/dec.js'
import {CLOSE_REASON_CODES, sdkDuration} from './convert.js'
import {feeForGas} from './fees.js'
import {cometRpcPost} from './rpc.js'

type EncodeObject = {typeUrl: string; value: unknown}

/**
 * The market's own signer as a pipelined batch sender: a chain-sdk signing client made by the
 * market (same key, gas price and margin) simulates and signs, with the sequence the caller chose; CometBFT's `broadcast_tx_sync` submits without waiting for the block. A provider
 * sends 200 bids a block this way in a few transactions, where the Market's one-message-and-wait
 * transactions would take 200 blocks.
 */
export class AkashBroadcaster implements Broadcaster {
  private readonly pollMs: number

  private constructor(
    readonly address: string,
    private readonly market: AkashMarket,
    private readonly signing: SigningClient,
  ) {
    this.pollMs = Math.max(50, Math.min(1000, Math.floor(market.network.blockTimeMs / 10)))
  }

  static async open(address: string, market: AkashMarket): Promise<AkashBroadcaster> {
    const [v1beta5, v1beta4, v1] = await Promise.all([
      import('@akashnetwork/chain-sdk/private-types/akash.v1beta5'),
      import('@akashnetwork/chain-sdk/private-types/akash.v1beta4'),
      import('@akashnetwork/chain-sdk/private-types/akash.v1'),
    ])
    const types = [v1beta5.MsgCreateBid, v1beta5.MsgCloseBid, v1beta5.MsgLeaseStartReclaim, v1beta5.MsgWithdrawLease, v1beta4.MsgCreateProvider, v1beta4.MsgUpdateProvider, v1.MsgCreateCertificate]
    const client = await market.createSigningClient(types.map((type) => Object.assign(Object.create(type) as object, {typeUrl: `/${type.$type}`})))
    return new AkashBroadcaster(address, market, client)
  }

  async sequence(): Promise<SignerSequence> {
    const account = await this.market.account(this.address)
    if (!account) throw new Error(`Account ${this.address} does not exist on chain; send it some tokens first.`)
    return {accountNumber: Number(account.accountNumber), sequence: Number(account.sequence)}
  }

  async simulate(msgs: BatchMsg[]): Promise<number> {
    const fee = await this.signing.estimateFee(msgs.map((m) => this.encode(m)), '')
    return Number(fee.gas)
  }

  async broadcast(msgs: BatchMsg[], gasLimit: number, signer: SignerSequence): Promise<string> {
    const client = this.signing
    const [chainId, {TxRaw}] = await Promise.all([
      this.market.chainId(),
      import('@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'),
    ])
    const fee = feeForGas(BigInt(gasLimit), this.market.network.gasPrice)
    const raw = await client.sign(
      msgs.map((m) => this.encode(m)),
      {gas: fee.gas, amount: fee.amount.map((c) => ({denom: c.denom, amount: c.amount.toString()}))},
      '',
      {accountNumber: signer.accountNumber, sequence: signer.sequence, chainId},
    )
    const tx = Buffer.from(TxRaw.encode(TxRaw.fromPartial(raw)).finish()).toString('base64')
    const result = await cometRpcPost<{code: number; codespace?: string; log?: string; hash: string}>(this.market.network.rpc, 'broadcast_tx_sync', {tx}, 15_000)
    // cosmjs' wording, which callers match for "account sequence mismatch" and "message index".
    if (result.code !== 0) throw new Error(`Broadcasting transaction failed with code ${result.code} (codespace: ${result.codespace ?? ''}). Log: ${result.log ?? ''}`)
    return result.hash
  }

  async waitFor(hash: string, timeoutMs: number): Promise<{height: number; code: number; log: string}> {
    const deadline = Date.now() + timeoutMs
    const param = Buffer.from(hash, 'hex').toString('base64')
    for (;;) {
      const tx = await cometRpcPost<{height: string; tx_result: {code?: number; log?: string}}>(this.market.network.rpc, 'tx', {hash: param}).catch(() => undefined)
      if (tx) return {height: Number(tx.height), code: tx.tx_result.code ?? 0, log: tx.tx_result.log ?? ''}
      if (Date.now() > deadline) throw new Error(`transaction ${hash} was not included within ${Math.round(timeoutMs / 1000)} s`)
      await sleep(this.pollMs)
    }
  }

  /** Plain message values: the client's registry builds each with its type's `fromPartial`. */
  encode(msg: BatchMsg): EncodeObject {
    const provider = this.address
    switch (msg.type) {
      case 'createBid':
        return {
          typeUrl: '/akash.market.v1beta5.MsgCreateBid',
          value: {
            id: {owner: msg.order.owner, dseq: msg.order.dseq.toString(), gseq: msg.order.gseq, oseq: msg.order.oseq, provider, bseq: 0},
            price: {denom: msg.price.denom, amount: decHuman(msg.price.amount)},
            deposit: {amount: {denom: msg.deposit.denom, amount: msg.deposit.amount.toString()}, sources: [1]},
            resourcesOffer: msg.resourcesOffer,
            ...(msg.reclamationWindowSeconds !== undefined ? {reclamationWindow: sdkDuration(msg.reclamationWindowSeconds)} : {}),
          },
        }
      case 'leaseStartReclaim':
        return {
          typeUrl: '/akash.market.v1beta5.MsgLeaseStartReclaim',
          value: {id: {...msg.lease, dseq: msg.lease.dseq.toString()}, reason: CLOSE_REASON_CODES[msg.reason] ?? CLOSE_REASON_CODES.unspecified},
        }
      case 'closeBid':
        return {
          typeUrl: '/akash.market.v1beta5.MsgCloseBid',
          value: {id: {...msg.bid, dseq: msg.bid.dseq.toString()}, reason: CLOSE_REASON_CODES[msg.reason] ?? CLOSE_REASON_CODES.unspecified},
        }
      case 'withdrawLease':
        return {typeUrl: '/akash.market.v1beta5.MsgWithdrawLease', value: {id: {...msg.lease, dseq: msg.lease.dseq.toString()}}}
      case 'createProvider':
      case 'updateProvider':
        return {
          typeUrl: `/akash.provider.v1beta4.Msg${msg.type === 'createProvider' ? 'Create' : 'Update'}Provider`,
          value: {owner: provider, hostUri: msg.hostUri, attributes: msg.attributes, info: {email: msg.email ?? '', website: msg.website ?? ''}},
        }
      case 'createCertificate':
        return {
          typeUrl: '/akash.cert.v1.MsgCreateCertificate',
          value: {owner: provider, cert: new TextEncoder().encode(msg.certPem), pubkey: new TextEncoder().encode(msg.pubkeyPem)},
        }
    }
  }
}
