import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {readFileSync} from 'node:fs'

import {deriveKey} from '../../../src/config/mnemonic.js'
import type {ProviderInfo} from '../../../src/market/market.js'
import {ProviderClient} from '../../../src/provider-client/client.js'
import {Ledger} from '../../../src/services/ledger/ledger.js'
import {deploy} from '../../../src/services/deploy/deploy.js'
import type {DeployEvent} from '../../../src/services/deploy/events.js'
import type {DeployDeps, DeployOptions, DeployResult} from '../../../src/services/deploy/types.js'
import {FakeProvider} from '../../helpers/fake-provider.js'
import {FakeMarket, type FakeProviderSpec, usdPerHourToPerBlock} from './fake-market.js'
import {CORPUS} from '../../helpers/corpus.js'

export const MNEMONIC = readFileSync(join(CORPUS, 'akash-vectors/testdata/jwt/mnemonic'), 'utf8').trim()
export const HELLO = resolve(import.meta.dirname, '../../../templates/hello/deploy.yaml')

export const P1 = 'akash1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn7kpu2u'
export const P2 = 'akash1zg69v7ys40x77y352eufp27daufrg4ncxy8l4g'
export const P3 = 'akash1xqcrqvpsxqcrqvpsxqcrqvpsxqcrqvpsfa7rjf'

export interface Harness {
  market: FakeMarket
  ledger: Ledger
  providers: Map<string, FakeProvider>
  deps: DeployDeps
  options: DeployOptions
  run(overrides?: Partial<DeployOptions>, deps?: Partial<DeployDeps>): Promise<{events: DeployEvent[]; result?: DeployResult; error?: Error & {code?: string; exitCode?: number; hint?: string; details?: Record<string, unknown>}}>
  cleanup(): Promise<void>
}

export interface ProviderSetup {
  owner: string
  usdPerHour?: number
  region?: string
  audited?: boolean
  latencyMs?: number
  attributes?: Array<{key: string; value: string}>
}

export const READY_STATUS = {
  services: {web: {name: 'web', available: 1, total: 1, uris: ['web.dseq.ingress.local'], ready_replicas: 1, available_replicas: 1}},
  forwarded_ports: {},
}

export async function harness(setups: ProviderSetup[], options: {leaseStatus?: unknown} = {}): Promise<Harness> {
  const key = await deriveKey(MNEMONIC)
  const dir = mkdtempSync(join(tmpdir(), 'edge-deploy-test-'))
  const ledger = await Ledger.open(join(dir, 'ledger.db'))
  const providers = new Map<string, FakeProvider>()
  const specs: FakeProviderSpec[] = []
  for (const s of setups) {
    const fake = await new FakeProvider({provider: s.owner, tenant: {address: key.address, pubkey: key.pubkey}, leaseStatus: options.leaseStatus ?? READY_STATUS}).start()
    providers.set(s.owner, fake)
    const info: ProviderInfo = {
      owner: s.owner,
      hostUri: fake.hostUri,
      attributes: [...(s.region ? [{key: 'region', value: s.region}] : []), ...(s.attributes ?? [])],
    }
    specs.push({
      info,
      ...(s.usdPerHour !== undefined ? {price: usdPerHourToPerBlock(s.usdPerHour)} : {}),
      ...(s.audited ? {audits: [{owner: s.owner, auditor: 'akash1auditor', attributes: info.attributes}]} : {}),
    })
  }
  const market = new FakeMarket(key.address, specs)
  for (const fake of providers.values()) {
    market.certs.push({owner: fake.options.provider, serial: fake.cert.serial, state: 'valid', cert: fake.cert.certPem, pubkey: ''})
  }
  const latency = new Map(setups.map((s) => [providers.get(s.owner)!.hostUri, s.latencyMs ?? 20]))
  const deps: DeployDeps = {
    market,
    network: market.network,
    ledger,
    key,
    sleep: async (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    probe: async (host) => ({connectMs: (latency.get(host) ?? 50) / 2, handshakeMs: latency.get(host) ?? 50}),
    clientFor: (info, token) => new ProviderClient({provider: info.owner, hostUri: info.hostUri, certificates: market, token, sleep: async () => {}}),
  }
  const base: DeployOptions = {
    file: HELLO,
    select: 'cheapest',
    bidTimeoutMs: 5000,
    keep: false,
    labels: {},
    dryRun: false,
    mint: false,
    readyTimeoutMs: 5000,
    signal: new AbortController().signal,
  }
  return {
    market,
    ledger,
    providers,
    deps,
    options: base,
    async run(overrides = {}, depOverrides = {}) {
      const events: DeployEvent[] = []
      const gen = deploy({...deps, ...depOverrides}, {...base, ...overrides})
      try {
        for (;;) {
          const next = await gen.next()
          if (next.done) return {events, result: next.value}
          events.push(next.value)
        }
      } catch (error) {
        return {events, error: error as Error}
      }
    },
    async cleanup() {
      ledger.close()
      await Promise.all([...providers.values()].map((p) => p.stop()))
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
