import {hkdfSync} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {BidScreeningRequest} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'

import type {NetworkContext} from '../config/networks.js'
import {deriveKey} from '../config/mnemonic.js'
import {EdgeError, InsufficientFundsError, UsageError} from '../errors.js'
import {RECONNECT_BACKOFF, backoffDelay} from '../lib/backoff.js'
import {sleep} from '../lib/sleep.js'
import type {Coin, Market} from '../market/market.js'
import {perHour, toUsd, formatScaled, parseCoin, parseDec, DEC_PRECISION} from '../protocol/money.js'
import {mockQuoteSource} from './attestation/quote-source.js'
import {providerAttributes, sameAttributes} from './attributes.js'
import {BidEngine} from './bidding/bid-engine.js'
import {screenBid} from './bidding/screening.js'
import {Capacity} from './capacity/capacity.js'
import {withDevOptions} from './dev/dev-options.js'
import {providerBlocks} from './chain/blocks.js'
import {ChainHealth} from './chain/chain-health.js'
import type {ProviderMsg, TxOutcome} from './chain/messages.js'
import {TxQueue} from '../market/tx-queue.js'
import {assertProviderAddress, hostUriPort, listenAddress, parsePortRange, type ProviderConfig} from './config/provider-config.js'
import {EventHub, type ProviderEvent} from './events.js'
import {Gateway} from './gateway/gateway.js'
import {providerStatusProto} from './grpc/status-proto.js'
import {displayHost, listenFailure, serveStatusGrpc} from './listen.js'
import {IngressProxy} from './ingress/proxy.js'
import {LeaseManager} from './leases/lease-manager.js'
import {makePricer} from './pricing/pricer.js'
import type {Runtime} from './runtime/types.js'
import {Sealer} from './state/sealing.js'
import {ProviderStore} from './state/store.js'
import {providerStatusJson} from './status-json.js'
import {ensureServerCertificate} from './tls/server-certificate.js'

export interface StartProviderOptions {
  config: ProviderConfig
  network: NetworkContext
  /** The provider key's mnemonic (held in memory only). */
  mnemonic: string
  /** `<data>/provider/<name>`: state DB, sealed TLS key, runtime files. */
  dir: string
  /** Gateway listen port; default the host URI's port (0 there, or here, = any free port). */
  gatewayPort?: number
  gatewayHost?: string
  /** gRPC status service port; default `gateway.grpcListen`, else the gateway's port + 1 (0 = any free port). */
  grpcPort?: number
  /** Ingress listen address; default from the config. */
  ingressHost?: string
  ingressPort?: number
  /** A runtime to use instead of the configured one (tests). */
  runtime?: Runtime
  /** A read-only market to use instead of opening one (tests). */
  market?: Market
  /** A transaction sender to use instead of signing with the mnemonic (tests). */
  tx?: {submit(msg: ProviderMsg): Promise<TxOutcome>}
  /** Skip MsgCreateProvider/MsgUpdateProvider (the record is managed elsewhere). */
  skipRegistration?: boolean
  now?: () => number
  /** An event hub to report on (subscribe before starting to see the startup events). */
  events?: EventHub
}

export interface ProviderHandle {
  address: string
  /** https://host:port of the gateway (what tenants use). */
  gatewayUrl: string
  /** https://host:port of the gRPC status service (akash.provider.v1.ProviderRPC). */
  grpcUrl: string
  /** http://host:port of the ingress proxy. */
  ingressUrl: string
  hostUri: string
  /** Subscribe to the provider's events (each call is a new subscriber). */
  events(): AsyncIterable<ProviderEvent> & {close(): void}
  /** Withdraws every lease's earnings now. */
  withdraw(): Promise<{leases: string[]; txHashes: string[]; failed: Array<{lease: string; message: string}>}>
  /** Stops bidding and serving; leaves workloads running (a restart re-attaches). */
  stop(): Promise<void>
  /** Settles when the provider stops. */
  done: Promise<void>
}

const MIN_GAS_UAKT = 100_000n

/**
 * Starts a provider: checks the key can pay gas, opens the state DB, makes sure the TLS
 * certificate is on chain, serves the gateway and ingress, registers or updates the provider
 * record, re-attaches to leases it already runs, then bids block by block until stopped.
 */
export async function startProvider(options: StartProviderOptions): Promise<ProviderHandle> {
  const {config, network} = options
  const now = options.now ?? Date.now
  const hub = options.events ?? new EventHub()
  const key = await deriveKey(options.mnemonic, network.bech32Prefix)
  const address = key.address
  assertProviderAddress(config, address)
  const secret = Buffer.from(hkdfSync('sha256', Buffer.from(key.privkey), Buffer.from('edge-provider'), Buffer.from('root'), 32))
  const cleanups: Array<() => Promise<void> | void> = []
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await Promise.resolve(fn()).catch(() => {})
  }

  try {
    // One signer for everything the provider sends: the market's, pipelined by the queue below.
    const market =
      options.market ??
      (await (await import('../market/index.js')).openMarket(network, {mnemonic: options.mnemonic, address, key: {pubkey: key.pubkey, privkey: key.privkey}}))
    if (!options.market) cleanups.push(() => market.close())

    const account = await market.account(address)
    const balances = await market.balances(address)
    const uakt = balances.find((c) => c.denom === 'uakt')?.amount ?? 0n
    if (!account || uakt < MIN_GAS_UAKT) {
      throw new InsufficientFundsError(`The provider key ${address} has ${uakt} uakt; it needs AKT for gas and bid deposits.`, {
        code: 'provider_unfunded',
        hint: network.profile.canMint ? `Fund it with \`edge dev fund ${address}\`.` : `Send at least 1 AKT to ${address}.`,
      })
    }

    const broadcaster = options.tx ? undefined : await market.tx?.batchBroadcaster()
    const queue = broadcaster
      ? new TxQueue(broadcaster, {inclusionTimeoutMs: Math.max(30_000, network.blockTimeMs * 20)})
      : undefined
    if (queue) cleanups.push(() => queue.close())
    const tx = options.tx ?? {submit: (msg: ProviderMsg): Promise<TxOutcome> => (queue ? queue.submit(msg) : Promise.reject(new Error('no transaction signer')))}

    const store = await ProviderStore.open(join(options.dir, 'state.db'), {sealer: new Sealer(secret, 'manifests')})
    cleanups.push(() => store.close())

    const runtime = withDevOptions(options.runtime ?? (await createConfiguredRuntime(config, network, address, options.dir)), config.dev, network)
    if (!options.runtime) cleanups.push(() => runtime.close())
    const runtimeInfo = await runtime.info()

    const {pricer, table} = makePricer(config.pricing, network.blockTimeMs)
    const capacity = new Capacity(config.capacity, (gpu) => table.gpuHour(gpu))
    capacity.withhold((config.reclamation.rules ?? []).flatMap((r) => r.gpus))

    const hostUrl = new URL(config.hostUri)
    const ingressListen = listenAddress(config.ingress.listen ?? '') ?? (network.profile.onThisMachine ? {host: '127.0.0.1', port: 0} : {host: '0.0.0.0', port: 80})
    const ingress = new IngressProxy({host: options.ingressHost ?? ingressListen.host, port: options.ingressPort ?? ingressListen.port})
    const ingressBound = await ingress.listen().catch((error: unknown) => {
      throw listenFailure(error, 'ingress', `${options.ingressHost ?? ingressListen.host}:${options.ingressPort ?? ingressListen.port}`, 'ingress.listen')
    })
    cleanups.push(() => ingress.close())
    const publicHost = config.ingress.publicHost ?? hostUrl.hostname
    const salt = Buffer.from(hkdfSync('sha256', secret, Buffer.from('edge-provider'), Buffer.from('ingress-salt'), 16)).toString('hex')

    const leases = new LeaseManager({
      address,
      store,
      runtime,
      runtimeInfo,
      market,
      tx,
      capacity,
      events: hub,
      ingress: {proxy: ingress, plan: {domain: config.ingress.domain, salt, publicHost, ingressPort: ingressBound.port}},
      manifestTimeoutMs: config.bidding.manifestTimeoutS * 1000,
      withdrawIntervalMs: config.bidding.withdrawIntervalS * 1000,
      fundsCheckIntervalMs: config.bidding.leaseFundsCheckIntervalS * 1000,
      ...(config.reclamation.rules ? {reclaimRules: config.reclamation.rules} : {}),
      now,
    })

    const certificate = await ensureServerCertificate({
      dir: join(options.dir, 'tls'),
      address,
      hosts: [...new Set([hostUrl.hostname, 'localhost', '127.0.0.1'])],
      sealer: new Sealer(secret, 'tls'),
      ...(config.gateway.certFile && config.gateway.keyFile ? {files: {certFile: config.gateway.certFile, keyFile: config.gateway.keyFile}} : {}),
      chain: {
        certificateState: async (owner, serial) => {
          const list = await market.certificates(owner, serial)
          const c = list.find((x) => x.serial === serial)
          return c ? c.state : 'missing'
        },
        publish: async (certPem, pubkeyPem) => {
          await tx.submit({type: 'createCertificate', certPem, pubkeyPem})
        },
      },
      onEvent: (e) => hub.emit(e),
    })

    const statusInputs = () => ({
      capacity,
      activeLeases: leases.activeLeases(),
      openBidKeys: store.bids('open').map((b) => b.orderKey),
      manifests: store.countManifests(),
      publicHostname: publicHost,
    })
    // Screening answers from the bid engine's decision; the engine starts after the servers.
    let engineRef: BidEngine | undefined
    const bidScreening = (request: BidScreeningRequest) => screenBid(request, engineRef?.evaluationContext())
    const pubkeys = new Map<string, {key?: Uint8Array; at: number}>()
    const gatewayListen = listenAddress(config.gateway.listen ?? '')
    const gateway = new Gateway({
      address,
      leases,
      tls: certificate,
      host: options.gatewayHost ?? gatewayListen?.host ?? '0.0.0.0',
      port: options.gatewayPort ?? gatewayListen?.port ?? hostUriPort(config.hostUri),
      maxBodyBytes: config.gateway.maxBodyBytes,
      events: hub,
      // edge dev answers AEP-83 quote requests with explicit MOCKs; elsewhere the host's TEE, if any.
      ...(network.profile.kind === 'dev' ? {attestation: mockQuoteSource()} : {}),
      publicKey: async (owner) => {
        const cached = pubkeys.get(owner)
        if (cached && now() - cached.at < (cached.key ? 300_000 : 5_000)) return cached.key
        const info = await market.account(owner).catch(() => undefined)
        pubkeys.set(owner, {key: info?.pubkey, at: now()})
        return info?.pubkey
      },
      certificate: async (owner, serial) => {
        const list = await market.certificates(owner, serial).catch(() => [])
        const c = list.find((x) => x.serial === serial)
        return c ? {state: c.state, certPem: c.cert} : undefined
      },
      status: () => providerStatusJson(statusInputs()),
      version: () => versionJson(runtimeInfo.engine),
      bidScreening,
    })
    const bound = await gateway.listen().catch((error: unknown) => {
      const port = options.gatewayPort ?? gatewayListen?.port ?? hostUriPort(config.hostUri)
      throw listenFailure(error, 'gateway', `${options.gatewayHost ?? gatewayListen?.host ?? '0.0.0.0'}:${port}`, 'gateway.listen (or the host URI\'s port)')
    })
    cleanups.push(() => gateway.close())

    const grpcListen = listenAddress(config.gateway.grpcListen ?? '')
    const grpc = await serveStatusGrpc({
      tls: certificate,
      host: grpcListen?.host ?? bound.host,
      port: options.grpcPort ?? grpcListen?.port,
      gatewayPort: options.gatewayPort ?? gatewayListen?.port ?? hostUriPort(config.hostUri),
      status: () =>
        providerStatusProto({
          ...statusInputs(),
          gpus: config.capacity.gpus,
          ...(config.reclamation.accept && config.reclamation.windowS !== undefined ? {reclamationWindowS: config.reclamation.windowS} : {}),
        }),
      attestationQuote: gateway.attestationRpc(),
      bidScreening,
      hub,
    })
    cleanups.push(() => grpc.server.close())

    // The host URI on chain: the configured one, with the bound port when it asked for any port.
    const hostUri = hostUrl.port === '0' ? `https://${hostUrl.hostname}:${bound.port}` : config.hostUri
    const attributes = providerAttributes(config)
    if (!options.skipRegistration) await register(market, tx, hub, address, hostUri, attributes, config)

    const deposit = await bidDeposit(market, config, hub)
    const resumed = await leases.resume()
    const engine = new BidEngine({
      address,
      market,
      tx,
      store,
      capacity,
      events: hub,
      pricer,
      leases,
      deposit,
      attributes,
      bidTimeoutMs: config.bidding.bidTimeoutS * 1000,
      maxOpenBids: config.bidding.maxOpenBids,
      reclamation: config.reclamation,
      now,
    })
    engineRef = engine
    engine.earningsPerHour = () => earningsPerHourUsd(leases.activeLeases(), network.blockTimeMs, config.pricing.aktUsd)

    const gatewayUrl = `https://${displayHost(bound.host)}:${bound.port}`
    const grpcUrl = `https://${displayHost(grpc.bound.host)}:${grpc.bound.port}`
    const ingressUrl = `http://${displayHost(ingressBound.host)}:${ingressBound.port}`
    hub.emit({
      type: 'provider.started',
      address,
      network: network.name,
      hostUri,
      gatewayUrl,
      grpcUrl,
      ingressUrl,
      runtime: runtimeInfo.engine,
      attributes,
      resumedLeases: resumed,
    })

    const abort = new AbortController()
    const done = runLoop(market, network.blockTimeMs, engine, leases, hub, abort.signal)
    let stopped = false
    const stop = async () => {
      if (stopped) return done
      stopped = true
      abort.abort()
      await done.catch(() => {})
      await cleanup()
      hub.emit({type: 'provider.stopped'})
      hub.end()
    }
    return {
      address,
      gatewayUrl,
      grpcUrl,
      ingressUrl,
      hostUri,
      events: (): AsyncIterable<ProviderEvent> & {close(): void} => hub.subscribe(),
      withdraw: () => leases.withdrawAll(),
      stop,
      done,
    }
  } catch (error) {
    await cleanup()
    hub.end()
    throw error
  }
}

/** Follows blocks until stopped; a chain that stops answering is waited for, never fatal. */
async function runLoop(market: Market, blockTimeMs: number, engine: BidEngine, leases: LeaseManager, hub: EventHub, signal: AbortSignal): Promise<void> {
  const health = new ChainHealth(hub)
  let blocks = 0
  while (!signal.aborted) {
    try {
      for await (const block of providerBlocks(market, blockTimeMs, signal)) {
        health.answered(block.height)
        await engine.onBlock(block)
        if (++blocks % 5 === 0) await leases.refreshRoutes()
        if (signal.aborted) break
      }
    } catch (error) {
      if (signal.aborted) break
      health.failed(error)
      await sleep(backoffDelay(RECONNECT_BACKOFF, health.failedTries - 1), signal)
    }
  }
}

async function register(
  market: Market,
  tx: {submit(msg: ProviderMsg): Promise<TxOutcome>},
  hub: EventHub,
  address: string,
  hostUri: string,
  attributes: ReturnType<typeof providerAttributes>,
  config: ProviderConfig,
): Promise<void> {
  const existing = await market.provider(address)
  const info = {hostUri, attributes, ...(config.info?.email ? {email: config.info.email} : {}), ...(config.info?.website ? {website: config.info.website} : {})}
  if (!existing) {
    const r = await tx.submit({type: 'createProvider', ...info})
    hub.emit({type: 'provider.registered', address, action: 'created', txHash: r.txHash})
    return
  }
  const same =
    existing.hostUri === hostUri &&
    sameAttributes(existing.attributes, attributes) &&
    (existing.email ?? '') === (config.info?.email ?? '') &&
    (existing.website ?? '') === (config.info?.website ?? '')
  if (same) {
    hub.emit({type: 'provider.registered', address, action: 'unchanged'})
    return
  }
  const r = await tx.submit({type: 'updateProvider', ...info})
  hub.emit({type: 'provider.registered', address, action: 'updated', txHash: r.txHash})
}

/** The configured deposit, else the chain's minimum bid deposit (uakt preferred: it is what a provider holds). */
async function bidDeposit(market: Market, config: ProviderConfig, hub: EventHub): Promise<Coin> {
  if (config.bidding.deposit) return parseCoin(config.bidding.deposit)
  let problem: string | undefined
  const mins = await market.bidMinDeposits().catch((error: Error) => {
    problem = error.message
    return []
  })
  const chosen = mins.find((c) => c.denom === 'uakt') ?? mins[0]
  if (chosen) return chosen
  // Akash's default minimum; say so, since a chain that wants more refuses every bid.
  const fallback = {denom: 'uakt', amount: 500_000n}
  hub.emit({
    type: 'warning',
    message: `the chain's minimum bid deposit is unknown (${problem ?? 'no bid_min_deposits in the market params'}); bidding with ${fallback.amount}${fallback.denom} — set bidding.deposit in the provider config to choose`,
  })
  return fallback
}

export function earningsPerHourUsd(leases: Array<{denom: string; amount: bigint}>, blockTimeMs: number, aktUsd?: string): string {
  let usd = 0n
  for (const l of leases) {
    const v = toUsd(perHour(l.amount, blockTimeMs), l.denom, aktUsd ? parseDec(aktUsd) : undefined)
    if (v !== undefined) usd += v
  }
  return formatScaled(usd, DEC_PRECISION, 6, {trim: true})
}

async function createConfiguredRuntime(config: ProviderConfig, network: NetworkContext, address: string, dir: string): Promise<Runtime> {
  const {createRuntime} = await import('./runtime/factory.js')
  if (config.runtime.kind === 'process') {
    if (!network.profile.onThisMachine) {
      throw new UsageError('The process runtime runs workloads as host processes, without isolation; it is for edge dev only.', {
        code: 'process_runtime_refused',
        hint: 'Use `runtime.kind: docker` (Docker or Podman) on any network other than local.',
      })
    }
    return createRuntime({kind: 'process', network, dataDir: join(dir, 'runtime'), provider: address})
  }
  try {
    return await createRuntime({
      kind: 'docker',
      ...(config.runtime.socket ? {socketPath: config.runtime.socket} : {}),
      ...(config.runtime.portRange ? {portRange: parsePortRange(config.runtime.portRange)} : {}),
      provider: address,
    })
  } catch (error) {
    // The runtime's own error already says which socket to start; keep its exit code (2).
    if (error instanceof EdgeError) throw error
    throw new UsageError(`No container engine: ${(error as Error).message}`, {
      code: 'no_container_engine',
      hint: 'Start Docker or `podman system service`, set runtime.socket in the provider config, or use runtime.kind: process on edge dev.',
    })
  }
}

function versionJson(engine: string): unknown {
  let version = '0.0.0'
  try {
    version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version
  } catch {
    // keep the placeholder
  }
  return {
    akash: {
      name: 'edge-provider',
      server_name: 'edge',
      version,
      commit: '',
      build_tags: '',
      go: `node ${process.version}`,
      build_deps: [],
      cosmos_sdk_version: '',
    },
    kube: {major: '', minor: '', gitVersion: engine, gitCommit: '', gitTreeState: '', buildDate: '', goVersion: '', compiler: '', platform: `${process.platform}/${process.arch}`},
  }
}
