import {pbkdf2, randomBytes} from 'node:crypto'

import {toBech32} from '@cosmjs/encoding'
import {secp256k1} from '@noble/curves/secp256k1'
import {hmac} from '@noble/hashes/hmac'
import {ripemd160} from '@noble/hashes/ripemd160'
import {sha256} from '@noble/hashes/sha256'
import {sha512} from '@noble/hashes/sha512'
import {entropyToMnemonic, mnemonicToEntropy} from '@scure/bip39'
import {wordlist} from '@scure/bip39/wordlists/english'

import {UsageError} from '../errors.js'

/** Cosmos HD path for account 0 (coin type 118), as Akash wallets use it. */
export const HD_PATH = "m/44'/118'/0'/0/0"
const HARDENED = 0x80000000
const PATH = [44 + HARDENED, 118 + HARDENED, 0 + HARDENED, 0, 0]
const VALID_WORD_COUNTS = new Set([12, 15, 18, 21, 24])
const WORDS = new Set(wordlist)

/** Splits on any whitespace and lower-cases, so pasted mnemonics with newlines work. */
export function normalizeMnemonic(input: string): string {
  return input.trim().toLowerCase().split(/\s+/).join(' ')
}

/**
 * Checks word count, word list and checksum. Errors never repeat the mnemonic or any of its
 * words: they say which position is wrong.
 */
export function validateMnemonic(input: string): string {
  const mnemonic = normalizeMnemonic(input)
  const words = mnemonic === '' ? [] : mnemonic.split(' ')
  if (!VALID_WORD_COUNTS.has(words.length)) {
    throw new UsageError(`The mnemonic has ${words.length} words; a BIP-39 mnemonic has 12, 15, 18, 21 or 24.`, {
      code: 'invalid_mnemonic',
      hint: 'Check that the whole phrase was pasted, separated by spaces.',
    })
  }
  const unknown = words.map((w, i) => (WORDS.has(w) ? -1 : i + 1)).filter((i) => i > 0)
  if (unknown.length > 0) {
    throw new UsageError(
      `Word${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} of the mnemonic ${unknown.length > 1 ? 'are' : 'is'} not in the BIP-39 English word list.`,
      {code: 'invalid_mnemonic', hint: 'Check the spelling of those words.'},
    )
  }
  try {
    mnemonicToEntropy(mnemonic, wordlist)
  } catch {
    throw new UsageError('The mnemonic fails its BIP-39 checksum: a word is wrong or out of order.', {
      code: 'invalid_mnemonic',
      hint: 'Check every word and their order.',
    })
  }
  return mnemonic
}

export function generateMnemonic(words: 12 | 24 = 24): string {
  return entropyToMnemonic(randomBytes(words === 24 ? 32 : 16), wordlist)
}

export interface DerivedKey {
  address: string
  /** Compressed secp256k1 public key (33 bytes). */
  pubkey: Uint8Array
  privkey: Uint8Array
}

// A command may derive the same key more than once (the keystore checks the address it unlocks,
// then the market signs with it); the work is done once per process.
const derived = new Map<string, Promise<DerivedKey>>()

/**
 * The key at HD_PATH and its address. The words must be from the BIP-39 English list (12 to 24 of
 * them; the checksum is validateMnemonic's business), as cosmjs' EnglishMnemonic requires.
 */
export function deriveKey(mnemonic: string, prefix = 'akash'): Promise<DerivedKey> {
  const normalized = normalizeMnemonic(mnemonic)
  const words = normalized.split(' ')
  if (!VALID_WORD_COUNTS.has(words.length) || !words.every((w) => WORDS.has(w))) return Promise.reject(new Error('Invalid mnemonic format'))
  const cacheKey = `${prefix} ${normalized}`
  let key = derived.get(cacheKey)
  if (!key) {
    key = mnemonicToSeed(normalized).then((seed) => {
      const privkey = slip10Secp256k1(seed, PATH)
      const pubkey = secp256k1.getPublicKey(privkey, true)
      return {address: toBech32(prefix, ripemd160(sha256(pubkey))), pubkey, privkey}
    })
    derived.set(cacheKey, key)
    key.catch(() => derived.delete(cacheKey))
  }
  return key
}

/**
 * The BIP-39 seed (no passphrase): PBKDF2-HMAC-SHA512 of the NFKD mnemonic, salt "mnemonic", 2048
 * rounds, 64 bytes. Node's PBKDF2 runs on the thread pool; cosmjs 0.38's `Bip39.mnemonicToSeed`
 * computes the same in JavaScript on the main thread (about 150 ms here).
 */
export function mnemonicToSeed(mnemonic: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(mnemonic.normalize('NFKD'), 'utf8'), Buffer.from('mnemonic', 'utf8'), 2048, 64, 'sha512', (error, seed) =>
      error ? reject(error) : resolve(new Uint8Array(seed)),
    ),
  )
}

/**
 * SLIP-10 private key derivation on secp256k1 (BIP-32 with SLIP-10's rule for the ~2^-127 case
 * of an invalid key), as cosmjs' Slip10.derivePath computes it; with the same @noble/curves
 * instance that signs, so its precomputed tables are built once.
 */
export function slip10Secp256k1(seed: Uint8Array, path: readonly number[]): Uint8Array {
  const n = secp256k1.CURVE.n
  let i = hmac(sha512, new TextEncoder().encode('Bitcoin seed'), seed)
  while (isZero(i.subarray(0, 32)) || toBigInt(i.subarray(0, 32)) >= n) i = hmac(sha512, new TextEncoder().encode('Bitcoin seed'), i)
  let privkey = i.slice(0, 32)
  let chainCode = i.slice(32)
  for (const index of path) {
    const indexBytes = new Uint8Array([index >>> 24, (index >>> 16) & 0xff, (index >>> 8) & 0xff, index & 0xff])
    const data = index >= HARDENED ? concat(new Uint8Array([0]), privkey, indexBytes) : concat(secp256k1.getPublicKey(privkey, true), indexBytes)
    i = hmac(sha512, chainCode, data)
    for (;;) {
      const il = toBigInt(i.subarray(0, 32))
      const child = (il + toBigInt(privkey)) % n
      if (il < n && child !== 0n) {
        privkey = fromBigInt(child)
        chainCode = i.slice(32)
        break
      }
      i = hmac(sha512, chainCode, concat(new Uint8Array([1]), i.subarray(32), indexBytes))
    }
  }
  return privkey
}

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0)
const toBigInt = (bytes: Uint8Array) => BigInt('0x' + Buffer.from(bytes).toString('hex'))
const fromBigInt = (value: bigint) => Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'))

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
