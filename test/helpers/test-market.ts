/**
 * The one Market test double: `testMarket(stubs)` answers each call with the stub given for it and
 * fails loudly on any other, so a test states exactly which chain answers it relies on (Shopify's
 * `testDeveloperPlatformClient(stubs)`). Fakes that keep state (the provider's order book, the
 * deploy flow's chain) extend `TestMarket`, so they too are checked against the Market interface.
 *
 * No double here bids or matches with the product's own rules: a fake that bids decides with its
 * own, simpler script, so a bug in src/protocol/matching.ts cannot hide in the fake.
 */
import {BUILT_IN_NETWORKS, type NetworkContext} from '../../src/config/networks.js'
import type {Market, MarketQueries, MarketTransactions} from '../../src/market/market.js'

/** Stubs for the queries (and `network`), plus `tx` stubs; a `tx` given makes a market that can sign. */
export type MarketStubs = Partial<MarketQueries> & {tx?: Partial<MarketTransactions> & {address?: string}}

export class NotStubbed extends Error {
  constructor(method: string) {
    super(`testMarket: ${method} was called but not stubbed`)
  }
}

type Fn = (...args: never[]) => unknown

/** Every Market call, answered by its stub or refused with NotStubbed. */
export class TestMarket implements Market {
  readonly network: NetworkContext
  tx?: MarketTransactions

  constructor(private readonly stubs: MarketStubs = {}) {
    this.network = stubs.network ?? {...BUILT_IN_NETWORKS.local}
    if (stubs.tx) this.tx = testTransactions(stubs.tx)
  }

  latestBlock(...a: Parameters<Market['latestBlock']>): ReturnType<Market['latestBlock']> {
    return this.call('latestBlock', a)
  }
  chainId(...a: Parameters<Market['chainId']>): ReturnType<Market['chainId']> {
    return this.call('chainId', a)
  }
  account(...a: Parameters<Market['account']>): ReturnType<Market['account']> {
    return this.call('account', a)
  }
  balances(...a: Parameters<Market['balances']>): ReturnType<Market['balances']> {
    return this.call('balances', a)
  }
  deployments(...a: Parameters<Market['deployments']>): ReturnType<Market['deployments']> {
    return this.call('deployments', a)
  }
  deployment(...a: Parameters<Market['deployment']>): ReturnType<Market['deployment']> {
    return this.call('deployment', a)
  }
  orders(...a: Parameters<Market['orders']>): ReturnType<Market['orders']> {
    return this.call('orders', a)
  }
  bids(...a: Parameters<Market['bids']>): ReturnType<Market['bids']> {
    return this.call('bids', a)
  }
  leases(...a: Parameters<Market['leases']>): ReturnType<Market['leases']> {
    return this.call('leases', a)
  }
  lease(...a: Parameters<Market['lease']>): ReturnType<Market['lease']> {
    return this.call('lease', a)
  }
  providers(...a: Parameters<Market['providers']>): ReturnType<Market['providers']> {
    return this.call('providers', a)
  }
  provider(...a: Parameters<Market['provider']>): ReturnType<Market['provider']> {
    return this.call('provider', a)
  }
  auditedAttributes(...a: Parameters<Market['auditedAttributes']>): ReturnType<Market['auditedAttributes']> {
    return this.call('auditedAttributes', a)
  }
  certificates(...a: Parameters<Market['certificates']>): ReturnType<Market['certificates']> {
    return this.call('certificates', a)
  }
  minDeposits(...a: Parameters<Market['minDeposits']>): ReturnType<Market['minDeposits']> {
    return this.call('minDeposits', a)
  }
  bidMinDeposits(...a: Parameters<Market['bidMinDeposits']>): ReturnType<Market['bidMinDeposits']> {
    return this.call('bidMinDeposits', a)
  }
  bmeStatus(...a: Parameters<Market['bmeStatus']>): ReturnType<Market['bmeStatus']> {
    return this.call('bmeStatus', a)
  }
  aktPrice(...a: Parameters<Market['aktPrice']>): ReturnType<Market['aktPrice']> {
    return this.call('aktPrice', a)
  }
  reclamationWindows(...a: Parameters<Market['reclamationWindows']>): ReturnType<Market['reclamationWindows']> {
    return this.call('reclamationWindows', a)
  }
  watchBlocks(...a: Parameters<Market['watchBlocks']>): ReturnType<Market['watchBlocks']> {
    return this.call('watchBlocks', a)
  }
  txMemos(...a: Parameters<Market['txMemos']>): ReturnType<Market['txMemos']> {
    return this.call('txMemos', a)
  }

  async close(): Promise<void> {}

  private call<K extends Exclude<keyof MarketQueries, 'network'>>(name: K, args: Parameters<MarketQueries[K]>): ReturnType<MarketQueries[K]> {
    const stub = this.stubs[name] as Fn | undefined
    if (!stub) throw new NotStubbed(name)
    return stub(...(args as never[])) as ReturnType<MarketQueries[K]>
  }
}

/** A market whose calls are the given stubs; any other call throws NotStubbed. */
export function testMarket(stubs: MarketStubs = {}): Market {
  return new TestMarket(stubs)
}

function testTransactions(stubs: Partial<MarketTransactions> & {address?: string}): MarketTransactions {
  const call =
    <K extends Exclude<keyof MarketTransactions, 'address'>>(name: K): MarketTransactions[K] =>
    ((...args: never[]) => {
      const stub = stubs[name] as Fn | undefined
      if (!stub) throw new NotStubbed(`tx.${name}`)
      return stub(...args)
    }) as MarketTransactions[K]
  return {
    address: stubs.address ?? 'akash1qufa3xzrf34qvwyejkhvnc4psf49fftaw0asmh',
    createDeployment: call('createDeployment'),
    updateDeployment: call('updateDeployment'),
    closeDeployment: call('closeDeployment'),
    deposit: call('deposit'),
    createLease: call('createLease'),
    closeLease: call('closeLease'),
    createBid: call('createBid'),
    closeBid: call('closeBid'),
    leaseStartReclaim: call('leaseStartReclaim'),
    withdrawLease: call('withdrawLease'),
    createProvider: call('createProvider'),
    updateProvider: call('updateProvider'),
    createCertificate: call('createCertificate'),
    revokeCertificate: call('revokeCertificate'),
    signProviderAttributes: call('signProviderAttributes'),
    mintAct: call('mintAct'),
    burnAct: call('burnAct'),
    batchBroadcaster: call('batchBroadcaster'),
  }
}
