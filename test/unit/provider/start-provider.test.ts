import {mkdtempSync, rmSync} from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {UsageError} from '../../../src/errors.js'
import type {BlockInfo, Coin} from '../../../src/market/market.js'
import {validateProviderConfig} from '../../../src/provider/config/provider-config.js'
import {EventHub, type ProviderEvent} from '../../../src/provider/events.js'
import {earningsPerHourUsd, startProvider} from '../../../src/provider/provider.js'
import {FakeMarket, FakeRuntime, FakeTx} from './fakes.js'

/** The fake market plus what startProvider reads before bidding. */
class StartMarket extends FakeMarket {
  async balances(): Promise<Coin[]> {
    return [{denom: 'uakt', amount: 10_000_000n}]
  }
  async latestBlock(): Promise<BlockInfo> {
    return {height: this.height, time: new Date()}
  }
  async close(): Promise<void> {}
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-start-provider-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

async function start(options: {address?: string; ingressListen?: string} = {}) {
  const mnemonic = generateMnemonic(24)
  const key = await deriveKey(mnemonic)
  const market = new StartMarket()
  market.accounts.set(key.address, {address: key.address, accountNumber: 1n, sequence: 0n})
  const config = validateProviderConfig({
    name: 'unit',
    network: 'local',
    hostUri: 'https://127.0.0.1:0',
    ...(options.address ? {address: options.address} : {address: key.address}),
    capacity: {cpuMillis: 1000, memoryBytes: String(1024 ** 3), storageBytes: String(1024 ** 3)},
    runtime: {kind: 'process'},
    ingress: {domain: 'localhost', listen: options.ingressListen ?? '127.0.0.1:0'},
  })
  const hub = new EventHub()
  const events: ProviderEvent[] = []
  const sub = hub.subscribe()
  const collected = (async () => {
    for await (const e of sub) events.push(e)
  })()
  const provider = await startProvider({
    config,
    network: BUILT_IN_NETWORKS.local,
    mnemonic,
    dir,
    gatewayHost: '127.0.0.1',
    runtime: new FakeRuntime(),
    market: market as never,
    tx: new FakeTx(),
    skipRegistration: true,
    events: hub,
  })
  return {provider, events, collected, key}
}

function getJson(url: string): Promise<{status: number; json: any}> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    https
      .get(url, {rejectUnauthorized: false}, (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, json: JSON.parse(body)}))
      })
      .on('error', reject)
  })
}

describe('startProvider', () => {
  it('serves /status from its capacity: what it offers and what is free', async () => {
    const {provider, collected} = await start()
    try {
      const {status, json} = await getJson(`${provider.gatewayUrl}/status`)
      expect(status).toBe(200)
      expect(json.address).toBe(provider.address)
      expect(json.cluster.leases).toBe(0)
      const [node] = json.cluster.inventory.available.nodes
      expect(node.allocatable).toEqual({cpu: 1000, gpu: 0, memory: 1024 ** 3, storage_ephemeral: 1024 ** 3})
      expect(node.available).toEqual(node.allocatable)
      expect(json.cluster_public_hostname).toBe('127.0.0.1')
    } finally {
      await provider.stop()
      await collected
    }
  })


  it('says so when the chain does not tell its minimum bid deposit, and bids with Akash\'s default', async () => {
    const {provider, events, collected} = await start()
    await provider.stop()
    await collected
    expect(events.find((e) => e.type === 'provider.started')).toMatchObject({address: provider.address})
    const warning = events.find((e) => e.type === 'warning' && /minimum bid deposit is unknown/.test(e.message))
    expect(warning).toMatchObject({message: expect.stringContaining('500000uakt')})
    expect(warning).toMatchObject({message: expect.stringContaining('bidding.deposit')})
  })

  it('a port another process holds is a usage error naming the address and the setting', async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()))
    const port = (holder.address() as net.AddressInfo).port
    try {
      const error = await start({ingressListen: `127.0.0.1:${port}`}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect(error).toMatchObject({code: 'port_in_use', message: expect.stringContaining(`127.0.0.1:${port}`), hint: expect.stringContaining('ingress.listen')})
    } finally {
      holder.close()
    }
  })

  it('refuses a mnemonic that is not the configured provider address, before opening anything', async () => {
    const other = (await deriveKey(generateMnemonic(24))).address
    const error = await start({address: other}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error).toMatchObject({code: 'provider_key_mismatch', message: expect.stringContaining(`provider "unit" is ${other}`)})
  })
})

describe('earningsPerHourUsd', () => {
  it('sums what active leases pay per hour in USD, from the per-block price and block time', () => {
    // 1 uact per block at 1 s blocks is 3600 uact an hour: 0.0036 USD (ACT = 1 USD).
    expect(earningsPerHourUsd([{denom: 'uact', amount: 10n ** 18n}], 1000)).toBe('0.0036')
    expect(earningsPerHourUsd([{denom: 'uact', amount: 10n ** 18n}, {denom: 'uact', amount: 2n * 10n ** 18n}], 6000)).toBe('0.0018')
    // AKT counts only with a price for it.
    expect(earningsPerHourUsd([{denom: 'uakt', amount: 10n ** 18n}], 1000)).toBe('0')
    expect(earningsPerHourUsd([{denom: 'uakt', amount: 10n ** 18n}], 1000, '2')).toBe('0.0072')
  })
})
