import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {UsageError} from '../../../src/errors.js'
import {earningsPerHourUsd} from '../../../src/provider/provider.js'
import {getJson, startTestProvider} from './start-helpers.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-start-provider-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

function start(options: {address?: string; ingressListen?: string} = {}) {
  return startTestProvider(dir, (address) => ({
    name: 'unit',
    network: 'local',
    hostUri: 'https://127.0.0.1:0',
    address: options.address ?? address,
    capacity: {cpuMillis: 1000, memoryBytes: String(1024 ** 3), storageBytes: String(1024 ** 3)},
    runtime: {kind: 'process'},
    ingress: {domain: 'localhost', listen: options.ingressListen ?? '127.0.0.1:0'},
  }))
}

describe('startProvider', () => {
  it('serves /status from its capacity: what it offers and what is free', async () => {
    const {provider, stop} = await start()
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
      await stop()
    }
  })


  it('says so when the chain does not tell its minimum bid deposit, and bids with Akash\'s default', async () => {
    const {provider, events, stop} = await start()
    await stop()
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
