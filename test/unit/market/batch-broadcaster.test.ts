/**
 * The Market's batch broadcaster against edge dev: the provider's queue sends several messages in
 * one transaction, signed by the market's own signer with its fee policy, and a refused message is
 * taken out by the index the chain reports while the others land.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {deriveKey} from '../../../src/config/mnemonic.js'
import {BUILT_IN_NETWORKS, type NetworkContext} from '../../../src/config/networks.js'
import {type Devnet, startDevnet} from '../../../src/devnet/index.js'
import {AkashMarket} from '../../../src/market/akash/akash-market.js'
import {TxQueue} from '../../../src/market/tx-queue.js'
import {MNEMONICS} from '../devnet/core/helpers.js'

let dir: string
let dev: Devnet
let provider: AkashMarket

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-batch-broadcaster-'))
  const key = await deriveKey(MNEMONICS.bob, 'akash')
  dev = await startDevnet({dataDir: dir, ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 100, accounts: [{address: key.address, coins: [{denom: 'uakt', amount: '1000000000'}]}]})
  const network: NetworkContext = {...BUILT_IN_NETWORKS.local, ...dev.endpoints, blockTimeMs: 100}
  provider = await AkashMarket.open(network, {mnemonic: MNEMONICS.bob, address: key.address, key})
})

afterAll(async () => {
  await provider?.close()
  await dev?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('the Market batch broadcaster', () => {
  it('packs messages into one transaction and lands them', async () => {
    const broadcaster = await provider.tx!.batchBroadcaster()
    expect(broadcaster.address).toBe(provider.tx!.address)
    const queue = new TxQueue(broadcaster)
    try {
      const [registered, updated] = await Promise.all([
        queue.submit({type: 'createProvider', hostUri: 'https://provider.test:8443', attributes: [{key: 'region', value: 'test'}]}),
        queue.submit({type: 'updateProvider', hostUri: 'https://provider.test:8443', attributes: [{key: 'region', value: 'moved'}]}),
      ])
      expect(registered.txHash).toBe(updated.txHash)
      expect((await provider.provider(provider.tx!.address))?.attributes).toEqual([{key: 'region', value: 'moved'}])
      const tx = await provider.account(provider.tx!.address)
      expect(tx?.sequence).toBe(1n)
    } finally {
      await queue.close()
    }
  })

  it('rejects a message the chain refuses, with its reason', async () => {
    const queue = new TxQueue(await provider.tx!.batchBroadcaster())
    try {
      await expect(queue.submit({type: 'createProvider', hostUri: 'https://provider.test:8443', attributes: []})).rejects.toThrow(/register the provider: .*(exists|already)/i)
    } finally {
      await queue.close()
    }
  })
})
