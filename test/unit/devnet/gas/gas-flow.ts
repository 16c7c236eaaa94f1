/**
 * The message sequence of the gas table in shared/design/akash-protocol-2026.md §5, run in process
 * against a DevApp the way chain-sdk's client runs it: simulate with cosmjs's simulation tx (empty
 * fee, SIGN_MODE_UNSPECIFIED, an empty signature), then sign with gas = floor(multiplier × simulated)
 * and a fee at 0.025uakt, one transaction per block.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {MsgAccountDeposit} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {MsgSignProviderAttributes} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  MsgCloseDeployment,
  MsgCreateDeployment,
  MsgUpdateDeployment,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {MsgCreateProvider, MsgUpdateProvider} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {MsgCreateBid, MsgCreateLease, MsgWithdrawLease} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {encodeSecp256k1Pubkey} from '@cosmjs/amino'
import {DirectSecp256k1HdWallet, type EncodeObject, Registry, encodePubkey} from '@cosmjs/proto-signing'
import {SigningStargateClient, calculateFee, defaultRegistryTypes, GasPrice} from '@cosmjs/stargate'
import {SignMode} from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing'
import {AuthInfo, Fee, Tx, TxBody, TxRaw} from 'cosmjs-types/cosmos/tx/v1beta1/tx'

import {DevApp} from '../../../../src/devnet/app.js'
import {ChainDb} from '../../../../src/devnet/core/chain-db.js'
import {parseGasPrice} from '../../../../src/devnet/core/coins.js'
import {defaultDevGenesis} from '../../../../src/devnet/genesis.js'
import {authModule} from '../../../../src/devnet/modules/auth/index.js'
import {bankModule} from '../../../../src/devnet/modules/bank/index.js'
import {akashModules, defaultAkashGenesis} from '../../../../src/devnet/modules/index.js'
import {groupSpecs, loadSdlOrThrow, manifestVersion} from '../../../../src/sdl/index.js'
import {CORPUS} from '../../../helpers/corpus.js'

const ACCOUNTS = JSON.parse(readFileSync(join(import.meta.dirname, '../../../conformance/node/accounts.json'), 'utf8')) as {
  accounts: Array<{name: string; mnemonic: string; address: string; genesisCoins: string}>
}

export const GAS_PRICE = '0.025uakt'

export const registry = new Registry([
  ...defaultRegistryTypes,
  ...[
    MsgCreateDeployment,
    MsgUpdateDeployment,
    MsgCloseDeployment,
    MsgCreateProvider,
    MsgUpdateProvider,
    MsgCreateBid,
    MsgCreateLease,
    MsgWithdrawLease,
    MsgAccountDeposit,
    MsgSignProviderAttributes,
  ].map((codec) => [`/${codec.$type}`, codec] as [string, never]),
])

export interface Signer {
  name: string
  address: string
  pubkey: Uint8Array
  client: SigningStargateClient
}

export interface GasMeasurement {
  label: string
  simulated: number
  gasWanted: number
  gasUsed: number
  code: number
  log: string
}

/** chain-sdk's transaction transport sends every message with the memo `akash: <method>` (it counts in the tx size gas). */
export function chainSdkMemo(msgs: EncodeObject[]): string {
  return `akash: ${msgs[0].typeUrl.split('.').at(-1)!.replace(/^Msg/, '')}`
}

/** A DevApp with every edge dev module, the conformance accounts funded, one block per call. */
export class GasChain {
  readonly app: DevApp
  private readonly db: ChainDb
  private readonly dir = mkdtempSync(join(tmpdir(), 'edge-gas-'))
  private time = Date.parse('2026-12-07T00:00:00Z')

  private constructor(readonly signers: Record<string, Signer>) {
    this.db = new ChainDb(join(this.dir, 'chain.sqlite'))
    this.app = new DevApp({
      db: this.db,
      chainId: 'local',
      modules: [authModule(), bankModule(), ...akashModules()],
      minGasPrices: [parseGasPrice(GAS_PRICE)],
      clock: () => new Date((this.time += 1000)),
    })
    const accounts = ACCOUNTS.accounts.map((a) => ({
      address: a.address,
      coins: a.genesisCoins.split(',').map((c) => {
        const m = /^(\d+)([a-z]+)$/.exec(c)!
        return {denom: m[2], amount: m[1]}
      }),
    }))
    this.app.initChain(defaultDevGenesis({chainId: 'local', accounts, genesisTime: new Date(this.time), appState: {...defaultAkashGenesis()}}))
  }

  static async create(): Promise<GasChain> {
    const signers: Record<string, Signer> = {}
    for (const a of ACCOUNTS.accounts) {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(a.mnemonic, {prefix: 'akash'})
      const [account] = await wallet.getAccounts()
      const client = await SigningStargateClient.offline(wallet, {registry})
      signers[a.name] = {name: a.name, address: account.address, pubkey: account.pubkey, client}
    }
    const chain = new GasChain(signers)
    await chain.app.produceBlock()
    return chain
  }

  close(): void {
    this.db.close()
    rmSync(this.dir, {recursive: true, force: true})
  }

  private account(address: string) {
    const account = this.app.queryContext().accounts.get(address)
    if (!account) throw new Error(`no account ${address}`)
    return account
  }

  /** The gas chain-sdk's client would be told: cosmjs's simulation tx through the Simulate service. */
  simulate(signer: Signer, msgs: EncodeObject[], memo = chainSdkMemo(msgs)): number {
    const tx = Tx.fromPartial({
      authInfo: AuthInfo.fromPartial({
        fee: Fee.fromPartial({}),
        signerInfos: [
          {
            publicKey: encodePubkey(encodeSecp256k1Pubkey(signer.pubkey)),
            sequence: this.account(signer.address).sequence,
            modeInfo: {single: {mode: SignMode.SIGN_MODE_UNSPECIFIED}},
          },
        ],
      }),
      body: TxBody.fromPartial({messages: msgs.map((m) => registry.encodeAsAny(m)), memo}),
      signatures: [new Uint8Array()],
    })
    return this.app.simulate(Tx.encode(tx).finish()).gasUsed
  }

  /** Simulates, signs with floor(multiplier × simulated) gas, and delivers the tx in its own block. */
  async run(label: string, signer: Signer, msgs: EncodeObject[], multiplier = 1.3): Promise<GasMeasurement> {
    const memo = chainSdkMemo(msgs)
    const simulated = this.simulate(signer, msgs, memo)
    const fee = calculateFee(Math.floor(multiplier * simulated), GasPrice.fromString(GAS_PRICE))
    const account = this.account(signer.address)
    const raw = await signer.client.sign(signer.address, msgs, fee, memo, {
      accountNumber: Number(account.accountNumber),
      sequence: Number(account.sequence),
      chainId: 'local',
    })
    const check = await this.app.checkTx(TxRaw.encode(raw).finish())
    if (check.code !== 0) throw new Error(`${label}: CheckTx ${check.codespace}/${check.code} ${check.log}`)
    const {txs} = await this.app.produceBlock()
    const r = txs[0].result
    return {label, simulated, gasWanted: r.gasWanted, gasUsed: r.gasUsed, code: r.code, log: r.log}
  }

  async emptyBlocks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await this.app.produceBlock()
  }
}

/** The real node's figures (§5): simulated and delivered gas; `undefined` delivered = out of gas at ×1.3. */
export const NODE_GAS: Record<string, {simulated: number; used?: number}> = {
  'MsgSend (new recipient)': {simulated: 65202, used: 81159},
  'MsgSend (existing recipient)': {simulated: 51474},
  MsgUpdateProvider: {simulated: 41617},
  MsgCreateDeployment: {simulated: 124495, used: 140452},
  MsgCreateBid: {simulated: 108640, used: 124596},
  MsgCreateLease: {simulated: 150120, used: 166076},
  MsgWithdrawLease: {simulated: 75788, used: 91744},
  MsgAccountDeposit: {simulated: 68231, used: 84187},
  MsgUpdateDeployment: {simulated: 47065},
  'MsgCloseDeployment (with lease)': {simulated: 277055, used: 293012},
}

/** What the real node delivers beyond its simulation on every message: the fee transfer, less the simulation-only costs. */
export const NODE_FEE_DELTA = 15_956

/**
 * Runs the table's messages in order with `multiplier` and returns each first attempt; a message
 * that fails out of gas is sent again at ×2 so that the flow goes on.
 */
export async function runGasTable(chain: GasChain, multiplier: number): Promise<GasMeasurement[]> {
  const {tenant, provider, auditor} = chain.signers
  const out: GasMeasurement[] = []
  const step = async (label: string, signer: Signer, msgs: EncodeObject[]) => {
    const m = await chain.run(label, signer, msgs, multiplier)
    out.push(m)
    if (m.code === 11) await chain.run(`${label} (retry)`, signer, msgs, 2)
    else if (m.code !== 0) throw new Error(`${label}: ${m.code} ${m.log}`)
  }
  // Each signer's first tx records its public key (one more account write): the table's client
  // had signed before, so do that first.
  for (const signer of [tenant, provider, auditor]) {
    await chain.run('warm-up', signer, [{typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: {fromAddress: signer.address, toAddress: chain.signers.validator.address, amount: [{denom: 'uakt', amount: '1'}]}}], 2)
  }
  const recipient = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'
  const send = {typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: {fromAddress: tenant.address, toAddress: recipient, amount: [{denom: 'uakt', amount: '1000000'}]}}
  await step('MsgSend (new recipient)', tenant, [send])
  await step('MsgSend (existing recipient)', tenant, [send])

  const providerInfo = {
    owner: provider.address,
    hostUri: 'https://provider.conformance.test:8443',
    attributes: [{key: 'host', value: 'akash'}],
    info: {email: 'ops@conformance.test', website: ''},
  }
  await chain.run('MsgCreateProvider', provider, [{typeUrl: '/akash.provider.v1beta4.MsgCreateProvider', value: providerInfo}], 2)
  await step('MsgUpdateProvider', provider, [{typeUrl: '/akash.provider.v1beta4.MsgUpdateProvider', value: {...providerInfo, attributes: [{key: 'host', value: 'akash'}, {key: 'tier', value: '1'}]}}])
  await chain.run('MsgSignProviderAttributes', auditor, [
    {typeUrl: '/akash.audit.v1.MsgSignProviderAttributes', value: {owner: provider.address, auditor: auditor.address, attributes: [{key: 'host', value: 'akash'}]}},
  ], 2)

  const file = join(CORPUS, 'awesome-akash/caddy.yaml')
  const sdl = loadSdlOrThrow(readFileSync(file, 'utf8').replace(/akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63/g, auditor.address), {file})
  const dseq = BigInt(chain.app.height())
  await step('MsgCreateDeployment', tenant, [
    {
      typeUrl: '/akash.deployment.v1beta4.MsgCreateDeployment',
      value: MsgCreateDeployment.fromPartial({
        id: {owner: tenant.address, dseq},
        groups: groupSpecs(sdl),
        hash: manifestVersion(sdl).bytes,
        deposit: {amount: {denom: 'uact', amount: '5000000'}, sources: [Source.balance]},
      }),
    },
  ])
  const groups = groupSpecs(sdl)
  const bidId = {owner: tenant.address, dseq, gseq: 1, oseq: 1, provider: provider.address, bseq: 0}
  await step('MsgCreateBid', provider, [
    {
      typeUrl: '/akash.market.v1beta5.MsgCreateBid',
      value: MsgCreateBid.fromPartial({
        id: bidId,
        price: {denom: 'uact', amount: '1000'},
        deposit: {amount: {denom: 'uact', amount: '500000'}, sources: [Source.balance]},
        resourcesOffer: groups[0].resources.map((r) => ({resources: r.resource, count: r.count})),
      }),
    },
  ])
  await step('MsgCreateLease', tenant, [{typeUrl: '/akash.market.v1beta5.MsgCreateLease', value: {bidId}}])
  await chain.emptyBlocks(8)
  await step('MsgWithdrawLease', provider, [{typeUrl: '/akash.market.v1beta5.MsgWithdrawLease', value: {id: bidId}}])
  await step('MsgAccountDeposit', tenant, [
    {
      typeUrl: '/akash.escrow.v1.MsgAccountDeposit',
      value: {signer: tenant.address, id: {scope: 1, xid: `${tenant.address}/${dseq}`}, deposit: {amount: {denom: 'uact', amount: '1000000'}, sources: [Source.balance]}},
    },
  ])
  await step('MsgUpdateDeployment', tenant, [
    {typeUrl: '/akash.deployment.v1beta4.MsgUpdateDeployment', value: {id: {owner: tenant.address, dseq}, hash: new Uint8Array(32).fill(9)}},
  ])
  await step('MsgCloseDeployment (with lease)', tenant, [{typeUrl: '/akash.deployment.v1beta4.MsgCloseDeployment', value: {id: {owner: tenant.address, dseq}}}])
  return out
}
