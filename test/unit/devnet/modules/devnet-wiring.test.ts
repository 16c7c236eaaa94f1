/**
 * The Akash modules inside the real devnet core, driven by chain-sdk's own clients: transactions
 * through `createStargateClient` (CometBFT RPC), queries through `createChainNodeSDK` (gRPC) and
 * `createChainNodeWebSDK` (REST). Checks the wiring (routes, codecs, paths, errors, genesis),
 * not the rules, which the other module tests cover.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {createChainNodeWebSDK} from '@akashnetwork/chain-sdk/web'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet} from '../../../../src/devnet/index.js'
import {defaultAkashGenesis} from '../../../../src/devnet/modules/index.js'
import {MNEMONICS} from '../core/helpers.js'
import {createDeployment, createProvider} from './builders.js'

let dir: string
let devnet: Devnet
let tenant: string
let provider: string
type Sdk = ReturnType<typeof createChainNodeSDK>
let tenantSdk: Sdk
let providerSdk: Sdk

function sdkFor(mnemonic: string): Sdk {
  return createChainNodeSDK({
    query: {baseUrl: devnet.endpoints.grpc},
    tx: {
      signer: createStargateClient({
        baseUrl: devnet.endpoints.rpc,
        signerMnemonic: mnemonic,
        stargateOptions: {broadcastPollIntervalMs: 50},
      }),
    },
  })
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('timed out')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-akash-modules-'))
  tenant = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.alice, {prefix: 'akash'})).getAccounts())[0].address
  provider = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.bob, {prefix: 'akash'})).getAccounts())[0].address
  devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 40,
    accounts: [
      {address: tenant, coins: [{denom: 'uakt', amount: '1000000000'}]},
      {address: provider, coins: [{denom: 'uakt', amount: '100000000'}]},
    ],
    genesis: (base) => ({...base, appState: {...defaultAkashGenesis({epochBlocks: 2})}}),
  })
  tenantSdk = sdkFor(MNEMONICS.alice)
  providerSdk = sdkFor(MNEMONICS.bob)
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('akash modules in edge dev, through chain-sdk', () => {
  it('mints ACT at the epoch, then runs provider → deployment → bid → lease', async () => {
    await tenantSdk.akash.bme.v1.mintACT({owner: tenant, to: tenant, coinsToBurn: {denom: 'uakt', amount: '50000000'}})
    const bank = tenantSdk.cosmos.bank.v1beta1
    const act = await waitFor(
      () => bank.getBalance({address: tenant, denom: 'uact'}),
      (r) => r.balance?.amount !== '0' && r.balance !== undefined,
    )
    expect(act.balance?.amount).toBe('49875000')

    await providerSdk.akash.provider.v1beta4.createProvider(createProvider(provider, [{key: 'region', value: 'local'}]))
    const prov = await tenantSdk.akash.provider.v1beta4.getProvider({owner: provider})
    expect(prov.provider?.attributes).toEqual([{key: 'region', value: 'local'}])

    const dseq = BigInt(devnet.height() + 1)
    const msg = createDeployment(tenant, dseq, {groups: [{attributes: [{key: 'region', value: 'local'}], units: [{price: '12.5'}]}]})
    await tenantSdk.akash.deployment.v1beta4.createDeployment(msg as never)

    const orders = await providerSdk.akash.market.v1beta5.getOrders({filters: {owner: tenant, state: 'open'}})
    expect(orders.orders).toHaveLength(1)
    const oid = orders.orders[0].id!
    await providerSdk.akash.market.v1beta5.createBid({
      id: {...oid, provider, bseq: 0},
      price: {denom: 'uact', amount: '12.5'},
      deposit: {amount: {denom: 'uakt', amount: '500000'}, sources: [1]},
      resourcesOffer: [],
    } as never)
    const bids = await tenantSdk.akash.market.v1beta5.getBids({filters: {owner: tenant, state: 'open'}})
    expect(bids.bids[0].bid?.price).toEqual({denom: 'uact', amount: '12.5'})
    expect(bids.bids[0].escrowAccount?.state?.funds[0]).toEqual({denom: 'uakt', amount: '500000'})

    await tenantSdk.akash.market.v1beta5.createLease({bidId: bids.bids[0].bid!.id!})
    const leases = await tenantSdk.akash.market.v1beta5.getLeases({filters: {owner: tenant}})
    expect(leases.leases[0].lease?.state).toBe(1)
    expect(leases.leases[0].escrowPayment?.state?.rate).toEqual({denom: 'uact', amount: '12.5'})

    // REST door: grpc-gateway paths, with the path parameter
    const web = createChainNodeWebSDK({query: {baseUrl: devnet.endpoints.rest}})
    const viaRest = await web.akash.deployment.v1beta4.getDeployment({id: {owner: tenant, dseq}})
    expect(viaRest.deployment?.state).toBe(1)
    expect(viaRest.escrowAccount?.state?.funds[0]?.denom).toBe('uact')
    const provRest = await web.akash.provider.v1beta4.getProvider({owner: provider})
    expect(provRest.provider?.hostUri).toBe('https://provider.example.com:8443')
  })

  it('reports module errors with their codespace and code to the client', async () => {
    const err = await tenantSdk.akash.deployment.v1beta4
      .closeDeployment({id: {owner: tenant, dseq: 999_999n}} as never)
      .then(() => undefined, (e: unknown) => e)
    expect(String(err)).toMatch(/Deployment not found/)
    const notFound = await tenantSdk.akash.deployment.v1beta4
      .getDeployment({id: {owner: tenant, dseq: 999_999n}})
      .then(() => undefined, (e: unknown) => e)
    expect(String(notFound)).toMatch(/not.?found/i)
  })
})
