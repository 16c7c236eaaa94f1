/**
 * Reclamation inside the real devnet core, through chain-sdk: the event as the chain emits it
 * (proto-JSON attribute values), the REST view, SQLite persistence across a restart, and the
 * minimum window a start asks for (genesis for a new chain, a params change for an existing one).
 * The rules themselves are in reclamation.test.ts.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, type DevnetOptions, startDevnet} from '../../../../src/devnet/index.js'
import {MNEMONICS} from '../core/helpers.js'
import {createDeployment, createProvider} from './builders.js'

type Sdk = ReturnType<typeof createChainNodeSDK>

let dir: string
let devnet: Devnet | undefined
let tenant: string
let provider: string
const disconnects: Array<() => Promise<void>> = []

async function start(options: Partial<DevnetOptions> = {}): Promise<Devnet> {
  devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 40,
    accounts: [
      {address: tenant, coins: [{denom: 'uakt', amount: '1000000000'}, {denom: 'uact', amount: '100000000'}]},
      {address: provider, coins: [{denom: 'uakt', amount: '100000000'}]},
    ],
    ...options,
  })
  return devnet
}

async function stop(): Promise<void> {
  for (const disconnect of disconnects.splice(0)) await disconnect()
  await devnet?.stop()
  devnet = undefined
}

function sdkFor(mnemonic: string): Sdk {
  const signer = createStargateClient({baseUrl: devnet!.endpoints.rpc, signerMnemonic: mnemonic, stargateOptions: {broadcastPollIntervalMs: 50}})
  disconnects.push(() => signer.disconnect())
  return createChainNodeSDK({query: {baseUrl: devnet!.endpoints.grpc}, tx: {signer}})
}

async function nextBlock(): Promise<void> {
  const height = devnet!.height()
  while (devnet!.height() <= height + 1) await new Promise((r) => setTimeout(r, 20))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-reclamation-'))
  const address = async (m: string) => (await (await DirectSecp256k1HdWallet.fromMnemonic(m, {prefix: 'akash'})).getAccounts())[0].address
  tenant = await address(MNEMONICS.alice)
  provider = await address(MNEMONICS.bob)
})

afterAll(async () => {
  await stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('reclamation in edge dev', () => {
  const id = {owner: '', dseq: 0n, gseq: 1, oseq: 1, provider: '', bseq: 0}
  let deadline = 0n

  it('starts reclamation through chain-sdk and emits the node’s event', async () => {
    await start({minReclamationWindowSeconds: 2})
    const tenantSdk = sdkFor(MNEMONICS.alice)
    const providerSdk = sdkFor(MNEMONICS.bob)
    const params = await tenantSdk.akash.market.v1beta5.getParams({})
    expect(params.params?.minReclamationWindow).toEqual({seconds: 2n, nanos: 0})

    await providerSdk.akash.provider.v1beta4.createProvider(createProvider(provider))
    Object.assign(id, {owner: tenant, dseq: BigInt(devnet!.height() + 1), provider})
    await tenantSdk.akash.deployment.v1beta4.createDeployment(createDeployment(tenant, id.dseq, {minWindowSeconds: 3}) as never)
    await providerSdk.akash.market.v1beta5.createBid({
      id,
      price: {denom: 'uact', amount: '10'},
      deposit: {amount: {denom: 'uakt', amount: '500000'}, sources: [1]},
      resourcesOffer: [],
      reclamationWindow: {seconds: 4n, nanos: 0},
    })
    await tenantSdk.akash.market.v1beta5.createLease({bidId: id})
    let events: ReadonlyArray<{type: string; attributes: ReadonlyArray<{key: string; value: string}>}> = []
    await providerSdk.akash.market.v1beta5.leaseStartReclaim({id, reason: 10001}, {afterBroadcast: (r) => (events = r.events)})
    const started = events.find((e) => e.type === 'akash.market.v1.EventLeaseReclaimStarted')
    const attrs = Object.fromEntries(started!.attributes.map((a) => [a.key, a.value]))
    deadline = BigInt(JSON.parse(attrs.deadline) as string)
    expect(attrs.reason).toBe('"lease_closed_reason_decommission"')
    expect(JSON.parse(attrs.id)).toEqual({owner: tenant, dseq: id.dseq.toString(), gseq: 1, oseq: 1, provider, bseq: 0})

    const {lease} = await tenantSdk.akash.market.v1beta5.getLease({id})
    expect(lease).toMatchObject({state: 4, reclamation: {window: {seconds: 4n, nanos: 0}, deadline, reason: 10001}})
    const rest = (await (await fetch(`${devnet!.endpoints.rest}/akash/market/v1beta5/leases/list?filters.state=reclaiming`)).json()) as {
      leases: Array<{lease: {state: string; reclamation: {deadline: string; reason: string}}}>
    }
    expect(rest.leases.map((l) => [l.lease.state, l.lease.reclamation.deadline, l.lease.reclamation.reason])).toEqual([
      ['reclaiming', deadline.toString(), 'lease_closed_reason_decommission'],
    ])
  })

  it('keeps the reclaiming lease across a restart; a start flag changes the minimum at the first block', async () => {
    await stop()
    await start({minReclamationWindowSeconds: 7})
    const sdk = sdkFor(MNEMONICS.alice)
    const {lease} = await sdk.akash.market.v1beta5.getLease({id})
    expect(lease).toMatchObject({state: 4, reclamation: {deadline, reason: 10001}})
    expect((await sdk.akash.market.v1beta5.getBid({id})).bid?.reclamationWindow).toEqual({seconds: 4n, nanos: 0})
    expect((await sdk.akash.deployment.v1beta4.getDeployment({id})).deployment?.reclamation).toEqual({minWindow: {seconds: 3n, nanos: 0}})
    await nextBlock()
    expect((await sdk.akash.market.v1beta5.getParams({})).params?.minReclamationWindow).toEqual({seconds: 7n, nanos: 0})

    // Started again without the flag, the chain keeps the minimum it has.
    await stop()
    await start()
    await nextBlock()
    expect((await sdkFor(MNEMONICS.alice).akash.market.v1beta5.getParams({})).params?.minReclamationWindow).toEqual({seconds: 7n, nanos: 0})
    // The genesis still says what the chain was created with.
    expect((devnet!.app.genesis().appState.market as {params: {minReclamationWindow: string}}).params.minReclamationWindow).toBe('2s')
  })
})
