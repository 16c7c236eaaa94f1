import grpc from '@grpc/grpc-js'
import {QueryAggregatedPriceRequest, QueryAggregatedPriceResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {QueryLeasesRequest, QueryLeasesResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {AkashMarket} from '../../../src/market/akash/akash-market.js'

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
  server.register(
    '/akash.oracle.v1.Query/AggregatedPrice',
    (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const {denom} = QueryAggregatedPriceRequest.decode(call.request)
      if (denom !== 'uakt') return callback({code: grpc.status.NOT_FOUND, details: `no price for ${denom}`})
      const response = QueryAggregatedPriceResponse.fromPartial({aggregatedPrice: {denom, medianPrice: '0.8125', twap: '0.8'}})
      callback(null, Buffer.from(QueryAggregatedPriceResponse.encode(response).finish()))
    },
    raw,
    raw,
    'unary',
  )
  return {server, keys}
}

describe('AkashMarket list queries', () => {
  const {server, keys} = setup()
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

  it('reads the AKT price from the oracle, and has none where the chain has no oracle', async () => {
    const market = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: `http://127.0.0.1:${port}`})
    expect(await market.aktUsd()).toBe(812_500_000_000_000_000n)
    await market.close()
    const dead = new AkashMarket({...BUILT_IN_NETWORKS.local, grpc: 'http://127.0.0.1:9'})
    expect(await dead.aktUsd()).toBeUndefined()
    await dead.close()
  })
})
