import {fromBech32, toBech32} from '@cosmjs/encoding'
import {ripemd160} from '@noble/hashes/ripemd160'
import {sha256} from '@noble/hashes/sha256'


export const BECH32_PREFIX = 'akash'

const pubKeyAddresses = new Map<string, string>()

/** The account address of a compressed secp256k1 public key: RIPEMD160(SHA256(key)); remembered (every tx asks, twice). */
export function addressFromPubKey(pubKey: Uint8Array, prefix = BECH32_PREFIX): string {
  const cacheKey = `${prefix}/${Buffer.from(pubKey).toString('hex')}`
  let address = pubKeyAddresses.get(cacheKey)
  if (!address) {
    address = toBech32(prefix, ripemd160(sha256(pubKey)))
    if (pubKeyAddresses.size > 20_000) pubKeyAddresses.clear()
    pubKeyAddresses.set(cacheKey, address)
  }
  return address
}

const moduleAddresses = new Map<string, string>()

/** A module account's address, as the SDK's `authtypes.NewModuleAddress`: SHA256(name)[:20]. */
export function moduleAddress(name: string, prefix = BECH32_PREFIX): string {
  const cacheKey = `${prefix}/${name}`
  let address = moduleAddresses.get(cacheKey)
  if (!address) {
    address = toBech32(prefix, sha256(new TextEncoder().encode(name)).slice(0, 20))
    moduleAddresses.set(cacheKey, address)
  }
  return address
}

/** The address bytes of a bech32 account address, or undefined when it is not one. */
export function addressBytes(address: string, prefix = BECH32_PREFIX): Uint8Array | undefined {
  try {
    const decoded = fromBech32(address)
    if (decoded.prefix !== prefix) return undefined
    if (decoded.data.length !== 20 && decoded.data.length !== 32) return undefined
    return decoded.data
  } catch {
    return undefined
  }
}

