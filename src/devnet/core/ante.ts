import {Params as AuthParams} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

import {AUTH_PARAMS} from '../modules/auth/index.js'
import type {AccountKeeper, StoredAccount} from '../modules/auth/keeper.js'
import type {BankKeeper} from '../modules/bank/keeper.js'
import {TxError} from '../types.js'
import {addressFromPubKey, moduleAddress} from './address.js'
import {type GasPrice, formatCoins, requiredFee} from './coins.js'
import type {ExecContext} from './context.js'
import {asTxError, sdkError, SdkCode} from './errors.js'
import {nodeAccess} from './gas.js'
import {VerifiedSignatures, directSignBytes, verifySecp256k1} from './sigverify.js'
import {type DecodedTx, SIGN_MODE_DIRECT} from './tx-decode.js'

/** How a transaction is run: mempool admission, mempool re-check after a block, gas simulation, or block execution. */
export type ExecMode = 'check' | 'recheck' | 'simulate' | 'deliver'

export const FEE_COLLECTOR = 'fee_collector'

/**
 * In simulation the tx carries empty signatures; the SDK charges tx-size gas for a placeholder
 * signature of this many bytes (amino StdSignature with a secp256k1 key, plus 6) per signer.
 */
const SIM_SIGNATURE_BYTES = 111

// The SDK's placeholder public key for simulating a signer that has none yet.
const SIM_PUBKEY = Uint8Array.from(Buffer.from('035AD6810A47F073553FF30D2FCC7E0D3B1C0B74B61A1AAA2582344037151E143A', 'hex'))

/** The stored auth params' size: the node reads them (key `0x00`) in four of its decorators. */
const AUTH_PARAMS_BYTES = AuthParams.encode(
  AuthParams.fromPartial({
    maxMemoCharacters: BigInt(AUTH_PARAMS.maxMemoCharacters),
    txSigLimit: BigInt(AUTH_PARAMS.txSigLimit),
    txSizeCostPerByte: BigInt(AUTH_PARAMS.txSizeCostPerByte),
    sigVerifyCostEd25519: BigInt(AUTH_PARAMS.sigVerifyCostEd25519),
    sigVerifyCostSecp256k1: BigInt(AUTH_PARAMS.sigVerifyCostSecp256k1),
  }),
).finish().length

export interface AnteOptions {
  minGasPrices: GasPrice[]
  verified: VerifiedSignatures
}

/**
 * Akash's ante handler (node app/ante.go), decorator by decorator and in its order, including
 * the state each one reads: gas is charged for exactly the accesses the node makes, so that what
 * a client simulates and what delivery uses match the node's. The fee is transferred only when
 * the tx carries one: cosmjs simulates with an empty fee, so the node's simulation leaves the fee
 * transfer out and delivery uses ~16k gas more than simulated; chain-sdk's ×1.3 does not cover
 * that on small transactions (MsgSend to an existing account, MsgUpdateProvider,
 * MsgUpdateDeployment), on the node and here alike.
 */
export function runAnte(mode: ExecMode, ctx: ExecContext, tx: DecodedTx, options: AnteOptions): void {
  const simulate = mode === 'simulate'
  const accounts = ctx.accounts as AccountKeeper
  const bank = ctx.bank as BankKeeper
  const readAuthParams = () => nodeAccess(ctx.store)?.read(1, AUTH_PARAMS_BYTES)
  const signerAccount = (address: string): StoredAccount => {
    const account = accounts.get(address)
    if (!account) throw sdkError(SdkCode.unknownAddress, `account ${address} does not exist`)
    return account
  }

  // edge dev has neither extension options nor x/feegrant.
  if (tx.body.extensionOptions.length > 0) throw sdkError(SdkCode.unknownExtensionOptions)
  if (tx.authInfo.fee?.granter) throw sdkError(SdkCode.invalidRequest, 'fee grants are not supported by edge dev')
  const timeout = BigInt(tx.body.timeoutHeight.toString())
  if (timeout > 0n && BigInt(ctx.height) > timeout) throw sdkError(SdkCode.txTimeoutHeight, `block height: ${ctx.height}, timeout height: ${timeout}`)

  // ValidateMemoDecorator
  readAuthParams()
  if (tx.body.memo.length > AUTH_PARAMS.maxMemoCharacters)
    throw sdkError(SdkCode.memoTooLarge, `maximum number of characters is ${AUTH_PARAMS.maxMemoCharacters} but received ${tx.body.memo.length} characters`)

  // ConsumeGasForTxSizeDecorator: a signer without a signature (simulation) is charged a placeholder.
  readAuthParams()
  ctx.gas.consume(AUTH_PARAMS.txSizeCostPerByte * tx.bytes.length, 'txSize')
  if (simulate) {
    for (const s of tx.signers) {
      if (s.signature.length > 0) continue
      accounts.get(s.address)
      ctx.gas.consume(AUTH_PARAMS.txSizeCostPerByte * SIM_SIGNATURE_BYTES, 'txSize')
    }
  }

  // DeductFeeDecorator: the validator's minimum gas price applies to mempool admission only.
  if ((mode === 'check' || mode === 'recheck') && options.minGasPrices.length > 0) {
    const required = options.minGasPrices.map((p) => requiredFee(p, tx.gasLimit)).filter((c) => c.amount > 0n)
    const paid = (denom: string) => tx.fee.find((c) => c.denom === denom)?.amount ?? 0n
    if (required.length > 0 && !required.some((r) => paid(r.denom) >= r.amount))
      throw sdkError(SdkCode.insufficientFee, `insufficient fees; got: ${formatCoins(tx.fee)} required: ${formatCoins(required)}`)
  }
  if (!simulate && tx.gasLimit === 0n) throw sdkError(SdkCode.invalidGasLimit, 'must provide positive gas')
  if (!accounts.get(tx.feePayer)) throw sdkError(SdkCode.unknownAddress, `fee payer address: ${tx.feePayer} does not exist`)
  if (tx.fee.length > 0) {
    try {
      bank.send(tx.feePayer, moduleAddress(FEE_COLLECTOR), tx.fee)
    } catch (error) {
      const e = asTxError(error)
      if (e.codespace !== 'sdk' || e.code !== SdkCode.insufficientFunds) throw error
      throw new TxError('sdk', SdkCode.insufficientFunds, `${e.message}: insufficient funds`)
    }
  }
  ctx.events.emit('tx', {fee: formatCoins(tx.fee), fee_payer: tx.feePayer})

  // SetPubKeyDecorator: recorded on the account at its first signed transaction.
  tx.signers.forEach((s, i) => {
    let pk = s.pubKey
    if (!pk) {
      if (!simulate) return
      pk = SIM_PUBKEY
    }
    if (!simulate && addressFromPubKey(pk) !== s.address)
      throw sdkError(SdkCode.invalidPubKey, `pubKey does not match signer address ${s.address} with signer index: ${i}`)
    const account = signerAccount(s.address)
    if (account.pubKey) return
    accounts.set({...account, pubKey: pk})
  })
  for (const s of tx.signers) {
    ctx.events.emit('tx', {acc_seq: `${s.address}/${s.sequence}`})
    ctx.events.emit('tx', {signature: Buffer.from(s.signature).toString('base64')})
  }

  // ValidateSigCountDecorator (single keys only: one signature each).
  readAuthParams()

  // SigGasConsumeDecorator
  readAuthParams()
  for (const s of tx.signers) {
    signerAccount(s.address)
    ctx.gas.consume(AUTH_PARAMS.sigVerifyCostSecp256k1, 'ante verify: secp256k1')
  }

  // SigVerificationDecorator
  tx.signers.forEach((s, i) => {
    const account = signerAccount(s.address)
    if (!simulate && !account.pubKey) throw sdkError(SdkCode.invalidPubKey, 'pubkey on account is not set')
    if (s.sequence !== account.sequence) throw sdkError(SdkCode.wrongSequence, `account sequence mismatch, expected ${account.sequence}, got ${s.sequence}`)
    if (simulate || mode === 'recheck') return
    const pubKey = account.pubKey!
    if (options.verified.has(tx.hash, i, ctx.chainId, account.accountNumber, pubKey)) return
    // Only SIGN_MODE_DIRECT is verified (what cosmjs and chain-sdk sign with).
    const signBytes = directSignBytes(tx.raw.bodyBytes, tx.raw.authInfoBytes, ctx.chainId, account.accountNumber)
    if (s.signMode !== SIGN_MODE_DIRECT || !verifySecp256k1(pubKey, signBytes, s.signature)) {
      throw sdkError(
        SdkCode.unauthorized,
        `signature verification failed; please verify account number (${account.accountNumber}) and chain-id (${ctx.chainId}): (unable to verify single signer signature)`,
      )
    }
    options.verified.remember(tx.hash, i, ctx.chainId, account.accountNumber, pubKey)
  })

  // IncrementSequenceDecorator
  for (const s of tx.signers) {
    const account = signerAccount(s.address)
    accounts.set({...account, sequence: account.sequence + 1n})
  }
}
