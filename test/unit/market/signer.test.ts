import {Bip39, EnglishMnemonic} from '@cosmjs/crypto'
import {DirectSecp256k1HdWallet, makeSignBytes} from '@cosmjs/proto-signing'
import {SignDoc} from 'cosmjs-types/cosmos/tx/v1beta1/tx'
import {describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic, mnemonicToSeed} from '../../../src/config/mnemonic.js'
import {directSigner, signDocBytes} from '../../../src/market/akash/signer.js'

describe("signing with a derived key, as cosmjs' wallet does", () => {
  it("computes the BIP-39 seed cosmjs computes (Node's PBKDF2)", async () => {
    for (const words of [12, 24] as const) {
      const mnemonic = generateMnemonic(words)
      expect(await mnemonicToSeed(mnemonic)).toEqual(await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic)))
    }
  })

  it('encodes the SignDoc byte for byte as cosmjs-types does', () => {
    const docs = [
      {bodyBytes: new Uint8Array([1, 2, 3]), authInfoBytes: new Uint8Array(300).fill(7), chainId: 'edge-dev-1', accountNumber: 12345678901234n},
      {bodyBytes: new Uint8Array(), authInfoBytes: new Uint8Array([9]), chainId: '', accountNumber: 0n},
      {bodyBytes: new Uint8Array(200_000).fill(1), authInfoBytes: new Uint8Array(), chainId: 'akashnet-2', accountNumber: 2n ** 64n - 1n},
    ]
    for (const doc of docs) expect(signDocBytes(doc)).toEqual(SignDoc.encode(SignDoc.fromPartial(doc)).finish())
  })

  it("gives the account and the signature DirectSecp256k1HdWallet gives", async () => {
    const mnemonic = generateMnemonic()
    const key = await deriveKey(mnemonic)
    const theirs = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {prefix: 'akash'})
    const ours = directSigner(key)
    expect(await ours.getAccounts()).toEqual(await theirs.getAccounts())
    const doc = SignDoc.fromPartial({bodyBytes: new Uint8Array([10, 3, 1, 2, 3]), authInfoBytes: new Uint8Array([18, 1, 0]), chainId: 'edge-dev-1', accountNumber: 42n})
    expect(makeSignBytes(doc)).toEqual(signDocBytes(doc))
    expect(await ours.signDirect(key.address, doc)).toEqual(await theirs.signDirect(key.address, doc))
    await expect(ours.signDirect('akash1someoneelse', doc)).rejects.toThrow(/not found/)
  })
})
