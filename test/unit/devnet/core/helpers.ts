import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DirectSecp256k1HdWallet, Registry, makeAuthInfoBytes, makeSignDoc, encodePubkey, type EncodeObject} from '@cosmjs/proto-signing'
import {encodeSecp256k1Pubkey} from '@cosmjs/amino'
import {defaultRegistryTypes} from '@cosmjs/stargate'
import {TxRaw} from 'cosmjs-types/cosmos/tx/v1beta1/tx'

import {DevApp} from '../../../../src/devnet/app.js'
import {ChainDb} from '../../../../src/devnet/core/chain-db.js'
import {parseGasPrice} from '../../../../src/devnet/core/coins.js'
import {defaultDevGenesis} from '../../../../src/devnet/genesis.js'
import {authModule} from '../../../../src/devnet/modules/auth/index.js'
import {bankModule} from '../../../../src/devnet/modules/bank/index.js'
import type {Module} from '../../../../src/devnet/types.js'

/** Fixed test mnemonics (never funded anywhere real). */
export const MNEMONICS = {
  alice: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  bob: 'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong',
  carol: 'legal winner thank year wave sausage worth useful legal winner thank yellow',
}

export interface TestKey {
  wallet: DirectSecp256k1HdWallet
  address: string
  pubkey: Uint8Array
}

export async function testKey(mnemonic: string): Promise<TestKey> {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, {prefix: 'akash'})
  const [account] = await wallet.getAccounts()
  return {wallet, address: account.address, pubkey: account.pubkey}
}

export const registry = new Registry(defaultRegistryTypes)

export interface SignOptions {
  chainId?: string
  accountNumber: number
  sequence: number
  fee?: {amount: Array<{denom: string; amount: string}>; gas: string}
  memo?: string
  /** Signs these bytes instead (to test a bad signature). */
  tamper?: boolean
}

/** Signs messages with SIGN_MODE_DIRECT exactly as cosmjs's SigningStargateClient does. */
export async function signTx(key: TestKey, msgs: EncodeObject[], o: SignOptions): Promise<Uint8Array> {
  const bodyBytes = registry.encode({typeUrl: '/cosmos.tx.v1beta1.TxBody', value: {messages: msgs, memo: o.memo ?? ''}})
  const fee = o.fee ?? {amount: [{denom: 'uakt', amount: '5000'}], gas: '200000'}
  const authInfoBytes = makeAuthInfoBytes([{pubkey: encodePubkey(encodeSecp256k1Pubkey(key.pubkey)), sequence: o.sequence}], fee.amount, Number(fee.gas), undefined, undefined)
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? 'edge-dev', o.accountNumber)
  const {signature} = await key.wallet.signDirect(key.address, signDoc)
  const sig = Buffer.from(signature.signature, 'base64')
  if (o.tamper) sig[10] ^= 1
  return TxRaw.encode(TxRaw.fromPartial({bodyBytes, authInfoBytes, signatures: [sig]})).finish()
}

export function sendMsg(from: string, to: string, amount: string, denom = 'uakt'): EncodeObject {
  return {typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: {fromAddress: from, toAddress: to, amount: [{denom, amount}]}}
}

export interface TestChain {
  app: DevApp
  db: ChainDb
  dir: string
  close(): void
}

/** A DevApp on a temp SQLite file with auth, bank and `extra` modules, genesis-funded accounts. */
export function testChain(accounts: Array<{address: string; coins: Array<{denom: string; amount: string}>}>, extra: Module[] = [], dir = mkdtempSync(join(tmpdir(), 'edge-devnet-'))): TestChain {
  const db = new ChainDb(join(dir, 'chain.sqlite'))
  const app = new DevApp({db, chainId: 'edge-dev', modules: [authModule(), bankModule(), ...extra], minGasPrices: [parseGasPrice('0.025uakt')]})
  app.initChain(defaultDevGenesis({chainId: 'edge-dev', accounts, genesisTime: new Date('2026-01-01T00:00:00Z')}))
  return {
    app,
    db,
    dir,
    close() {
      db.close()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
