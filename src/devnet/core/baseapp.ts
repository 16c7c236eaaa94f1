import {TxMsgData} from 'cosmjs-types/cosmos/base/abci/v1beta1/abci'

import type {AbciEvent, GasMeter, Store} from '../types.js'
import type {TxError} from '../types.js'
import {type ExecMode, runAnte} from './ante.js'
import type {GasPrice} from './coins.js'
import {ExecContext} from './context.js'
import {asTxError, sdkError, SdkCode, wrapTxError} from './errors.js'
import {EventManager, tagEvents} from './events.js'
import {GasStore, InfiniteGasMeter, LimitedGasMeter, OutOfGasError} from './gas.js'
import {Overlay} from './overlay.js'
import type {TxResult} from './records.js'
import {VerifiedSignatures} from './sigverify.js'
import {type DecodedTx, validateBasic} from './tx-decode.js'

export {type ExecMode} from './ante.js'

export interface BlockInfo {
  height: number
  time: Date
}

export interface RunResult extends TxResult {
  msgResponses: Array<{typeUrl: string; value: Uint8Array}>
}

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
      runAnte(mode, this.context(block, new GasStore(anteLayer, meter), anteEvents, meter), tx, {minGasPrices: this.options.minGasPrices, verified: this.verified})
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
}

function outOfGas(error: OutOfGasError, gasWanted: number, gasUsed: number): TxError {
  return sdkError(SdkCode.outOfGas, `out of gas in location: ${error.descriptor}; gasWanted: ${gasWanted}, gasUsed: ${gasUsed}`)
}
