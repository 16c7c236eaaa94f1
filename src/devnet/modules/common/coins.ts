/** `sdk.Coin` / `sdk.DecCoin` checks as the SDK makes them, on chain-sdk's codec shapes. */
import {isValidDenom} from '../../core/coins.js'
import {formatDec, isDecString, parseDec} from './dec.js'

export interface ProtoCoin {
  denom: string
  amount: string
}

export const DENOM_UAKT = 'uakt'
export const DENOM_UACT = 'uact'

export {isValidDenom}

/** `Coin.Validate`: the Go error text, or undefined. */
export function coinError(coin: ProtoCoin | undefined): string | undefined {
  const denom = coin?.denom ?? ''
  if (!isValidDenom(denom)) return `invalid denom: ${denom}`
  const amount = coin?.amount ?? ''
  if (amount === '') return 'amount is nil'
  if (!/^-?\d+$/.test(amount)) return `invalid coin amount: ${amount}`
  if (BigInt(amount) < 0n) return `negative coin amount: ${amount}`
  return undefined
}

/** The integer amount of a coin (0 when empty). */
export function coinAmount(coin: ProtoCoin | undefined): bigint {
  const amount = coin?.amount ?? ''
  return /^-?\d+$/.test(amount) ? BigInt(amount) : 0n
}

export interface ProtoDecCoin {
  denom: string
  amount: string
}

/** `DecCoin.IsValid`: a valid denom and a non-negative amount. */
export function decCoinValid(coin: ProtoDecCoin | undefined): boolean {
  if (!coin || !isValidDenom(coin.denom)) return false
  if (!isDecString(coin.amount)) return false
  return parseDec(coin.amount) >= 0n
}

export function decCoinAmount(coin: ProtoDecCoin | undefined): bigint {
  if (!coin || !isDecString(coin.amount)) return 0n
  return parseDec(coin.amount)
}

export function protoDecCoin(denom: string, amount: bigint): ProtoDecCoin {
  return {denom, amount: formatDec(amount)}
}

