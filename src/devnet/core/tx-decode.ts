import {PubKey} from '@akashnetwork/chain-sdk/private-types/cosmos.secp256k1'
import {AuthInfo, TxBody, TxRaw} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {sha256} from '@noble/hashes/sha256'

import type {Coin, MsgRoute} from '../types.js'
import {fromProtoCoins} from './coins.js'
import {sdkError, SdkCode} from './errors.js'

export const SIGN_MODE_DIRECT = 1
export const SECP256K1_PUBKEY_URL = '/cosmos.crypto.secp256k1.PubKey'
/** The SDK's `MaxGasWanted`: 2^63 - 1. */
const MAX_GAS_WANTED = (1n << 63n) - 1n

export interface DecodedMsg {
  typeUrl: string
  route: MsgRoute
  moduleName: string
  msg: unknown
  signers: string[]
}

export interface SignerData {
  address: string
  /** `ModeInfo.single.mode`; undefined for multisig. */
  signMode: number | undefined
  /** The public key the signer info carries (set on the account at first use). */
  pubKey?: Uint8Array
  sequence: bigint
  signature: Uint8Array
}

/** A transaction, decoded once and carried from CheckTx to DeliverTx. */
export interface DecodedTx {
  bytes: Uint8Array
  /** Upper-case hex SHA-256 of the bytes: the CometBFT tx hash. */
  hash: string
  raw: TxRaw
  body: TxBody
  authInfo: AuthInfo
  msgs: DecodedMsg[]
  /** Unique signers in order of first appearance (the SDK's GetSigners). */
  signers: SignerData[]
  gasLimit: bigint
  fee: Coin[]
  feePayer: string
}

export interface MsgRouteEntry {
  route: MsgRoute
  moduleName: string
}

export function txHash(bytes: Uint8Array): string {
  return Buffer.from(sha256(bytes)).toString('hex').toUpperCase()
}

/** Decodes TxRaw → TxBody/AuthInfo and each message through its route (`sdk/2 tx parse error` otherwise). */
export function decodeTx(bytes: Uint8Array, routes: ReadonlyMap<string, MsgRouteEntry>, hash = txHash(bytes)): DecodedTx {
  if (bytes.length === 0) throw sdkError(SdkCode.txDecode, 'tx bytes are empty')
  let raw: TxRaw
  let body: TxBody
  let authInfo: AuthInfo
  try {
    raw = TxRaw.decode(bytes)
    body = TxBody.decode(raw.bodyBytes)
    authInfo = AuthInfo.decode(raw.authInfoBytes)
  } catch (error) {
    throw sdkError(SdkCode.txDecode, (error as Error).message)
  }
  const msgs: DecodedMsg[] = []
  for (const any of body.messages) {
    const entry = routes.get(any.typeUrl)
    if (!entry) throw sdkError(SdkCode.txDecode, `unable to resolve type URL ${any.typeUrl}`)
    let msg: unknown
    try {
      msg = entry.route.codec.decode(any.value)
    } catch (error) {
      throw sdkError(SdkCode.txDecode, `unable to decode ${any.typeUrl}: ${(error as Error).message}`)
    }
    msgs.push({typeUrl: any.typeUrl, route: entry.route, moduleName: entry.moduleName, msg, signers: entry.route.signers(msg)})
  }
  const signerAddresses: string[] = []
  for (const m of msgs) for (const s of m.signers) if (!signerAddresses.includes(s)) signerAddresses.push(s)

  const signers: SignerData[] = signerAddresses.map((address, i) => {
    const info = authInfo.signerInfos[i]
    let pubKey: Uint8Array | undefined
    if (info?.publicKey) {
      if (info.publicKey.typeUrl !== SECP256K1_PUBKEY_URL)
        throw sdkError(SdkCode.invalidPubKey, `unsupported public key type ${info.publicKey.typeUrl}`)
      try {
        pubKey = PubKey.decode(info.publicKey.value).key
      } catch (error) {
        throw sdkError(SdkCode.txDecode, `invalid public key: ${(error as Error).message}`)
      }
    }
    return {
      address,
      signMode: info?.modeInfo?.single?.mode,
      pubKey,
      sequence: info ? BigInt(info.sequence.toString()) : 0n,
      signature: raw.signatures[i] ?? new Uint8Array(),
    }
  })

  const feeInfo = authInfo.fee
  const gasLimit = feeInfo ? BigInt(feeInfo.gasLimit.toString()) : 0n
  let fee: Coin[]
  try {
    fee = fromProtoCoins(feeInfo?.amount ?? [])
  } catch (error) {
    throw sdkError(SdkCode.insufficientFee, `invalid fee provided: ${(error as Error).message}`)
  }
  return {
    bytes,
    hash,
    raw,
    body,
    authInfo,
    msgs,
    signers,
    gasLimit,
    fee,
    feePayer: feeInfo?.payer || signerAddresses[0] || '',
  }
}

/** The SDK's tx-level ValidateBasic plus the messages' own `validateBasic`. */
export function validateBasic(tx: DecodedTx): void {
  if (tx.msgs.length === 0) throw sdkError(SdkCode.invalidRequest, 'must contain at least one message')
  for (const m of tx.msgs) m.route.validateBasic?.(m.msg)
  if (tx.gasLimit > MAX_GAS_WANTED) throw sdkError(SdkCode.invalidRequest, `invalid gas supplied; ${tx.gasLimit} > ${MAX_GAS_WANTED}`)
  if (tx.body.unordered) throw sdkError(SdkCode.notSupported, 'unordered transactions are not enabled')
  if (tx.raw.signatures.length === 0) throw sdkError(SdkCode.noSignatures)
  if (tx.raw.signatures.length !== tx.signers.length)
    throw sdkError(SdkCode.unauthorized, `wrong number of signers; expected ${tx.signers.length}, got ${tx.raw.signatures.length}`)
  if (tx.authInfo.signerInfos.length !== tx.signers.length)
    throw sdkError(SdkCode.unauthorized, `invalid number of signer infos; expected ${tx.signers.length}, got ${tx.authInfo.signerInfos.length}`)
}
