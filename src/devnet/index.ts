import {randomBytes} from 'node:crypto'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {DevApp} from './app.js'
import {BlockProducer} from './core/block-producer.js'
import {ChainDb} from './core/chain-db.js'
import {parseGasPrice} from './core/coins.js'
import {type DevGenesis, type GenesisAccount, defaultDevGenesis} from './genesis.js'
import {authModule} from './modules/auth/index.js'
import {bankModule} from './modules/bank/index.js'
import {akashModules, defaultAkashGenesis} from './modules/index.js'
import {CometRenderer, validatorIdentity} from './server/comet-json.js'
import {GrpcServer} from './server/grpc-server.js'
import {RestServer} from './server/rest-server.js'
import {RpcServer} from './server/rpc-server.js'
import {registerDiscoveryService} from './server/discovery.js'
import {registerTendermintService, registerTxService} from './server/services.js'
import {registerSingleValidatorServices} from './server/single-validator/index.js'
import type {Coin, Module} from './types.js'

export type {DevGenesis, GenesisAccount} from './genesis.js'
export {withOracleSource} from './modules/oracle/genesis.js'
export type {DevApp} from './app.js'

export const DEFAULT_CHAIN_ID = 'edge-dev'
export const DEFAULT_PORTS = {rpc: 26657, grpc: 9090, rest: 1317} as const
export const DEFAULT_MIN_GAS_PRICE = '0.025uakt'
export const DB_FILE = 'chain.sqlite'

export interface DevnetOptions {
  /** Directory holding the chain database (`<data>/devnet`); created if missing. */
  dataDir: string
  /** Interface to bind; loopback by default. */
  host?: string
  /** 0 binds a free port (tests). Defaults: 26657, 9090, 1317. */
  ports?: {rpc?: number; grpc?: number; rest?: number}
  /** Milliseconds between blocks (default 1000); 0 = a block as soon as a tx arrives. */
  blockTime?: number
  chainId?: string
  /** Genesis accounts (used only when the chain is created). */
  accounts?: GenesisAccount[]
  /** Full genesis, or a function that edits the default one (used only when the chain is created). */
  genesis?: DevGenesis | ((base: DevGenesis) => DevGenesis)
  /** Minimum gas price for mempool admission, e.g. `0.025uakt` (the default). `''` accepts any fee. */
  minGasPrice?: string
  /**
   * The market's minimum reclamation window (AEP-82), in seconds. A new chain gets it in its
   * genesis (default 5 s); an existing one takes it at its first block, as a governance params
   * change would set it. Unset, an existing chain keeps what it has.
   */
  minReclamationWindowSeconds?: number
  /** State machine modules; by default auth, bank and the Akash modules. */
  modules?: Module[]
  log?: (line: string) => void
  clock?: () => Date
}

export interface DevnetEndpoints {
  rpc: string
  grpc: string
  rest: string
}

export interface Devnet {
  chainId: string
  endpoints: DevnetEndpoints
  /** Ports actually bound. */
  ports: {rpc: number; grpc: number; rest: number}
  /** The last committed height. */
  height(): number
  /** Dev faucet: mints coins into `address` in the next block; resolves with that height. */
  fund(address: string, coins: Coin[]): Promise<number>
  app: DevApp
  stop(): Promise<void>
}

/** Starts an edge dev chain in this process: database, block producer, RPC, gRPC and REST servers. */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID
  const host = options.host ?? '127.0.0.1'
  const log = options.log ?? (() => {})
  mkdirSync(options.dataDir, {recursive: true})
  const db = new ChainDb(join(options.dataDir, DB_FILE))
  let rpc: RpcServer | undefined
  let grpc: GrpcServer | undefined
  let rest: RestServer | undefined
  let producer: BlockProducer | undefined
  try {
    const window = options.minReclamationWindowSeconds
    const market = window === undefined ? {} : {minReclamationWindow: BigInt(Math.round(window * 1e9))}
    const modules = options.modules ?? [authModule(), bankModule(), ...akashModules({market})]
    const akashGenesis: Record<string, unknown> = options.modules ? {} : {...defaultAkashGenesis({minReclamationWindowSeconds: window})}
    const minGasPrice = options.minGasPrice ?? DEFAULT_MIN_GAS_PRICE
    const app = new DevApp({
      db,
      chainId,
      modules,
      minGasPrices: minGasPrice ? minGasPrice.split(',').map(parseGasPrice) : [],
      clock: options.clock,
      log,
    })
    let genesis = defaultDevGenesis({chainId, accounts: options.accounts ?? [], appState: akashGenesis})
    if (typeof options.genesis === 'function') genesis = options.genesis(genesis)
    else if (options.genesis) genesis = options.genesis
    if (app.initChain(genesis)) log(`created chain ${chainId} with ${genesis.accounts.length} genesis accounts`)

    let key = db.meta('validator_key')
    if (!key) {
      key = randomBytes(32).toString('hex')
      db.setMeta('validator_key', key)
    }
    const renderer = new CometRenderer(chainId, validatorIdentity(Buffer.from(key, 'hex')))
    registerTxService(app)
    registerTendermintService(app, renderer)
    registerDiscoveryService(app)
    const restJsonRoutes = registerSingleValidatorServices(app, renderer)

    producer = new BlockProducer(app, {blockTimeMs: options.blockTime ?? 1000, log})
    await producer.start()
    const ports = {rpc: options.ports?.rpc ?? DEFAULT_PORTS.rpc, grpc: options.ports?.grpc ?? DEFAULT_PORTS.grpc, rest: options.ports?.rest ?? DEFAULT_PORTS.rest}
    rpc = new RpcServer({app, renderer, host, port: ports.rpc, log})
    ports.rpc = await rpc.listen()
    grpc = new GrpcServer({app, host, port: ports.grpc, log})
    ports.grpc = await grpc.listen()
    rest = new RestServer({app, host, port: ports.rest, jsonRoutes: restJsonRoutes, log})
    ports.rest = await rest.listen()
    const urlHost = host.includes(':') ? `[${host}]` : host
    const endpoints = {rpc: `http://${urlHost}:${ports.rpc}`, grpc: `http://${urlHost}:${ports.grpc}`, rest: `http://${urlHost}:${ports.rest}`}
    log(`edge dev ${chainId} at height ${app.height()}: rpc ${endpoints.rpc}, grpc ${endpoints.grpc}, rest ${endpoints.rest}`)

    let stopped: Promise<void> | undefined
    const running = {rpc, grpc, rest, producer}
    return {
      chainId,
      endpoints,
      ports,
      app,
      height: () => app.height(),
      fund: (address, coins) => app.fund(address, coins),
      stop() {
        stopped ??= (async () => {
          await running.producer.stop()
          await Promise.all([running.rpc.close(), running.grpc.close(), running.rest.close()])
          db.close()
        })()
        return stopped
      },
    }
  } catch (error) {
    await producer?.stop()
    await Promise.allSettled([rpc?.close(), grpc?.close(), rest?.close()])
    db.close()
    throw error
  }
}
