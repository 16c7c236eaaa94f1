/** startProvider in-process on fakes (market, tx, runtime), as the unit tests of its wiring use it. */
import https from 'node:https'

import {BUILT_IN_NETWORKS} from '../../../src/config/networks.js'
import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import type {BlockInfo, Coin} from '../../../src/market/market.js'
import {validateProviderConfig} from '../../../src/provider/config/provider-config.js'
import {EventHub, type ProviderEvent} from '../../../src/provider/events.js'
import {startProvider} from '../../../src/provider/provider.js'
import {FakeMarket, FakeRuntime, FakeTx} from './fakes.js'

/** The fake market plus what startProvider reads before bidding. */
export class StartMarket extends FakeMarket {
  async balances(): Promise<Coin[]> {
    return [{denom: 'uakt', amount: 10_000_000n}]
  }
  async latestBlock(): Promise<BlockInfo> {
    return {height: this.height, time: new Date()}
  }
  async close(): Promise<void> {}
}

/**
 * Starts a provider for a new key on the local network, in `dir`, with the config `config(address)`
 * gives (validated as `edge provide` validates it), and collects every event it reports.
 */
export async function startTestProvider(dir: string, config: (address: string) => Record<string, unknown>) {
  const mnemonic = generateMnemonic(24)
  const key = await deriveKey(mnemonic)
  const market = new StartMarket()
  market.accounts.set(key.address, {address: key.address, accountNumber: 1n, sequence: 0n})
  const hub = new EventHub()
  const events: ProviderEvent[] = []
  const sub = hub.subscribe()
  const collected = (async () => {
    for await (const e of sub) events.push(e)
  })()
  try {
    const provider = await startProvider({
      config: validateProviderConfig(config(key.address)),
      network: BUILT_IN_NETWORKS.local,
      mnemonic,
      dir,
      gatewayHost: '127.0.0.1',
      runtime: new FakeRuntime(),
      market,
      tx: new FakeTx(),
      skipRegistration: true,
      events: hub,
    })
    const stop = async () => {
      await provider.stop()
      await collected
    }
    return {provider, events, stop, key}
  } catch (error) {
    sub.close()
    throw error
  }
}

/** GET over HTTPS (the gateway's certificate is self-signed), the body parsed as JSON. */
export function getJson(url: string): Promise<{status: number; json: any}> {
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
