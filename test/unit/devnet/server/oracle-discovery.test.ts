// Oracle v2 and discovery through every door of a real `edge dev` core: gRPC (chain-sdk), REST,
// abci_query and the CometBFT JSON-RPC `akash` route; oracle v1 refused on each as mainnet does.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {DirectSecp256k1HdWallet} from '@cosmjs/proto-signing'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type Devnet, startDevnet, withOracleSource} from '../../../../src/devnet/index.js'
import {MNEMONICS} from '../core/helpers.js'

let dir: string
let devnet: Devnet
let feeder: string
type Sdk = ReturnType<typeof createChainNodeSDK>
let sdk: Sdk

async function rpc(method: string, params: Record<string, unknown> = {}): Promise<{result?: any; error?: unknown}> {
  const response = await fetch(devnet.endpoints.rpc, {method: 'POST', body: JSON.stringify({jsonrpc: '2.0', id: 7, method, params})})
  return (await response.json()) as {result?: any; error?: unknown}
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-oracle-discovery-'))
  feeder = (await (await DirectSecp256k1HdWallet.fromMnemonic(MNEMONICS.alice, {prefix: 'akash'})).getAccounts())[0].address
  devnet = await startDevnet({
    dataDir: dir,
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: 50,
    accounts: [{address: feeder, coins: [{denom: 'uakt', amount: '1000000000'}]}],
    genesis: (base) => withOracleSource(base, feeder),
  })
  const signer = createStargateClient({baseUrl: devnet.endpoints.rpc, signerMnemonic: MNEMONICS.alice, stargateOptions: {broadcastPollIntervalMs: 50}})
  sdk = createChainNodeSDK({query: {baseUrl: devnet.endpoints.grpc}, tx: {signer}})
})

afterAll(async () => {
  await devnet?.stop()
  rmSync(dir, {recursive: true, force: true})
})

describe('oracle v2 on edge dev', () => {
  it('serves the genesis AKT price with its health over gRPC and REST, and the params naming the source', async () => {
    const {aggregatedPrice, priceHealth} = await sdk.akash.oracle.v2.getAggregatedPrice({denom: 'akt'})
    expect(aggregatedPrice).toMatchObject({denom: 'akt', twap: '1', medianPrice: '1', numSources: 1})
    expect(priceHealth).toMatchObject({isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1})
    expect((await sdk.akash.oracle.v2.getParams({})).params?.sources).toEqual([feeder])
    const rest = await (await fetch(`${devnet.endpoints.rest}/akash/oracle/v2/aggregated_price/akt`)).json()
    expect(rest.aggregated_price.median_price).toBe('1.000000000000000000')
    expect(rest.price_health.is_healthy).toBe(true)
    const prices = await (await fetch(`${devnet.endpoints.rest}/akash/oracle/v2/prices?filters.asset_denom=akt`)).json()
    expect(prices.prices[0].id).toMatchObject({source: 1, denom: 'akt', base_denom: 'usd'})
  })

  it('moves the price when the source posts MsgAddPriceEntry (a block later, as the end block aggregates)', async () => {
    await sdk.akash.oracle.v2.addPriceEntry({signer: feeder, id: {denom: 'akt', baseDenom: 'usd'}, price: '2.5', timestamp: new Date()})
    let median = ''
    for (let i = 0; i < 100 && median !== '2.5'; i++) {
      median = (await sdk.akash.oracle.v2.getAggregatedPrice({denom: 'akt'})).aggregatedPrice?.medianPrice ?? ''
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(median).toBe('2.5')
    const {prices} = await sdk.akash.oracle.v2.getPrices({filters: {assetDenom: 'akt', baseDenom: 'usd'}})
    expect(prices.map((p) => p.state?.price)).toEqual(['2.5', '1'])
  })

  it('answers a denom it has no price for as node does (gRPC Unknown, abci sdk/18)', async () => {
    await expect(sdk.akash.oracle.v2.getAggregatedPrice({denom: 'uakt'})).rejects.toMatchObject({code: 2})
    const abci = await rpc('abci_query', {path: '/akash.oracle.v2.Query/AggregatedPrice', data: Buffer.from([0x0a, 0x03, 0x61, 0x63, 0x74]).toString('hex')})
    expect(abci.result.response).toMatchObject({code: 18, codespace: 'sdk'})
  })

  it('answers oracle v1 UNIMPLEMENTED on gRPC, REST (501) and abci_query (unknown query path)', async () => {
    await expect(sdk.akash.oracle.v1.getAggregatedPrice({denom: 'akt'})).rejects.toMatchObject({code: 12})
    await expect(sdk.akash.oracle.v1.getPrices({})).rejects.toMatchObject({code: 12})
    const rest = await fetch(`${devnet.endpoints.rest}/akash/oracle/v1/prices`)
    expect(rest.status).toBe(501)
    expect(await rest.json()).toEqual({code: 12, message: 'Not Implemented', details: []})
    const abci = await rpc('abci_query', {path: '/akash.oracle.v1.Query/Prices', data: ''})
    expect(abci.result.response).toMatchObject({code: 6, codespace: 'sdk', log: 'unknown query path: unknown request'})
  })
})

describe('discovery on edge dev', () => {
  const modules = [
    ['audit', 'v1'],
    ['bme', 'v1'],
    ['cert', 'v1'],
    ['deployment', 'v1beta4'],
    ['escrow', 'v1'],
    ['market', 'v1beta5'],
    ['oracle', 'v2'],
    ['provider', 'v1beta4'],
    ['take', 'v1'],
    ['wasm', 'v1'],
  ].map(([module, version]) => ({module, version}))

  it('serves Discovery/GetInfo over gRPC and REST, not through abci_query (node registers it on the gRPC server only)', async () => {
    const {info} = await sdk.akash.discovery.v1.getInfo({})
    expect(info).toEqual({
      clientInfo: {apiVersion: 'v1beta3'},
      supportedVersions: [
        {apiVersion: 'v1beta4', modules, features: []},
        {apiVersion: 'v1beta3', modules, features: []},
      ],
      chainId: devnet.chainId,
      nodeVersion: '2.1.0',
      minClientVersion: '',
    })
    const rest = await (await fetch(`${devnet.endpoints.rest}/akash/discovery/v1/info`)).json()
    expect(rest.info.supported_versions[0].api_version).toBe('v1beta4')
    const abci = await rpc('abci_query', {path: '/akash.discovery.v1.Discovery/GetInfo', data: ''})
    expect(abci.result.response).toMatchObject({code: 6, codespace: 'sdk'})
  })

  it('answers the CometBFT JSON-RPC method `akash` (POST and GET /akash) as the Go struct encodes', async () => {
    const expected = {
      client_info: {api_version: 'v1beta3'},
      supported_versions: ['v1beta4', 'v1beta3'].map((api_version) => ({api_version, modules, features: null})),
      chain_id: devnet.chainId,
      node_version: '2.1.0',
      min_client_version: '',
    }
    expect(await rpc('akash')).toEqual({jsonrpc: '2.0', id: 7, result: expected})
    const get = await (await fetch(`${devnet.endpoints.rpc}/akash`)).json()
    expect(get.result).toEqual(expected)
  })
})

describe('end-block events', () => {
  /** The block events (BeginBlock/EndBlock hooks, tagged `mode`) of every block so far. */
  function blockEvents(type: string) {
    const found: Array<{height: number; mode?: string}> = []
    for (let h = 1; h <= devnet.height(); h++) {
      for (const e of devnet.app.db.block(h)?.events ?? []) {
        if (e.type === type) found.push({height: h, mode: e.attributes.find((a) => a.key === 'mode')?.value})
      }
    }
    return found
  }

  it('aggregates prices and cancels a mint below min_mint in EndBlock, not in a transaction', async () => {
    expect(blockEvents('akash.oracle.v2.EventAggregatedPrice').every((e) => e.mode === 'EndBlock')).toBe(true)
    expect(blockEvents('akash.oracle.v2.EventAggregatedPrice').length).toBeGreaterThan(0)
    // 1 AKT at the price moved above (2.5) is 2.5 ACT: below the 10 ACT min_mint, so accepted, then canceled.
    await sdk.akash.bme.v1.mintACT({owner: feeder, to: feeder, coinsToBurn: {denom: 'uakt', amount: '1000000'}})
    let canceled = blockEvents('akash.bme.v1.EventLedgerRecordCanceled')
    for (let i = 0; i < 200 && canceled.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      canceled = blockEvents('akash.bme.v1.EventLedgerRecordCanceled')
    }
    expect(canceled).toEqual([expect.objectContaining({mode: 'EndBlock'})])
    const records = await sdk.akash.bme.v1.getLedgerRecords({filters: {source: feeder, denom: '', toDenom: '', status: 'ledger_record_status_canceled'}})
    expect(records.records[0]?.canceledRecord).toMatchObject({owner: feeder, coinsToBurn: {denom: 'uakt', amount: '1000000'}, denomToMint: 'uact'})
  })
})
