import {pbkdf2} from 'node:crypto'

import {Bip39, EnglishMnemonic, Random, Ripemd160, Secp256k1, Sha256, Slip10, Slip10Curve, stringToPath} from '@cosmjs/crypto'
import {toBech32} from '@cosmjs/encoding'

import {UsageError} from '../errors.js'

/** Cosmos HD path for account 0 (coin type 118), as Akash wallets use it. */
export const HD_PATH = "m/44'/118'/0'/0/0"
const VALID_WORD_COUNTS = new Set([12, 15, 18, 21, 24])

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
  const wordlist = new Set(EnglishMnemonic.wordlist)
  const unknown = words.map((w, i) => (wordlist.has(w) ? -1 : i + 1)).filter((i) => i > 0)
  if (unknown.length > 0) {
    throw new UsageError(
      `Word${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} of the mnemonic ${unknown.length > 1 ? 'are' : 'is'} not in the BIP-39 English word list.`,
      {code: 'invalid_mnemonic', hint: 'Check the spelling of those words.'},
    )
  }
  try {
    // The EnglishMnemonic constructor checks the word list only; decoding checks the checksum.
    Bip39.decode(new EnglishMnemonic(mnemonic))
  } catch {
    throw new UsageError('The mnemonic fails its BIP-39 checksum: a word is wrong or out of order.', {
      code: 'invalid_mnemonic',
      hint: 'Check every word and their order.',
    })
  }
  return mnemonic
}

export function generateMnemonic(words: 12 | 24 = 24): string {
  return Bip39.encode(Random.getBytes(words === 24 ? 32 : 16)).toString()
}

export interface DerivedKey {
  address: string
  /** Compressed secp256k1 public key (33 bytes). */
  pubkey: Uint8Array
  privkey: Uint8Array
}

export async function deriveKey(mnemonic: string, prefix = 'akash'): Promise<DerivedKey> {
  const seed = await mnemonicToSeed(new EnglishMnemonic(normalizeMnemonic(mnemonic)).toString())
  const {privkey} = Slip10.derivePath(Slip10Curve.Secp256k1, seed, stringToPath(HD_PATH))
  const keypair = await Secp256k1.makeKeypair(privkey)
  const pubkey = Secp256k1.compressPubkey(keypair.pubkey)
  const address = toBech32(prefix, new Ripemd160().update(new Sha256(pubkey).digest()).digest())
  return {address, pubkey, privkey}
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
