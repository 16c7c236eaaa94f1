/**
 * Account addresses as `sdk.AccAddressFromBech32` checks them: bech32 with the `akash` prefix,
 * 1 to 255 bytes of payload.
 */
import {fromBech32, toHex} from '@cosmjs/encoding'

import {BECH32_PREFIX} from '../../core/address.js'

export {BECH32_PREFIX}

/** Decodes an account address; returns the Go error text when it is not one. */
export function decodeAddress(address: string): {bytes: Uint8Array} | {error: string} {
  if (address.trim().length === 0) return {error: 'empty address string is not allowed'}
  let decoded: {prefix: string; data: Uint8Array}
  try {
    decoded = fromBech32(address, 1023)
  } catch (err) {
    return {error: `decoding bech32 failed: ${(err as Error).message}`}
  }
  if (decoded.prefix !== BECH32_PREFIX) {
    return {error: `invalid Bech32 prefix; expected ${BECH32_PREFIX}, got ${decoded.prefix}`}
  }
  if (decoded.data.length === 0) return {error: 'addresses cannot be empty: unknown address'}
  if (decoded.data.length > 255) return {error: `address max length is 255, got ${decoded.data.length}: unknown address`}
  return {bytes: decoded.data}
}

export function isAddress(address: string): boolean {
  return 'bytes' in decodeAddress(address)
}

/** The Go error text for an invalid address, or undefined when it is valid. */
export function addressError(address: string): string | undefined {
  const res = decodeAddress(address)
  return 'error' in res ? res.error : undefined
}

/**
 * Store-key form of an address: hex of its bytes, so that iteration follows the byte order
 * the real store uses (length-prefixed address bytes), not bech32 string order.
 */
export function addressKey(address: string): string {
  const res = decodeAddress(address)
  if ('error' in res) throw new Error(`not an address: ${address}`)
  return toHex(res.bytes)
}
