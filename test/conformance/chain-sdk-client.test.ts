// Issue 9's "done when", as a user's CI would see it: a client written against Akash's own
// chain-sdk 1.0.0-alpha.45 and nothing of edge's (no src/ import: its SDL, manifest hash and
// messages all come from chain-sdk, its signing from chain-sdk's cosmjs client at chain-sdk's
// default gas multiplier), run against `edge dev` started by the real `edge` binary. It reads
// oracle v2 prices and discovery, creates a deployment with a reclamation window, bids with one,
// starts reclamation as the provider, sees the lease reclaiming with the node's deadline, and
// closes it with the provider's MsgCloseBid once the deadline has passed.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  type ChainNodeSDK,
  type SDLInput,
  createChainNodeSDK,
  createStargateClient,
  generateManifest,
  generateManifestVersion,
  yaml,
} from '@akashnetwork/chain-sdk'
import {LeaseClosedReason, Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {type DeliverTxResponse, StargateClient} from '@cosmjs/stargate'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {freePort} from '../helpers/ports.js'
import {type EdgeHome, makeEdgeHome, runEdge} from '../helpers/run-edge.js'

const ACCOUNTS = JSON.parse(readFileSync(join(import.meta.dirname, 'node', 'accounts.json'), 'utf8')) as {accounts: Array<{name: string; mnemonic: string; address: string}>}
const account = (name: string) => ACCOUNTS.accounts.find((a) => a.name === name)!
const tenant = account('tenant')
const provider = account('provider')
/** The shortest window this chain allows, set at `edge dev start`; the provider offers a bit more. */
const MIN_WINDOW_S = 3
const BID_WINDOW_S = 4

describe('a chain-sdk 1.0.0-alpha.45 client (no edge code) against `edge dev`', () => {
  let home: EdgeHome
  let query: ChainNodeSDK
  let tenantSdk: ChainNodeSDK
  let providerSdk: ChainNodeSDK
  let client: StargateClient
  const stops: Array<() => unknown> = []
  const flow = {dseq: 0n, startHeight: 0, deadline: 0n}
  const edge = (...args: string[]) => runEdge(args, {home, timeout: 120_000})
  const leaseId = () => ({owner: tenant.address, dseq: flow.dseq, gseq: 1, oseq: 1, provider: provider.address, bseq: 0})
  const seconds = (s: number) => ({seconds: BigInt(s), nanos: 0})
  const reason = LeaseClosedReason.lease_closed_reason_decommission

  beforeAll(async () => {
    home = makeEdgeHome('edge-chain-sdk-client-')
    const ports = [await freePort(), await freePort(), await freePort()].map(String)
    const started = await edge('dev', 'start', '--json', '--block-time', '200ms', '--min-reclamation-window', `${MIN_WINDOW_S}s`, '--rpc-port', ports[0], '--grpc-port', ports[1], '--rest-port', ports[2])
    expect(started.exitCode, started.stderr).toBe(0)
    const {rpc, grpc} = started.json.result.endpoints as {rpc: string; grpc: string}
    stops.push(() => edge('dev', 'stop'))
    // The dev faucet is edge's; everything after it is the client's own.
    for (const who of [tenant, provider]) {
      const funded = await edge('dev', 'fund', who.address, '1000akt', '100act')
      expect(funded.exitCode, funded.stderr).toBe(0)
    }
    client = await StargateClient.connect(rpc)
    stops.push(() => client.disconnect())
    query = createChainNodeSDK({query: {baseUrl: grpc}})
    const signing = (mnemonic: string) => {
      // chain-sdk's defaults (gas = 1.3 × simulated), as a user's client has them.
      const signer = createStargateClient({baseUrl: rpc, signerMnemonic: mnemonic, defaultGasPrice: '0.025uakt', stargateOptions: {broadcastPollIntervalMs: 200}})
      stops.push(() => signer.disconnect())
      return createChainNodeSDK({query: {baseUrl: grpc}, tx: {signer}})
    }
    tenantSdk = signing(tenant.mnemonic)
    providerSdk = signing(provider.mnemonic)
  })

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop()
    home?.cleanup()
  })

  it('reads the AKT price from oracle v2 (Prices, AggregatedPrice) and the API versions from discovery', async () => {
    const {prices} = await query.akash.oracle.v2.getPrices({filters: {assetDenom: 'akt', baseDenom: 'usd'}})
    expect(prices.length).toBeGreaterThan(0)
    expect(Number(prices[0].state?.price)).toBeGreaterThan(0)
    const {aggregatedPrice, priceHealth} = await query.akash.oracle.v2.getAggregatedPrice({denom: 'akt'})
    expect(Number(aggregatedPrice?.medianPrice)).toBeGreaterThan(0)
    expect(priceHealth?.isHealthy).toBe(true)
    // Oracle v1 is gone, as on mainnet since v2.1.0.
    await expect(query.akash.oracle.v1.getPrices({})).rejects.toMatchObject({code: 12})
    const {info} = await query.akash.discovery.v1.getInfo({})
    expect(info?.supportedVersions[0]?.modules).toEqual(expect.arrayContaining([{module: 'market', version: 'v1beta5'}, {module: 'oracle', version: 'v2'}]))
    const {params} = await query.akash.market.v1beta5.getParams({})
    expect(params?.minReclamationWindow).toEqual(seconds(MIN_WINDOW_S))
  })

  it('creates a deployment whose SDL asks for a reclamation window; its order carries it', async () => {
    await providerSdk.akash.provider.v1beta4.createProvider({
      owner: provider.address,
      hostUri: 'https://provider.chain-sdk-client.test:8443',
      attributes: [{key: 'region', value: 'test'}],
      info: {email: 'ops@chain-sdk-client.test', website: ''},
    })
    const sdl = yaml<SDLInput>`
version: "2.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        to:
          - global: true
profiles:
  compute:
    web:
      resources:
        cpu: {units: 0.5}
        memory: {size: 512Mi}
        storage: {size: 1Gi}
  placement:
    anywhere:
      pricing:
        web: {denom: uact, amount: 1000}
deployment:
  web:
    anywhere:
      profile: web
      count: 1
reclamation:
  min_window: ${`${MIN_WINDOW_S}s`}
`
    const generated = generateManifest(sdl)
    if (!generated.ok) throw new Error(`chain-sdk refused the SDL: ${JSON.stringify(generated.value)}`)
    const {groups, groupSpecs, reclamation} = generated.value
    expect(reclamation).toEqual({minWindow: seconds(MIN_WINDOW_S)})
    flow.dseq = BigInt(await client.getHeight())
    await tenantSdk.akash.deployment.v1beta4.createDeployment({
      id: {owner: tenant.address, dseq: flow.dseq},
      groups: groupSpecs,
      hash: await generateManifestVersion(groups),
      deposit: {amount: {denom: 'uact', amount: '5000000'}, sources: [Source.balance]},
      reclamation,
    })
    const {orders} = await query.akash.market.v1beta5.getOrders({filters: {owner: tenant.address, dseq: flow.dseq}})
    expect(orders.map((o) => o.reclamation)).toEqual([{minWindow: seconds(MIN_WINDOW_S)}])
  })

  it('bids with a reclamation window and leases it', async () => {
    await providerSdk.akash.market.v1beta5.createBid({
      id: leaseId(),
      price: {denom: 'uact', amount: '1000'},
      deposit: {amount: {denom: 'uact', amount: '500000'}, sources: [Source.balance]},
      resourcesOffer: [],
      reclamationWindow: seconds(BID_WINDOW_S),
    })
    expect((await query.akash.market.v1beta5.getBid({id: leaseId()})).bid?.reclamationWindow).toEqual(seconds(BID_WINDOW_S))
    await tenantSdk.akash.market.v1beta5.createLease({bidId: leaseId()})
    const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId()})
    expect(lease).toMatchObject({state: 1, reclamation: {window: seconds(BID_WINDOW_S), startedAt: 0n, deadline: 0n}})
  })

  it('starts reclamation as the provider: the lease is reclaiming, with the deadline the node computes', async () => {
    let delivered: DeliverTxResponse | undefined
    await providerSdk.akash.market.v1beta5.leaseStartReclaim({id: leaseId(), reason}, {afterBroadcast: (r) => (delivered = r)})
    flow.startHeight = delivered!.height
    const block = await client.getBlock(flow.startHeight)
    // The node's deadline: the including block's time (Unix seconds) plus the bid's window.
    flow.deadline = BigInt(Math.floor(Date.parse(block.header.time) / 1000) + BID_WINDOW_S)
    const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId()})
    expect(lease?.state).toBe(4) // reclaiming
    expect(lease?.reclamation).toEqual({window: seconds(BID_WINDOW_S), startedAt: BigInt(flow.startHeight), deadline: flow.deadline, reason})
  })

  it("closes the reclaiming lease with the provider's MsgCloseBid once the deadline has passed", async () => {
    // The chain never closes it by itself: it is still reclaiming after the deadline.
    while (Date.parse((await client.getBlock()).header.time) < Number(flow.deadline) * 1000 + 1000) await new Promise((r) => setTimeout(r, 200))
    expect((await query.akash.market.v1beta5.getLease({id: leaseId()})).lease?.state).toBe(4)
    await providerSdk.akash.market.v1beta5.closeBid({id: leaseId(), reason})
    const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId()})
    expect(lease).toMatchObject({state: 3, reason, reclamation: {deadline: flow.deadline, startedAt: BigInt(flow.startHeight)}})
    expect((await query.akash.market.v1beta5.getBid({id: leaseId()})).bid?.state).toBe(4) // closed
  })
})
