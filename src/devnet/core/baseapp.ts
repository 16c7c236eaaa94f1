import {TxMsgData} from 'cosmjs-types/cosmos/base/abci/v1beta1/abci'

import {AUTH_PARAMS} from '../modules/auth/index.js'
import {AccountKeeper} from '../modules/auth/keeper.js'
import {BankKeeper} from '../modules/bank/keeper.js'
import type {AbciEvent, GasMeter, Store} from '../types.js'
import {TxError} from '../types.js'
import {addressFromPubKey, moduleAddress} from './address.js'
import {type GasPrice, formatCoins, requiredFee} from './coins.js'
import {ExecContext} from './context.js'
import {asTxError, sdkError, SdkCode, wrapTxError} from './errors.js'
import {EventManager, tagEvents} from './events.js'
import {GasStore, InfiniteGasMeter, LimitedGasMeter, OutOfGasError} from './gas.js'
import {Overlay} from './overlay.js'
import type {TxResult} from './records.js'
import {VerifiedSignatures, directSignBytes, verifySecp256k1} from './sigverify.js'
import {type DecodedTx, SIGN_MODE_DIRECT, validateBasic} from './tx-decode.js'

/** How a transaction is run: mempool admission, mempool re-check after a block, gas simulation, or block execution. */
export type ExecMode = 'check' | 'recheck' | 'simulate' | 'deliver'

export interface BlockInfo {
  height: number
  time: Date
}

export interface RunResult extends TxResult {
  msgResponses: Array<{typeUrl: string; value: Uint8Array}>
}

export const FEE_COLLECTOR = 'fee_collector'

/**
 * In simulation the tx carries empty signatures; the SDK charges tx-size gas for a placeholder
 * signature of this many bytes (amino StdSignature with a secp256k1 key, plus 6) per signer.
 */
const SIM_SIGNATURE_BYTES = 111

// The SDK's placeholder public key for simulating a signer that has none yet.
const SIM_PUBKEY = Uint8Array.from(Buffer.from('035AD6810A47F073553FF30D2FCC7E0D3B1C0B74B61A1AAA2582344037151E143A', 'hex'))

export interface BaseAppOptions {
  chainId: string
  keepers: ReadonlyMap<string, unknown>
  minGasPrices: GasPrice[]
  verified?: VerifiedSignatures
}

/**
 * The transaction pipeline of the SDK's BaseApp: ValidateBasic, the ante handler chain
 * (tx size gas, fee, public keys, signature gas, signature check, sequence), then every message
 * in one all-or-nothing branch. The ante writes (fee, sequence) are kept when a message fails,
 * as in the SDK.
 */
export class BaseApp {
  readonly verified: VerifiedSignatures

  constructor(private readonly options: BaseAppOptions) {
    this.verified = options.verified ?? new VerifiedSignatures()
  }

  get chainId(): string {
    return this.options.chainId
  }

  context(block: BlockInfo, store: Store, events: EventManager, gas: GasMeter = new InfiniteGasMeter()): ExecContext {
    return new ExecContext({chainId: this.options.chainId, height: block.height, time: block.time, store, events, gas, keepers: this.options.keepers})
  }

  /**
   * Runs `tx` on top of `layer` and, unless the tx fails in its ante handler, writes its effects
   * into `layer` (for `simulate` pass a throwaway overlay).
   */
  runTx(mode: ExecMode, layer: Overlay, tx: DecodedTx, block: BlockInfo): RunResult {
    const gasWanted = Number(tx.gasLimit)
    const failure = (error: unknown, gasUsed: number, events: AbciEvent[] = []): RunResult => {
      const e = error instanceof OutOfGasError ? outOfGas(error, gasWanted, gasUsed) : asTxError(error)
      return {code: e.code, codespace: e.codespace, log: e.message, data: new Uint8Array(), gasWanted, gasUsed, events, msgResponses: []}
    }
    try {
      validateBasic(tx)
    } catch (error) {
      return failure(error, 0)
    }

    const simulate = mode === 'simulate'
    const meter = simulate ? new InfiniteGasMeter() : new LimitedGasMeter(gasWanted)
    const anteLayer = new Overlay(layer)
    const anteEvents = new EventManager()
    try {
      this.ante(mode, this.context(block, new GasStore(anteLayer, meter), anteEvents, meter), tx)
    } catch (error) {
      return failure(error, meter.consumed())
    }
    anteLayer.writeTo(layer)
    if (mode === 'check' || mode === 'recheck') {
      return {code: 0, codespace: '', log: '', data: new Uint8Array(), gasWanted, gasUsed: meter.consumed(), events: anteEvents.events, msgResponses: []}
    }

    const msgLayer = new Overlay(layer)
    const store = new GasStore(msgLayer, meter)
    const events: AbciEvent[] = [...anteEvents.events]
    const msgResponses: RunResult['msgResponses'] = []
    for (let i = 0; i < tx.msgs.length; i++) {
      const m = tx.msgs[i]
      const msgEvents = new EventManager()
      let response: Uint8Array
      try {
        response = m.route.handle(this.context(block, store, msgEvents, meter), m.msg)
      } catch (error) {
        if (error instanceof OutOfGasError) return failure(error, meter.consumed(), anteEvents.events)
        return failure(wrapTxError(asTxError(error), `failed to execute message; message index: ${i}`), meter.consumed(), anteEvents.events)
      }
      msgResponses.push({typeUrl: `${m.typeUrl}Response`, value: response})
      const attrs: Record<string, string> = {action: m.typeUrl}
      if (m.signers[0]) attrs.sender = m.signers[0]
      const hasModule = msgEvents.events.some((e) => e.attributes.some((a) => a.key === 'module'))
      const moduleName = m.typeUrl.split('.')[1]
      if (!hasModule && moduleName) attrs.module = moduleName
      const header = new EventManager()
      header.emit('message', attrs)
      events.push(...tagEvents([...header.events, ...msgEvents.events], 'msg_index', String(i)))
    }
    msgLayer.writeTo(layer)
    const data = TxMsgData.encode(TxMsgData.fromPartial({msgResponses})).finish()
    return {code: 0, codespace: '', log: '', data, gasWanted, gasUsed: meter.consumed(), events, msgResponses}
  }

  private ante(mode: ExecMode, ctx: ExecContext, tx: DecodedTx): void {
    const simulate = mode === 'simulate'
    const accounts = ctx.accounts as AccountKeeper
    const bank = ctx.bank as BankKeeper

    // edge dev has neither extension options nor x/feegrant.
    if (tx.body.extensionOptions.length > 0) throw sdkError(SdkCode.unknownExtensionOptions)
    if (tx.authInfo.fee?.granter) throw sdkError(SdkCode.invalidRequest, 'fee grants are not supported by edge dev')
    const timeout = BigInt(tx.body.timeoutHeight.toString())
    if (timeout > 0n && BigInt(ctx.height) > timeout)
      throw sdkError(SdkCode.txTimeoutHeight, `block height: ${ctx.height}, timeout height: ${timeout}`)
    if (tx.body.memo.length > AUTH_PARAMS.maxMemoCharacters)
      throw sdkError(SdkCode.memoTooLarge, `maximum number of characters is ${AUTH_PARAMS.maxMemoCharacters} but received ${tx.body.memo.length} characters`)

    ctx.gas.consume(AUTH_PARAMS.txSizeCostPerByte * tx.bytes.length, 'txSize')
    if (simulate) {
      for (const s of tx.signers) if (s.signature.length === 0) ctx.gas.consume(AUTH_PARAMS.txSizeCostPerByte * SIM_SIGNATURE_BYTES, 'txSize')
    }

    // Fees: the validator's minimum gas price applies to mempool admission only.
    if ((mode === 'check' || mode === 'recheck') && this.options.minGasPrices.length > 0) {
      const required = this.options.minGasPrices.map((p) => requiredFee(p, tx.gasLimit)).filter((c) => c.amount > 0n)
      const paid = (denom: string) => tx.fee.find((c) => c.denom === denom)?.amount ?? 0n
      if (required.length > 0 && !required.some((r) => paid(r.denom) >= r.amount))
        throw sdkError(SdkCode.insufficientFee, `insufficient fees; got: ${formatCoins(tx.fee)} required: ${formatCoins(required)}`)
    }
    if (!simulate && tx.gasLimit === 0n) throw sdkError(SdkCode.invalidGasLimit, 'must provide positive gas')
    if (!accounts.get(tx.feePayer)) throw sdkError(SdkCode.unknownAddress, `fee payer address: ${tx.feePayer} does not exist`)
    if (simulate && tx.fee.length === 0) {
      // cosmjs simulates with an empty fee, so the fee transfer's reads and writes would be missing
      // from the estimate, and on edge dev's small transactions chain-sdk's 1.3 margin does not
      // cover them. Charge them by making the transfer in the throwaway simulation layer.
      try {
        bank.send(tx.feePayer, moduleAddress(FEE_COLLECTOR), [{denom: this.options.minGasPrices[0]?.denom ?? 'uakt', amount: 1n}])
      } catch {
        // An account with no fee balance still gets an estimate; delivery will say it cannot pay.
      }
    }
    if (tx.fee.length > 0) {
      try {
        bank.send(tx.feePayer, moduleAddress(FEE_COLLECTOR), tx.fee)
      } catch (error) {
        const e = asTxError(error)
        throw new TxError('sdk', SdkCode.insufficientFunds, `${e.message}: insufficient funds`)
      }
    }
    ctx.events.emit('tx', {fee: formatCoins(tx.fee), fee_payer: tx.feePayer})

    // Public keys: recorded on the account at its first signed transaction.
    tx.signers.forEach((s, i) => {
      let pk = s.pubKey
      if (!pk) {
        if (!simulate) return
        pk = SIM_PUBKEY
      }
      if (!simulate && addressFromPubKey(pk) !== s.address)
        throw sdkError(SdkCode.invalidPubKey, `pubKey does not match signer address ${s.address} with signer index: ${i}`)
      const account = accounts.get(s.address)
      if (!account) throw sdkError(SdkCode.unknownAddress, `account ${s.address} does not exist`)
      if (account.pubKey) return
      accounts.set({...account, pubKey: pk})
    })
    for (const s of tx.signers) {
      ctx.events.emit('tx', {acc_seq: `${s.address}/${s.sequence}`})
      ctx.events.emit('tx', {signature: Buffer.from(s.signature).toString('base64')})
    }

    for (let i = 0; i < tx.signers.length; i++) ctx.gas.consume(AUTH_PARAMS.sigVerifyCostSecp256k1, 'ante verify: secp256k1')

    tx.signers.forEach((s, i) => {
      const account = accounts.get(s.address)
      if (!account) throw sdkError(SdkCode.unknownAddress, `account ${s.address} does not exist`)
      if (!simulate && !account.pubKey) throw sdkError(SdkCode.invalidPubKey, 'pubkey on account is not set')
      if (s.sequence !== account.sequence)
        throw sdkError(SdkCode.wrongSequence, `account sequence mismatch, expected ${account.sequence}, got ${s.sequence}`)
      if (simulate || mode === 'recheck') return
      const pubKey = account.pubKey!
      if (this.verified.has(tx.hash, i, ctx.chainId, account.accountNumber, pubKey)) return
      // Only SIGN_MODE_DIRECT is verified (what cosmjs and chain-sdk sign with).
      const signBytes = directSignBytes(tx.raw.bodyBytes, tx.raw.authInfoBytes, ctx.chainId, account.accountNumber)
      if (s.signMode !== SIGN_MODE_DIRECT || !verifySecp256k1(pubKey, signBytes, s.signature)) {
        throw sdkError(
          SdkCode.unauthorized,
          `signature verification failed; please verify account number (${account.accountNumber}) and chain-id (${ctx.chainId}): (unable to verify single signer signature)`,
        )
      }
      this.verified.remember(tx.hash, i, ctx.chainId, account.accountNumber, pubKey)
    })

    for (const s of tx.signers) {
      const account = accounts.get(s.address)!
      accounts.set({...account, sequence: account.sequence + 1n})
    }
  }
}

function outOfGas(error: OutOfGasError, gasWanted: number, gasUsed: number): TxError {
  return sdkError(SdkCode.outOfGas, `out of gas in location: ${error.descriptor}; gasWanted: ${gasWanted}, gasUsed: ${gasUsed}`)
}
