import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createChainNodeSDK} from '@akashnetwork/chain-sdk'
import {describe, expect, it} from 'vitest'

import {startDevnet} from '../../../../src/devnet/index.js'

describe('oracle on edge dev', () => {
  it('serves the dev genesis AKT price through akash.oracle.v1 over gRPC and REST', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-oracle-'))
    const dev = await startDevnet({dataDir: dir, ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 200})
    try {
      const sdk = createChainNodeSDK({query: {baseUrl: dev.endpoints.grpc}})
      const response = await sdk.akash.oracle.v1.getAggregatedPrice({denom: 'uakt'})
      expect(response.aggregatedPrice?.medianPrice).toBe('1')
      expect(response.priceHealth?.isHealthy).toBe(true)
      const act = await sdk.akash.oracle.v1.getAggregatedPrice({denom: 'act'})
      expect(act.aggregatedPrice?.twap).toBe('1')
      await expect(sdk.akash.oracle.v1.getAggregatedPrice({denom: 'btc'})).rejects.toThrow(/no price/)
      const rest = await fetch(`${dev.endpoints.rest}/akash/oracle/v1/aggregated_price/uakt`)
      expect((await rest.json()).aggregated_price.median_price).toBe('1.000000000000000000')
    } finally {
      await dev.stop()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
