import {TxError} from '../types.js'

/**
 * The root errors of cosmos-sdk `types/errors` (codespace `sdk`) that the devnet returns. A
 * TxError's message is the whole log, as the SDK's wrapped errors print it:
 * "<context>: <root description>".
 */
export const SdkCode = {
  txDecode: 2,
  invalidSequence: 3,
  unauthorized: 4,
  insufficientFunds: 5,
  unknownRequest: 6,
  invalidAddress: 7,
  invalidPubKey: 8,
  unknownAddress: 9,
  invalidCoins: 10,
  outOfGas: 11,
  memoTooLarge: 12,
  insufficientFee: 13,
  tooManySignatures: 14,
  noSignatures: 15,
  invalidRequest: 18,
  txTooLarge: 21,
  invalidChainId: 28,
  invalidType: 29,
  txTimeoutHeight: 30,
  unknownExtensionOptions: 31,
  wrongSequence: 32,
  notSupported: 37,
  notFound: 38,
  invalidGasLimit: 41,
} as const

const descriptions: Record<number, string> = {
  2: 'tx parse error',
  3: 'invalid sequence',
  4: 'unauthorized',
  5: 'insufficient funds',
  6: 'unknown request',
  7: 'invalid address',
  8: 'invalid pubkey',
  9: 'unknown address',
  10: 'invalid coins',
  11: 'out of gas',
  12: 'memo too large',
  13: 'insufficient fee',
  14: 'maximum number of signatures exceeded',
  15: 'no signatures supplied',
  18: 'invalid request',
  21: 'tx too large',
  28: 'invalid chain-id',
  29: 'invalid type',
  30: 'tx timeout height',
  31: 'unknown extension options',
  32: 'incorrect account sequence',
  37: 'feature not supported',
  38: 'not found',
  41: 'invalid gas limit',
}

/** An `sdk` root error wrapped with context: `sdkError(5, 'spendable balance …')`. */
export function sdkError(code: number, context?: string): TxError {
  const root = descriptions[code] ?? 'unknown'
  return new TxError('sdk', code, context ? `${context}: ${root}` : root)
}

/** Wraps an existing TxError with more context, keeping its codespace and code. */
export function wrapTxError(error: TxError, context: string): TxError {
  return new TxError(error.codespace, error.code, `${context}: ${error.message}`)
}

/** Anything thrown by a handler, as a TxError (unexpected errors become sdk/1-style internal errors). */
export function asTxError(error: unknown): TxError {
  if (error instanceof TxError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new TxError('undefined', 1, `${message}: internal`)
}
