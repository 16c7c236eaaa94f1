import {randomBytes} from 'node:crypto'

import {Bip39, EnglishMnemonic, Slip10, Slip10Curve, Slip10RawIndex, stringToPath} from '@cosmjs/crypto'
import {DirectSecp256k1HdWallet, makeSignBytes} from '@cosmjs/proto-signing'
import {SignDoc} from 'cosmjs-types/cosmos/tx/v1beta1/tx'
import {describe, expect, it} from 'vitest'

import {HD_PATH, deriveKey, generateMnemonic, mnemonicToSeed, slip10Secp256k1} from '../../../src/config/mnemonic.js'
import {directSigner, signDocBytes} from '../../../src/market/akash/signer.js'

describe("signing with a derived key, as cosmjs' wallet does", () => {
  it("computes the BIP-39 seed cosmjs computes (Node's PBKDF2)", async () => {
    for (const words of [12, 24] as const) {
      const mnemonic = generateMnemonic(words)
      expect(await mnemonicToSeed(mnemonic)).toEqual(await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic)))
    }
  })

  it("derives the SLIP-10 secp256k1 key cosmjs derives, on hardened and normal paths", () => {
    const hd = stringToPath(HD_PATH).map((i) => i.toNumber())
    expect(hd).toEqual([0x8000002c, 0x80000076, 0x80000000, 0, 0])
    for (let n = 0; n < 20; n++) {
      const seed = randomBytes(64)
      const path = n === 0 ? hd : Array.from({length: 1 + (n % 5)}, () => randomBytes(4).readUInt32BE(0))
      const theirs = Slip10.derivePath(Slip10Curve.Secp256k1, seed, path.map((i) => new Slip10RawIndex(i))).privkey
      expect(slip10Secp256k1(seed, path)).toEqual(theirs)
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
