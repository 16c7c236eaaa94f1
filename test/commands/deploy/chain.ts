/**
 * A real edge dev chain in this process (free ports, temp dirs) plus scripted providers: each is
 * registered on chain with its certificate and bids on every open order it matches, and serves
 * the provider API through the test's FakeProvider (real HTTPS and websockets). Until `edge
 * provide` runs in tests, this covers every chain and provider-API step of `edge deploy`.
 */
import {createPublicKey} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BUILT_IN_NETWORKS, type NetworkContext} from '../../../src/config/networks.js'
import {deriveKey, generateMnemonic} from '../../../src/config/mnemonic.js'
import {openSettings} from '../../../src/config/settings.js'
import {type Devnet, startDevnet} from '../../../src/devnet/index.js'
import {AkashMarket} from '../../../src/market/akash/akash-market.js'
import {FakeProvider} from '../../helpers/fake-provider.js'
import {type InProcessResult, edgeInProcess} from '../in-process.js'

export interface ScriptedProvider {
  address: string
  fake: FakeProvider
  market: AkashMarket
  /** USD per hour it bids (ACT ≈ $1); undefined = registered but silent. */
  usdPerHour?: number
  /** The reclamation window it offers on orders that allow reclamation (AEP-82), in seconds. */
  reclamationWindowSeconds?: number
  bids: number
}

export interface TestChain {
  dir: string
  devnet: Devnet
  network: NetworkContext
  tenant: {mnemonic: string; address: string}
  providers: ScriptedProvider[]
  tenantMarket(): Promise<AkashMarket>
  addProvider(options: {usdPerHour?: number; region?: string; reclamationWindowSeconds?: number}): Promise<ScriptedProvider>
  edge(...args: string[]): Promise<InProcessResult>
  stop(): Promise<void>
}

const BLOCK_MS = 200

export async function startChain(): Promise<TestChain> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-deploy-cmd-'))
  const tenantMnemonic = generateMnemonic(24)
  const tenant = await deriveKey(tenantMnemonic)
  const providerMnemonics = [generateMnemonic(24), generateMnemonic(24), generateMnemonic(24)]
  const providerKeys = await Promise.all(providerMnemonics.map((m) => deriveKey(m)))
  const rich = [{denom: 'uakt', amount: '1000000000'}, {denom: 'uact', amount: '1000000000'}]
  const devnet = await startDevnet({
    dataDir: join(dir, 'devnet'),
    ports: {rpc: 0, grpc: 0, rest: 0},
    blockTime: BLOCK_MS,
    accounts: [tenant, ...providerKeys].map((k) => ({address: k.address, coins: rich})),
  })
  const network: NetworkContext = {...BUILT_IN_NETWORKS.local, ...devnet.endpoints, blockTimeMs: BLOCK_MS}
  const env = {EDGE_CONFIG_DIR: join(dir, 'config'), EDGE_DATA_DIR: join(dir, 'data')}
  Object.assign(process.env, env, {EDGE_MNEMONIC: tenantMnemonic})
  delete process.env.EDGE_PASSPHRASE
  delete process.env.CI
  const settings = await openSettings()
  const {name: _n, builtIn: _b, ...local} = network
  settings.set('networks', {local})
  settings.set('network', 'local')

  const providers: ScriptedProvider[] = []
  const stops: Array<() => void> = []
  let next = 0

  const chain: TestChain = {
    dir,
    devnet,
    network,
    tenant: {mnemonic: tenantMnemonic, address: tenant.address},
    providers,
    tenantMarket: () => AkashMarket.open(network, {mnemonic: tenantMnemonic}),
    async addProvider(options) {
      const mnemonic = providerMnemonics[next++]
      const key = await deriveKey(mnemonic)
      const fake = await new FakeProvider({
        provider: key.address,
        tenant: {address: tenant.address, pubkey: tenant.pubkey},
        leaseStatus: {
          services: {web: {name: 'web', available: 1, total: 1, uris: [`web-${key.address.slice(-6)}.ingress.test`], ready_replicas: 1, available_replicas: 1}},
          forwarded_ports: {},
        },
        logs: [{name: 'web', message: 'listening on :8080'}],
      }).start()
      const market = await AkashMarket.open(network, {mnemonic})
      const tx = market.tx!
      await tx.createProvider({hostUri: fake.hostUri, attributes: [{key: 'region', value: options.region ?? 'us-west'}, {key: 'host', value: 'akash'}]})
      const spki = createPublicKey(fake.cert.certPem).export({type: 'spki', format: 'der'})
      const pubPem = `-----BEGIN EC PUBLIC KEY-----\n${spki.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END EC PUBLIC KEY-----\n`
      await tx.createCertificate(fake.cert.certPem, pubPem)
      const p: ScriptedProvider = {
        address: key.address,
        fake,
        market,
        bids: 0,
        ...(options.usdPerHour !== undefined ? {usdPerHour: options.usdPerHour} : {}),
        ...(options.reclamationWindowSeconds !== undefined ? {reclamationWindowSeconds: options.reclamationWindowSeconds} : {}),
      }
      providers.push(p)
      if (options.usdPerHour !== undefined) {
        const bidOn = new Set<string>()
        let stopped = false
        stops.push(() => (stopped = true))
        void (async () => {
          while (!stopped) {
            try {
              for (const order of await market.orders({state: 'open'})) {
                const id = `${order.id.owner}/${order.id.dseq}/${order.id.gseq}/${order.id.oseq}`
                if (bidOn.has(id)) continue
                bidOn.add(id)
                // USD/h → uact per block × 10^18 at this chain's block time.
                const perBlock = (BigInt(Math.round(p.usdPerHour! * 1e6)) * 10n ** 18n * BigInt(BLOCK_MS)) / 3_600_000n
                // An order that allows reclamation takes only bids with a window; offer it there.
                const window = order.reclamation && p.reclamationWindowSeconds !== undefined ? {reclamationWindowSeconds: p.reclamationWindowSeconds} : {}
                await tx
                  .createBid({order: order.id, price: {denom: 'uact', amount: perBlock}, deposit: {denom: 'uact', amount: 500_000n}, ...window})
                  .then(() => p.bids++)
                  .catch(() => {})
              }
            } catch {
              // the chain is shutting down
            }
            await new Promise((r) => setTimeout(r, 50))
          }
        })()
      }
      return p
    },
    edge: (...args: string[]) => edgeInProcess(args),
    async stop() {
      for (const s of stops) s()
      await new Promise((r) => setTimeout(r, 100))
      for (const p of providers) {
        await p.market.close()
        await p.fake.stop()
      }
      await devnet.stop()
      for (const k of ['EDGE_CONFIG_DIR', 'EDGE_DATA_DIR', 'EDGE_MNEMONIC']) delete process.env[k]
      rmSync(dir, {recursive: true, force: true})
    },
  }
  return chain
}
