/**
 * A cosmjs `OfflineDirectSigner` over a key edge has already derived, as cosmjs'
 * `DirectSecp256k1Wallet` signs: SHA-256 of the SignDoc, secp256k1 (RFC 6979, low S), r‖s.
 *
 * chain-sdk's `signerMnemonic` would build a `DirectSecp256k1HdWallet` instead, which derives the
 * key from the mnemonic again, with a pure-JavaScript PBKDF2 (cosmjs 0.38 uses @scure/bip39): about
 * 150 ms of main-thread CPU before the first transaction, for a key edge holds already.
 */
import type {OfflineDirectSigner} from '@cosmjs/proto-signing'
import {secp256k1} from '@noble/curves/secp256k1'
import {sha256} from '@noble/hashes/sha256'

/** The SignDoc fields as cosmjs passes them (`cosmos.tx.v1beta1.SignDoc`). */
export interface SignDocLike {
  bodyBytes: Uint8Array
  authInfoBytes: Uint8Array
  chainId: string
  accountNumber: bigint
}

export function directSigner(key: {address: string; pubkey: Uint8Array; privkey: Uint8Array}): OfflineDirectSigner {
  const pubkey = Buffer.from(key.pubkey).toString('base64')
  return {
    getAccounts: async () => [{address: key.address, algo: 'secp256k1', pubkey: key.pubkey}],
    async signDirect(signerAddress, signDoc) {
      if (signerAddress !== key.address) throw new Error(`Address ${signerAddress} not found in wallet`)
      const signature = secp256k1.sign(sha256(signDocBytes(signDoc)), key.privkey, {lowS: true}).toCompactRawBytes()
      return {
        signed: signDoc,
        signature: {pub_key: {type: 'tendermint/PubKeySecp256k1', value: pubkey}, signature: Buffer.from(signature).toString('base64')},
      }
    },
  }
}

/** `SignDoc` in protobuf: body_bytes = 1, auth_info_bytes = 2, chain_id = 3, account_number = 4 (empty fields omitted). */
export function signDocBytes(doc: SignDocLike): Uint8Array {
  const parts: number[] = []
  const varint = (value: bigint) => {
    let v = value
    while (v > 0x7fn) {
      parts.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    parts.push(Number(v))
  }
  const bytes = (field: number, value: Uint8Array) => {
    if (value.length === 0) return
    varint(BigInt((field << 3) | 2))
    varint(BigInt(value.length))
    for (const b of value) parts.push(b)
  }
  bytes(1, doc.bodyBytes)
  bytes(2, doc.authInfoBytes)
  bytes(3, new TextEncoder().encode(doc.chainId))
  if (doc.accountNumber !== 0n) {
    varint(BigInt((4 << 3) | 0))
    varint(BigInt.asUintN(64, doc.accountNumber))
  }
  return Uint8Array.from(parts)
}
