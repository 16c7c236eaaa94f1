import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import grpc from '@grpc/grpc-js'
import {QueryAggregatedPriceResponse as V1AggregatedPriceResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {QueryAggregatedPriceRequest, QueryAggregatedPriceResponse} from '@akashnetwork/chain-sdk/private-types/akash.v2'
import {QueryLeasesRequest, QueryLeasesResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {deriveKey} from '../../../src/config/mnemonic.js'
import {BUILT_IN_NETWORKS, type NetworkContext} from '../../../src/config/networks.js'
import {type Devnet, startDevnet} from '../../../src/devnet/index.js'
import {AkashMarket} from '../../../src/market/akash/akash-market.js'
import {groupSpecs, loadSdlOrThrow, manifestVersion} from '../../../src/sdl/index.js'
import {MNEMONICS} from '../devnet/core/helpers.js'
import {BASE} from '../../helpers/sdl-text.js'

const OWNER = 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh'
const lease = (dseq: number) => ({
  lease: {id: {owner: OWNER, dseq, gseq: 1, oseq: 1, provider: OWNER, bseq: 0}, state: 1, price: {denom: 'uact', amount: '1.5'}, createdAt: 3},
})

/** A gRPC server answering Leases in two pages, recording the page keys it was asked for. */
function setup() {
  const server = new grpc.Server()
  const keys: string[] = []
  const raw = (b: Buffer) => b
  server.register(
    '/akash.market.v1beta5.Query/Leases',
    (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const request = QueryLeasesRequest.decode(call.request)
      const key = Buffer.from(request.pagination?.key ?? []).toString()
      keys.push(key)
      const response = key === ''
        ? QueryLeasesResponse.fromPartial({leases: [lease(1)], pagination: {nextKey: Buffer.from('page-2')}})
        : QueryLeasesResponse.fromPartial({leases: [lease(2)], pagination: {}})
      callback(null, Buffer.from(QueryLeasesResponse.encode(response).finish()))
    },
    raw,
    raw,
    'unary',
  )
  const oracle = {healthy: true}
  server.register(
    '/akash.oracle.v2.Query/AggregatedPrice',
    (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const {denom} = QueryAggregatedPriceRequest.decode(call.request)
      if (denom !== 'akt') return callback({code: grpc.status.UNKNOWN, details: `collections: not found: key '${denom}/usd'`})
      const response = QueryAggregatedPriceResponse.fromPartial({
        aggregatedPrice: {denom, medianPrice: '0.8125', twap: '0.8'},
        priceHealth: oracle.healthy
          ? {denom, isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1}
          : {denom, isHealthy: false, hasMinSources: false, deviationOk: true, totalSources: 1, failureReason: ['insufficient price sources: 0 < 1']},
      })
      callback(null, Buffer.from(QueryAggregatedPriceResponse.encode(response).finish()))
    },
    raw,
    raw,
    'unary',
  )
  return {server, keys, oracle}
}

describe('AkashMarket list queries', () => {
  const {server, keys, oracle} = setup()
  let port = 0
  beforeAll(async () => {
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    )
  })
  afterAll(() => server.forceShutdown())

  it('follows next_key through every page and reads DecCoin prices exactly', async () => {
    const market = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: `http://127.0.0.1:${port}`})
    const leases = await market.leases({provider: OWNER})
    expect(leases.map((l) => l.id.dseq)).toEqual([1n, 2n])
    expect(keys).toEqual(['', 'page-2'])
    // 1.5 uact per block, scaled by 10^18.
    expect(leases[0].price).toEqual({denom: 'uact', amount: 1_500_000_000_000_000_000n})
    await market.close()
  })

  it('reads the AKT price from oracle v2 (the median, for akt, while healthy), and says why there is none', async () => {
    const market = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: `http://127.0.0.1:${port}`})
    expect(await market.aktPrice()).toEqual({usd: 812_500_000_000_000_000n})
    oracle.healthy = false
    expect(await market.aktPrice()).toEqual({unavailable: "the chain's oracle reports the AKT price as unhealthy (insufficient price sources: 0 < 1)"})
    oracle.healthy = true
    await market.close()
    const dead = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: 'http://127.0.0.1:9'})
    expect((await dead.aktPrice()).unavailable).toMatch(/^the chain's oracle gave no AKT price: Cannot reach the local network/)
    await dead.close()
  })
})

describe('AkashMarket.aktPrice on a chain older than v2.1.0', () => {
  it('falls back to oracle v1 when the node does not serve oracle v2 (UNIMPLEMENTED)', async () => {
    const server = new grpc.Server()
    const raw = (b: Buffer) => b
    server.register(
      '/akash.oracle.v1.Query/AggregatedPrice',
      (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const response = V1AggregatedPriceResponse.fromPartial({aggregatedPrice: {denom: 'akt', medianPrice: '0.5'}, priceHealth: {denom: 'akt', isHealthy: true}})
        callback(null, Buffer.from(V1AggregatedPriceResponse.encode(response).finish()))
      },
      raw,
      raw,
      'unary',
    )
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    )
    const market = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: `http://127.0.0.1:${port}`})
    try {
      expect(await market.aktPrice()).toEqual({usd: 500_000_000_000_000_000n})
    } finally {
      await market.close()
      server.forceShutdown()
    }
  })
})

describe('AkashMarket.txMemos against edge dev', () => {
  // A real chain over its real CometBFT RPC: the quoted tx_search query, its AND of sender and
  // height, and the decoding of TxRaw → TxBody memos are all exercised end to end.
  let dir: string
  let dev: Devnet
  let network: NetworkContext
  let alice: string
  let bob: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-tx-memos-'))
    alice = (await deriveKey(MNEMONICS.alice, 'akash')).address
    bob = (await deriveKey(MNEMONICS.bob, 'akash')).address
    const coins = [{denom: 'uakt', amount: '1000000000'}, {denom: 'uact', amount: '100000000'}]
    dev = await startDevnet({dataDir: dir, ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 0, accounts: [{address: alice, coins}, {address: bob, coins}]})
    network = {...BUILT_IN_NETWORKS.local, ...dev.endpoints, blockTimeMs: 200}
  })
  afterAll(async () => {
    await dev?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  async function create(mnemonic: string, dseq: bigint, memo?: string): Promise<number> {
    const market = new AkashMarket(network, {mnemonic})
    try {
      const sdl = loadSdlOrThrow(BASE)
      const input = {dseq, groups: groupSpecs(sdl), hash: manifestVersion(sdl).bytes, deposit: {denom: 'uact', amount: 5_000_000n}}
      return (await market.tx!.createDeployment(memo === undefined ? input : {...input, memo})).height
    } finally {
      await market.close()
    }
  }

  it("finds the memos of the sender's transactions in one block, and no one else's", async () => {
    const aliceHeight = await create(MNEMONICS.alice, 1n, 'edge-idempotency:alpha "quoted" \'single\'')
    const bobHeight = await create(MNEMONICS.bob, 2n, 'bravo')
    const plainHeight = await create(MNEMONICS.alice, 3n)
    expect(new Set([aliceHeight, bobHeight, plainHeight]).size).toBe(3)

    const market = new AkashMarket(network)
    try {
      expect(await market.txMemos(alice, aliceHeight)).toEqual(['edge-idempotency:alpha "quoted" \'single\''])
      expect(await market.txMemos(bob, bobHeight)).toEqual(['bravo'])
      // Both conditions hold together: the other sender's block, and the sender's other blocks, have none.
      expect(await market.txMemos(alice, bobHeight)).toEqual([])
      expect(await market.txMemos(bob, aliceHeight)).toEqual([])
      // Without a memo of ours, chain-sdk's default one is there.
      const plain = await market.txMemos(alice, plainHeight)
      expect(plain).toHaveLength(1)
      expect(plain[0]).not.toMatch(/edge-idempotency/)
      // Nothing can be smuggled into the query text.
      await expect(market.txMemos(`${alice}' OR tx.height>0 AND message.sender='${bob}`, aliceHeight)).rejects.toThrow(/not an address/)
      await expect(market.txMemos(alice, 0)).rejects.toThrow(/not a block height/)
    } finally {
      await market.close()
    }
  })
})
