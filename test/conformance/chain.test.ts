// The chain conformance suite. It is written ONLY against Akash's own clients — chain-sdk
// (`createChainNodeSDK` over gRPC, `createStargateClient` for transactions) and plain cosmjs
// (`StargateClient` / `SigningStargateClient` over CometBFT RPC) — and runs the same steps against
// every backend: `edge dev` and, where it can be built, a real Akash node. What a real node does is
// the specification; a difference is a bug in edge dev.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {type ChainNodeSDK, createChainNodeSDK, createStargateClient} from '@akashnetwork/chain-sdk'
import {LeaseClosedReason, Source} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {fromHex} from '@cosmjs/encoding'
import {connectComet} from '@cosmjs/tendermint-rpc'
import {MsgSend} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import {DirectSecp256k1HdWallet, Registry} from '@cosmjs/proto-signing'
import {BroadcastTxError, type DeliverTxResponse, GasPrice, SigningStargateClient, StargateClient, defaultRegistryTypes} from '@cosmjs/stargate'
import {TxRaw} from 'cosmjs-types/cosmos/tx/v1beta1/tx'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {groupSpecs, loadSdlOrThrow, manifestVersion} from '../../src/sdl/index.js'
import {startOrSkip, wantedBackends} from './backends/index.js'
import type {ChainAccount, ChainBackend} from './node/types.js'
import {CORPUS} from '../helpers/corpus.js'

const CORPUS_SDL = join(CORPUS, 'awesome-akash/caddy.yaml')
/** The group's bid price per block (uact) and the deposits: integers, so every sum is exact. */
const BID_PRICE = 1000n
const DEPOSIT = 5_000_000n
const TOP_UP = 1_000_000n
const BID_DEPOSIT = 500_000n

for (const backendCase of wantedBackends()) {
  describe(`chain conformance: ${backendCase.name}`, () => {
    let backend: ChainBackend
    let skip: string | undefined
    let query: ChainNodeSDK
    let tenantSdk: ChainNodeSDK
    let providerSdk: ChainNodeSDK
    let auditorSdk: ChainNodeSDK
    let client: StargateClient
    const stops: Array<() => Promise<void> | void> = []

    /** A chain-sdk signing client for one account, polling for inclusion near the block time. */
    function signerSdk(account: ChainAccount): ChainNodeSDK {
      const signer = createStargateClient({
        baseUrl: backend.rpc,
        signerMnemonic: account.mnemonic,
        defaultGasPrice: backend.gasPrice,
        // The real node's simulation runs short of delivery by a few hundred gas on small txs
        // (audit signing: wanted 65534, used 65887 at the default 1.3); 1.5 is what Akash's docs use.
        gasMultiplier: 1.5,
        stargateOptions: {broadcastPollIntervalMs: 200, broadcastTimeoutMs: 30_000},
      })
      stops.push(() => signer.disconnect())
      return createChainNodeSDK({query: {baseUrl: backend.grpc}, tx: {signer}})
    }

    async function uact(address: string): Promise<bigint> {
      return BigInt((await client.getBalance(address, 'uact')).amount)
    }

    async function waitForHeight(height: number, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while ((await client.getHeight()) < height) {
        if (Date.now() > deadline) throw new Error(`height ${height} not reached (log: ${backend.logFile})`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }

    /** Runs a chain-sdk transaction and returns the height it was included at. */
    async function included(run: (opts: {afterBroadcast: (r: DeliverTxResponse) => void}) => Promise<unknown>): Promise<number> {
      let height = 0
      await run({afterBroadcast: (r) => (height = r.height)})
      expect(height).toBeGreaterThan(0)
      return height
    }

    beforeAll(async () => {
      const started = await startOrSkip(backendCase, 'chain conformance')
      skip = started.skip
      if (!started.backend) return
      backend = started.backend
      client = await StargateClient.connect(backend.rpc)
      query = createChainNodeSDK({query: {baseUrl: backend.grpc}})
      tenantSdk = signerSdk(backend.accounts.tenant)
      providerSdk = signerSdk(backend.accounts.provider)
      auditorSdk = signerSdk(backend.accounts.auditor)
    })

    afterAll(async () => {
      for (const stop of stops) await stop()
      client?.disconnect()
      await backend?.stop()
    })

    // State shared by the market steps, in order.
    const market = {dseq: 0n, leaseHeight: 0, withdrawHeight: 0, tenantUactBefore: 0n, providerUactBefore: 0n}

    it('reads genesis balances the same through cosmjs (RPC) and chain-sdk (gRPC)', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant} = backend.accounts
      expect(await client.getChainId()).toBe(backend.chainId)
      const viaRpc = await client.getAllBalances(tenant.address)
      expect(viaRpc.map((c) => c.denom)).toEqual(['uact', 'uakt'])
      const viaGrpc = await query.cosmos.bank.v1beta1.getAllBalances({address: tenant.address})
      expect(viaGrpc.balances.map((c) => ({denom: c.denom, amount: c.amount}))).toEqual(viaRpc)
      const one = await query.cosmos.bank.v1beta1.getBalance({address: tenant.address, denom: 'uakt'})
      expect(one.balance?.amount).toBe(viaRpc.find((c) => c.denom === 'uakt')!.amount)
      const account = await client.getAccount(tenant.address)
      expect(account?.address).toBe(tenant.address)
    })

    it('mints ACT from AKT through BME at the next epoch', async (ctx) => {
      if (skip) ctx.skip(skip)
      // The real localnet's BME vault is empty, so its circuit breaker halts mints (collateral
      // ratio 0): this step runs against edge dev only, whose dev genesis seeds the vault, records
      // an AKT price of $1 from the oracle source and sets the epoch at 10 blocks.
      if (backend.kind !== 'edge-dev') ctx.skip('the real localnet has no BME collateral: mints are halted there')
      const {tenant} = backend.accounts
      const before = await uact(tenant.address)
      await tenantSdk.akash.bme.v1.mintACT({owner: tenant.address, to: tenant.address, coinsToBurn: {denom: 'uakt', amount: '20000000'}})
      const deadline = Date.now() + 60_000
      while ((await uact(tenant.address)) === before) {
        if (Date.now() > deadline) throw new Error('ACT never arrived')
        await new Promise((r) => setTimeout(r, 200))
      }
      // 20 AKT × $1 / $1 per ACT, less the 25 bps mint spread.
      expect((await uact(tenant.address)) - before).toBe(19_950_000n)
    })

    // Oracle v2 and discovery (node v2.1.0). Both backends name the auditor as the oracle's price
    // source in their genesis (localnet.sh; the edge-dev backend), so it can post a price here.
    it('takes an AKT price from a source in oracle v2 params and aggregates it at the end of the block', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {auditor} = backend.accounts
      const {params} = await query.akash.oracle.v2.getParams({})
      expect(params?.sources).toContain(auditor.address)
      expect(params?.minPriceSources).toBe(1)
      const height = await included((opts) =>
        auditorSdk.akash.oracle.v2.addPriceEntry({signer: auditor.address, id: {denom: 'akt', baseDenom: 'usd'}, price: '1.25', timestamp: new Date()}, opts),
      )
      await waitForHeight(height + 1)
      const {aggregatedPrice, priceHealth} = await query.akash.oracle.v2.getAggregatedPrice({denom: 'akt'})
      expect(aggregatedPrice).toMatchObject({denom: 'akt', medianPrice: '1.25', numSources: 1})
      expect(priceHealth).toMatchObject({denom: 'akt', isHealthy: true, hasMinSources: true, deviationOk: true, totalSources: 1, totalHealthySources: 1})
      const {prices} = await query.akash.oracle.v2.getPrices({filters: {assetDenom: 'akt', baseDenom: 'usd'}})
      expect(prices[0]?.state?.price).toBe('1.25')
      // Prices are kept per asset, not per base denom: there is no `uakt` pair.
      await expect(query.akash.oracle.v2.getAggregatedPrice({denom: 'uakt'})).rejects.toThrow(/not found/)
    })

    it('refuses oracle v1 queries as UNIMPLEMENTED (the node registers only oracle v2)', async (ctx) => {
      if (skip) ctx.skip(skip)
      await expect(query.akash.oracle.v1.getAggregatedPrice({denom: 'akt'})).rejects.toMatchObject({code: 12})
      await expect(query.akash.oracle.v1.getPrices({})).rejects.toMatchObject({code: 12})
    })

    it('reports its API versions through Discovery/GetInfo (gRPC, REST) and the CometBFT JSON-RPC method `akash`', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {info} = await query.akash.discovery.v1.getInfo({})
      expect(info?.chainId).toBe(backend.chainId)
      expect(info?.nodeVersion).toMatch(/^2\.1\./)
      expect(info?.supportedVersions.map((v) => v.apiVersion)).toEqual(['v1beta4', 'v1beta3'])
      expect(info?.supportedVersions[0].modules).toEqual(expect.arrayContaining([{module: 'oracle', version: 'v2'}, {module: 'market', version: 'v1beta5'}]))
      const rest = (await (await fetch(`${backend.rest}/akash/discovery/v1/info`)).json()) as {info: {chain_id: string}}
      expect(rest.info.chain_id).toBe(backend.chainId)
      // What the Go clients (akt, provider-services) call before anything else.
      const response = await fetch(backend.rpc, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'akash', params: {}})})
      const {result} = (await response.json()) as {result: {client_info: {api_version: string}; supported_versions: Array<{api_version: string; modules: unknown[]}>; chain_id: string; node_version: string}}
      expect(result.chain_id).toBe(backend.chainId)
      expect(result.client_info.api_version).toBe('v1beta3')
      expect(result.supported_versions.map((v) => v.api_version)).toEqual(['v1beta4', 'v1beta3'])
      expect(result.supported_versions[0].modules).toContainEqual({module: 'oracle', version: 'v2'})
      expect(result.node_version).toBe(info?.nodeVersion)
    })

    it('creates a provider and has an auditor sign its attributes', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {provider, auditor} = backend.accounts
      await providerSdk.akash.provider.v1beta4.createProvider({
        owner: provider.address,
        hostUri: 'https://provider.conformance.test:8443',
        attributes: [
          {key: 'host', value: 'akash'},
          {key: 'region', value: 'us-west'},
        ],
        info: {email: 'ops@conformance.test', website: 'https://conformance.test'},
      })
      await auditorSdk.akash.audit.v1.signProviderAttributes({owner: provider.address, auditor: auditor.address, attributes: [{key: 'host', value: 'akash'}]})
      const found = await query.akash.provider.v1beta4.getProvider({owner: provider.address})
      expect(found.provider?.hostUri).toBe('https://provider.conformance.test:8443')
      expect(found.provider?.attributes).toEqual(expect.arrayContaining([{key: 'region', value: 'us-west'}]))
      const audited = await query.akash.audit.v1.getProviderAuditorAttributes({owner: provider.address, auditor: auditor.address})
      expect(audited.providers[0]?.attributes).toEqual([{key: 'host', value: 'akash'}])
    })

    it('creates a deployment from a corpus SDL, with one open order per group', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant, auditor, provider} = backend.accounts
      // The corpus SDL requires attributes signed by one auditor on mainnet; here our test auditor.
      const text = readFileSync(CORPUS_SDL, 'utf8').replace(/akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63/g, auditor.address)
      const sdl = loadSdlOrThrow(text, {file: CORPUS_SDL})
      market.tenantUactBefore = await uact(tenant.address)
      market.providerUactBefore = await uact(provider.address)
      market.dseq = BigInt(await client.getHeight())
      await tenantSdk.akash.deployment.v1beta4.createDeployment({
        id: {owner: tenant.address, dseq: market.dseq},
        groups: groupSpecs(sdl),
        hash: manifestVersion(sdl).bytes,
        deposit: {amount: {denom: 'uact', amount: DEPOSIT.toString()}, sources: [Source.balance]},
        reclamation: undefined,
      })
      expect(market.tenantUactBefore - (await uact(tenant.address))).toBe(DEPOSIT)
      const {deployment, groups, escrowAccount} = await query.akash.deployment.v1beta4.getDeployment({id: {owner: tenant.address, dseq: market.dseq}})
      expect(deployment?.hash).toEqual(manifestVersion(sdl).bytes)
      expect(groups).toHaveLength(1)
      expect(escrowAccount?.state?.funds.find((f) => f.denom === 'uact')?.amount).toMatch(/^5000000(\.0+)?$/)
      const orders = await query.akash.market.v1beta5.getOrders({filters: {owner: tenant.address, dseq: market.dseq, state: 'open'}})
      expect(orders.orders).toHaveLength(1)
      expect(orders.orders[0].spec?.resources[0].price?.amount).toMatch(/^10000(\.0+)?$/)
    })

    it('accepts a bid signed by the provider key and a lease that makes it active', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant, provider} = backend.accounts
      const orders = await query.akash.market.v1beta5.getOrders({filters: {owner: tenant.address, dseq: market.dseq}})
      const order = orders.orders[0]
      const bidId = {owner: tenant.address, dseq: market.dseq, gseq: order.id!.gseq, oseq: order.id!.oseq, provider: provider.address, bseq: 0}
      await providerSdk.akash.market.v1beta5.createBid({
        id: bidId,
        price: {denom: 'uact', amount: BID_PRICE.toString()},
        deposit: {amount: {denom: 'uact', amount: BID_DEPOSIT.toString()}, sources: [Source.balance]},
        resourcesOffer: order.spec!.resources.map((r) => ({resources: r.resource, count: r.count, prices: undefined})),
        reclamationWindow: undefined,
      })
      const bids = await query.akash.market.v1beta5.getBids({filters: {owner: tenant.address, dseq: market.dseq}})
      expect(bids.bids.map((b) => b.bid?.state)).toEqual([1]) // open
      market.leaseHeight = await included((opts) => tenantSdk.akash.market.v1beta5.createLease({bidId}, opts))
      const lease = await query.akash.market.v1beta5.getLease({id: bidId})
      expect(lease.lease?.state).toBe(1) // active
      expect(lease.lease?.price?.amount).toMatch(/^1000(\.0+)?$/)
      expect((await query.akash.market.v1beta5.getBid({id: bidId})).bid?.state).toBe(2) // active
    })

    it('settles escrow over N blocks to the micro-unit on withdrawal', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant, provider} = backend.accounts
      await waitForHeight(market.leaseHeight + 8)
      const leaseId = {owner: tenant.address, dseq: market.dseq, gseq: 1, oseq: 1, provider: provider.address, bseq: 0}
      market.withdrawHeight = await included((opts) => providerSdk.akash.market.v1beta5.withdrawLease({id: leaseId}, opts))
      const blocks = BigInt(market.withdrawHeight - market.leaseHeight)
      expect(blocks).toBeGreaterThanOrEqual(8n)
      // The provider put BID_DEPOSIT in escrow and was paid price × blocks, exactly.
      expect((await uact(provider.address)) - market.providerUactBefore).toBe(BID_PRICE * blocks - BID_DEPOSIT)
      // Escrow queries filter by key path: `<scope>/<account xid>[/<payment xid>]`.
      const payments = await query.akash.escrow.v1.getPayments({xid: `deployment/${tenant.address}/${market.dseq}/1/1/${provider.address}`})
      expect(payments.payments[0]?.state?.withdrawn?.amount).toBe((BID_PRICE * blocks).toString())
    })

    it('tops up the deposit with MsgAccountDeposit', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant} = backend.accounts
      const xid = `${tenant.address}/${market.dseq}`
      const accountBefore = (await query.akash.escrow.v1.getAccounts({xid: `deployment/${xid}`})).accounts[0]
      const before = await uact(tenant.address)
      await tenantSdk.akash.escrow.v1.accountDeposit({
        signer: tenant.address,
        id: {scope: 1, xid},
        deposit: {amount: {denom: 'uact', amount: TOP_UP.toString()}, sources: [Source.balance]},
      })
      expect(before - (await uact(tenant.address))).toBe(TOP_UP)
      const accountAfter = (await query.akash.escrow.v1.getAccounts({xid: `deployment/${xid}`})).accounts[0]
      const funds = (a: typeof accountAfter) => Number(a.state!.funds.find((f) => f.denom === 'uact')!.amount)
      const settled = (a: typeof accountAfter) => BigInt(a.state!.settledAt.toString())
      // Funds grow by the top-up, less whatever a settlement on this touch charged.
      const charged = BID_PRICE * (settled(accountAfter) - settled(accountBefore))
      expect(BigInt(Math.round(funds(accountAfter) - funds(accountBefore)))).toBe(TOP_UP - charged)
    })

    it('closes the deployment: lease closed, provider paid for every block, the rest refunded', async (ctx) => {
      if (skip) ctx.skip(skip)
      const {tenant, provider} = backend.accounts
      const closeHeight = await included((opts) => tenantSdk.akash.deployment.v1beta4.closeDeployment({id: {owner: tenant.address, dseq: market.dseq}}, opts))
      const blocks = BigInt(closeHeight - market.leaseHeight)
      const {deployment} = await query.akash.deployment.v1beta4.getDeployment({id: {owner: tenant.address, dseq: market.dseq}})
      expect(deployment?.state).toBe(2) // closed
      const lease = await query.akash.market.v1beta5.getLease({id: {owner: tenant.address, dseq: market.dseq, gseq: 1, oseq: 1, provider: provider.address, bseq: 0}})
      expect(lease.lease?.state).toBe(3) // closed
      // Every micro-ACT accounted for: the tenant paid exactly price × blocks of lease, the
      // provider got exactly that and its bid deposit back.
      expect(market.tenantUactBefore - (await uact(tenant.address))).toBe(BID_PRICE * blocks)
      expect((await uact(provider.address)) - market.providerUactBefore).toBe(BID_PRICE * blocks)
    })

    describe('resource reclamation (AEP-82)', () => {
      // A fixed fee skips chain-sdk's simulation, so that a refused message reaches the chain and
      // its codespace and code can be read from the node's DeliverTx (or CheckTx) result.
      const fee = {amount: [{denom: 'uakt', amount: '20000'}], gas: '800000'}
      const rec = {dseq: 0n, plainDseq: 0n, minSeconds: 0n, maxSeconds: 0n, windowSeconds: 0n, deadline: 0n, startHeight: 0}
      const leaseId = (dseq: bigint) => ({owner: backend.accounts.tenant.address, dseq, gseq: 1, oseq: 1, provider: backend.accounts.provider.address, bseq: 0})
      const seconds = (s: bigint) => ({seconds: s, nanos: 0})
      const reasonDecommission = LeaseClosedReason.lease_closed_reason_decommission

      /** Runs a chain-sdk transaction that must fail; returns the node's codespace and code for it. */
      async function refused(run: (opts: {fee: typeof fee; afterBroadcast: (r: DeliverTxResponse) => void}) => Promise<unknown>) {
        let hash = ''
        const error = await run({fee, afterBroadcast: (r) => (hash = r.transactionHash)}).then(
          () => undefined,
          (e: unknown) => e,
        )
        if (error === undefined) throw new Error('the transaction was accepted')
        if (error instanceof BroadcastTxError) return {codespace: error.codespace, code: error.code}
        expect(hash, String(error)).not.toBe('')
        const comet = await connectComet(backend.rpc)
        try {
          const tx = await comet.tx({hash: fromHex(hash)})
          return {codespace: tx.result.codespace ?? '', code: tx.result.code}
        } finally {
          comet.disconnect()
        }
      }

      function deployment(dseq: bigint, minWindow?: bigint) {
        const {auditor} = backend.accounts
        const text = readFileSync(CORPUS_SDL, 'utf8').replace(/akash1365yvmc4s7awdyj3n2sav7xfx76adc6dnmlx63/g, auditor.address)
        const sdl = loadSdlOrThrow(text, {file: CORPUS_SDL})
        return {
          id: {owner: backend.accounts.tenant.address, dseq},
          groups: groupSpecs(sdl),
          hash: manifestVersion(sdl).bytes,
          deposit: {amount: {denom: 'uact', amount: DEPOSIT.toString()}, sources: [Source.balance]},
          reclamation: minWindow === undefined ? undefined : {minWindow: seconds(minWindow)},
        }
      }

      function bid(dseq: bigint, window?: bigint) {
        return {
          id: leaseId(dseq),
          price: {denom: 'uact', amount: BID_PRICE.toString()},
          deposit: {amount: {denom: 'uact', amount: BID_DEPOSIT.toString()}, sources: [Source.balance]},
          resourcesOffer: [],
          reclamationWindow: window === undefined ? undefined : seconds(window),
        }
      }

      it('has the window bounds in the market params', async (ctx) => {
        if (skip) ctx.skip(skip)
        const {params} = await query.akash.market.v1beta5.getParams({})
        rec.minSeconds = BigInt(params!.minReclamationWindow!.seconds)
        rec.maxSeconds = BigInt(params!.maxReclamationWindow!.seconds)
        expect(rec.maxSeconds).toBe(720n * 3600n)
        expect(rec.minSeconds).toBeLessThan(rec.maxSeconds)
        if (backend.kind === 'edge-dev') expect(rec.minSeconds).toBe(5n)
        // The tenant asks for the shortest window the chain allows; the provider offers a bit more.
        rec.windowSeconds = rec.minSeconds + 2n
      })

      it('refuses a deployment whose min_window is outside the params bounds → deployment/26', async (ctx) => {
        if (skip) ctx.skip(skip)
        const dseq = BigInt(await client.getHeight()) + 1000n
        const tooLong = await refused((o) => tenantSdk.akash.deployment.v1beta4.createDeployment(deployment(dseq, rec.maxSeconds + 1n), o))
        expect(tooLong).toEqual({codespace: 'deployment', code: 26})
        if (rec.minSeconds > 0n) {
          const tooShort = await refused((o) => tenantSdk.akash.deployment.v1beta4.createDeployment(deployment(dseq, rec.minSeconds - 1n), o))
          expect(tooShort).toEqual({codespace: 'deployment', code: 26})
        }
        const none = await query.akash.deployment.v1beta4.getDeployments({filters: {owner: backend.accounts.tenant.address, dseq, state: ''}})
        expect(none.deployments).toEqual([])
      })

      it('creates a deployment with a reclamation window: the deployment and its order carry it', async (ctx) => {
        if (skip) ctx.skip(skip)
        rec.dseq = BigInt(await client.getHeight())
        await tenantSdk.akash.deployment.v1beta4.createDeployment(deployment(rec.dseq, rec.minSeconds))
        const {deployment: created} = await query.akash.deployment.v1beta4.getDeployment({id: {owner: backend.accounts.tenant.address, dseq: rec.dseq}})
        expect(created?.reclamation).toEqual({minWindow: seconds(rec.minSeconds)})
        const {orders} = await query.akash.market.v1beta5.getOrders({filters: {owner: backend.accounts.tenant.address, dseq: rec.dseq}})
        expect(orders.map((o) => o.reclamation)).toEqual([{minWindow: seconds(rec.minSeconds)}])
      })

      it('refuses bids without a window (market/40), below the order minimum (market/41), above the maximum (market/39)', async (ctx) => {
        if (skip) ctx.skip(skip)
        const market = providerSdk.akash.market.v1beta5
        expect(await refused((o) => market.createBid(bid(rec.dseq), o))).toEqual({codespace: 'market', code: 40})
        if (rec.minSeconds > 0n) {
          expect(await refused((o) => market.createBid(bid(rec.dseq, rec.minSeconds - 1n), o))).toEqual({codespace: 'market', code: 41})
        }
        expect(await refused((o) => market.createBid(bid(rec.dseq, rec.maxSeconds + 1n), o))).toEqual({codespace: 'market', code: 39})
        const {bids} = await query.akash.market.v1beta5.getBids({filters: {owner: backend.accounts.tenant.address, dseq: rec.dseq}})
        expect(bids).toEqual([])
      })

      it('accepts a bid with a window; the lease carries it, not started; MsgCloseBid is refused until started (market/37)', async (ctx) => {
        if (skip) ctx.skip(skip)
        await providerSdk.akash.market.v1beta5.createBid(bid(rec.dseq, rec.windowSeconds))
        const {bid: stored} = await query.akash.market.v1beta5.getBid({id: leaseId(rec.dseq)})
        expect(stored?.reclamationWindow).toEqual(seconds(rec.windowSeconds))
        await tenantSdk.akash.market.v1beta5.createLease({bidId: leaseId(rec.dseq)})
        const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})
        expect(lease).toMatchObject({state: 1, reclamation: {window: seconds(rec.windowSeconds), startedAt: 0n, deadline: 0n}})
        const early = await refused((o) => providerSdk.akash.market.v1beta5.closeBid({id: leaseId(rec.dseq), reason: reasonDecommission}, o))
        expect(early).toEqual({codespace: 'market', code: 37})
      })

      it('lets only the lease’s provider start reclamation: the tenant’s signature does not verify (sdk/8)', async (ctx) => {
        if (skip) ctx.skip(skip)
        const byTenant = await refused((o) => tenantSdk.akash.market.v1beta5.leaseStartReclaim({id: leaseId(rec.dseq), reason: reasonDecommission}, o))
        expect(byTenant).toEqual({codespace: 'sdk', code: 8})
        expect((await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})).lease?.state).toBe(1)
      })

      it('starts reclamation as the provider: reclaiming, with the node’s deadline (block time + window) and event', async (ctx) => {
        if (skip) ctx.skip(skip)
        let delivered: DeliverTxResponse | undefined
        await providerSdk.akash.market.v1beta5.leaseStartReclaim(
          {id: leaseId(rec.dseq), reason: reasonDecommission},
          {afterBroadcast: (r) => (delivered = r)},
        )
        rec.startHeight = delivered!.height
        const block = await client.getBlock(rec.startHeight)
        // Go's blockTime.Add(window).Unix(): whole seconds of the block time, plus the window.
        rec.deadline = BigInt(Math.floor(Date.parse(block.header.time) / 1000)) + rec.windowSeconds
        const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})
        expect(lease?.state).toBe(4) // reclaiming
        expect(lease?.reclamation).toEqual({
          window: seconds(rec.windowSeconds),
          startedAt: BigInt(rec.startHeight),
          deadline: rec.deadline,
          reason: reasonDecommission,
        })
        const event = delivered!.events.find((e) => e.type === 'akash.market.v1.EventLeaseReclaimStarted')
        const attrs = Object.fromEntries(event!.attributes.map((a) => [a.key, a.value]))
        expect(attrs.deadline).toBe(JSON.stringify(rec.deadline.toString()))
        expect(attrs.reason).toBe('"lease_closed_reason_decommission"')
        expect(JSON.parse(attrs.id)).toMatchObject({owner: backend.accounts.tenant.address, dseq: rec.dseq.toString(), provider: backend.accounts.provider.address})
        // Reclaiming leases are listed under their own state.
        const {leases} = await query.akash.market.v1beta5.getLeases({filters: {owner: backend.accounts.tenant.address, state: 'reclaiming'}})
        expect(leases.map((l) => l.lease?.id?.dseq)).toEqual([rec.dseq])
        // Once reclaiming, the lease is no longer active: a second start is refused (market/10).
        const again = await refused((o) => providerSdk.akash.market.v1beta5.leaseStartReclaim({id: leaseId(rec.dseq), reason: reasonDecommission}, o))
        expect(again).toEqual({codespace: 'market', code: 10})
      })

      it('refuses the provider’s MsgCloseBid before the deadline (market/38) and closes after it, keeping the record', async (ctx) => {
        if (skip) ctx.skip(skip)
        if (rec.windowSeconds > 60n) ctx.skip(`a ${rec.windowSeconds}s reclamation window is too long to wait for in a test`)
        const close = (o: object) => providerSdk.akash.market.v1beta5.closeBid({id: leaseId(rec.dseq), reason: reasonDecommission}, o)
        const started = Date.now()
        const early = await refused(close)
        // The refusal is only meaningful if it reached a block before the deadline.
        if (Date.now() - started < Number(rec.windowSeconds) * 1000 - 1000) expect(early).toEqual({codespace: 'market', code: 38})
        expect((await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})).lease?.state).toBe(4)

        // The chain does not close it at the deadline: it stays reclaiming until the provider does.
        const deadlineMs = Number(rec.deadline) * 1000
        while (Date.parse((await client.getBlock()).header.time) < deadlineMs + 1000) await new Promise((r) => setTimeout(r, 200))
        expect((await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})).lease?.state).toBe(4)

        let delivered: DeliverTxResponse | undefined
        await close({afterBroadcast: (r: DeliverTxResponse) => (delivered = r)})
        const types = delivered!.events.map((e) => e.type).filter((t) => t.startsWith('akash.'))
        expect(types).toEqual([
          'akash.deployment.v1.EventGroupPaused',
          'akash.market.v1.EventLeaseClosed',
          'akash.market.v1.EventBidClosed',
          'akash.market.v1.EventOrderClosed',
        ])
        const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId(rec.dseq)})
        expect(lease).toMatchObject({
          state: 3,
          reason: reasonDecommission,
          reclamation: {window: seconds(rec.windowSeconds), startedAt: BigInt(rec.startHeight), deadline: rec.deadline, reason: reasonDecommission},
        })
        expect((await query.akash.market.v1beta5.getBid({id: leaseId(rec.dseq)})).bid?.state).toBe(4) // closed
        const {groups} = await query.akash.deployment.v1beta4.getDeployment({id: {owner: backend.accounts.tenant.address, dseq: rec.dseq}})
        expect(groups[0]?.state).toBe(2) // paused
        // A closed lease cannot be reclaimed (market/10).
        const closed = await refused((o) => providerSdk.akash.market.v1beta5.leaseStartReclaim({id: leaseId(rec.dseq), reason: reasonDecommission}, o))
        expect(closed).toEqual({codespace: 'market', code: 10})
        await tenantSdk.akash.deployment.v1beta4.closeDeployment({id: {owner: backend.accounts.tenant.address, dseq: rec.dseq}})
      })

      it('refuses to start reclamation on a lease made without a window (market/35, LeaseNotReclamable)', async (ctx) => {
        if (skip) ctx.skip(skip)
        rec.plainDseq = BigInt(await client.getHeight())
        await tenantSdk.akash.deployment.v1beta4.createDeployment(deployment(rec.plainDseq))
        await providerSdk.akash.market.v1beta5.createBid(bid(rec.plainDseq))
        await tenantSdk.akash.market.v1beta5.createLease({bidId: leaseId(rec.plainDseq)})
        const {lease} = await query.akash.market.v1beta5.getLease({id: leaseId(rec.plainDseq)})
        expect(lease?.reclamation).toBeUndefined()
        const plain = await refused((o) => providerSdk.akash.market.v1beta5.leaseStartReclaim({id: leaseId(rec.plainDseq), reason: reasonDecommission}, o))
        expect(plain).toEqual({codespace: 'market', code: 35})
        await tenantSdk.akash.deployment.v1beta4.closeDeployment({id: {owner: backend.accounts.tenant.address, dseq: rec.plainDseq}})
      })
    })

    describe('rejected transactions: the real codes, and nothing changes', () => {
      const registry = new Registry(defaultRegistryTypes)
      // A message type no Akash chain routes.
      registry.register('/edge.conformance.v1.MsgNothing', MsgSend as never)
      const fee = {amount: [{denom: 'uakt', amount: '10000'}], gas: '400000'}
      let signing: SigningStargateClient
      let wallet: DirectSecp256k1HdWallet
      let from: string
      const to = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'

      beforeAll(async () => {
        if (skip) return
        wallet = await DirectSecp256k1HdWallet.fromMnemonic(backend.accounts.auditor.mnemonic, {prefix: 'akash'})
        from = (await wallet.getAccounts())[0].address
        signing = await SigningStargateClient.connectWithSigner(backend.rpc, wallet, {
          registry,
          gasPrice: GasPrice.fromString(backend.gasPrice),
          broadcastPollIntervalMs: 200,
        })
      })
      afterAll(() => signing?.disconnect())

      const send = (amount: string, denom = 'uakt', typeUrl = '/cosmos.bank.v1beta1.MsgSend') => ({
        typeUrl,
        value: MsgSend.fromPartial({fromAddress: from, toAddress: to, amount: [{denom, amount}]}),
      })

      async function snapshot() {
        const account = await client.getAccount(from)
        return {sequence: account?.sequence, from: await client.getAllBalances(from), to: await client.getAllBalances(to)}
      }

      async function signerData(overrides: {chainId?: string; sequence?: number; accountNumber?: number} = {}) {
        const account = await client.getAccount(from)
        return {accountNumber: account!.accountNumber, sequence: account!.sequence, chainId: backend.chainId, ...overrides}
      }

      /** Broadcasts signed bytes and returns the CheckTx rejection (code, codespace). */
      async function rejection(bytes: Uint8Array): Promise<{code: number; codespace: string}> {
        try {
          await client.broadcastTx(bytes, 20_000, 200)
        } catch (error) {
          if (error instanceof BroadcastTxError) return {code: error.code, codespace: error.codespace}
          throw error
        }
        throw new Error('the transaction was accepted')
      }

      async function expectRejected(bytes: Uint8Array, code: number, codespace: string): Promise<void> {
        const before = await snapshot()
        expect(await rejection(bytes)).toEqual({code, codespace})
        await waitForHeight((await client.getHeight()) + 2)
        expect(await snapshot()).toEqual(before)
      }

      it('bad signature → sdk/4', async (ctx) => {
        if (skip) ctx.skip(skip)
        const raw = await signing.sign(from, [send('1')], fee, '', await signerData())
        raw.signatures[0][5] ^= 0xff
        await expectRejected(TxRaw.encode(raw).finish(), 4, 'sdk')
      })

      it('wrong chain id → sdk/4 (the signature does not verify)', async (ctx) => {
        if (skip) ctx.skip(skip)
        const raw = await signing.sign(from, [send('1')], fee, '', await signerData({chainId: 'not-this-chain'}))
        await expectRejected(TxRaw.encode(raw).finish(), 4, 'sdk')
      })

      it('wrong sequence → sdk/32', async (ctx) => {
        if (skip) ctx.skip(skip)
        const data = await signerData()
        const raw = await signing.sign(from, [send('1')], fee, '', {...data, sequence: data.sequence + 5})
        await expectRejected(TxRaw.encode(raw).finish(), 32, 'sdk')
      })

      it('insufficient fee → sdk/13', async (ctx) => {
        if (skip) ctx.skip(skip)
        const raw = await signing.sign(from, [send('1')], {amount: [{denom: 'uakt', amount: '1'}], gas: '400000'}, '', await signerData())
        await expectRejected(TxRaw.encode(raw).finish(), 13, 'sdk')
      })

      it('unknown message → sdk/2 (tx parse error)', async (ctx) => {
        if (skip) ctx.skip(skip)
        const raw = await signing.sign(from, [send('1', 'uakt', '/edge.conformance.v1.MsgNothing')], fee, '', await signerData())
        await expectRejected(TxRaw.encode(raw).finish(), 2, 'sdk')
      })

      it('validation failure (a deployment without groups) → deployment/7, through chain-sdk', async (ctx) => {
        if (skip) ctx.skip(skip)
        const {tenant} = backend.accounts
        const before = await client.getAllBalances(tenant.address)
        const sequence = (await client.getAccount(tenant.address))?.sequence
        const error = await tenantSdk.akash.deployment.v1beta4
          .createDeployment(
            {
              id: {owner: tenant.address, dseq: 1},
              groups: [],
              hash: new Uint8Array(32).fill(1),
              deposit: {amount: {denom: 'uact', amount: DEPOSIT.toString()}, sources: [Source.balance]},
              reclamation: undefined,
            },
            {fee},
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          )
        expect(error).toBeInstanceOf(BroadcastTxError)
        expect({code: (error as BroadcastTxError).code, codespace: (error as BroadcastTxError).codespace}).toEqual({code: 7, codespace: 'deployment'})
        expect(await client.getAllBalances(tenant.address)).toEqual(before)
        expect((await client.getAccount(tenant.address))?.sequence).toBe(sequence)
      })

      it('insufficient funds → sdk/5 in DeliverTx: only the fee and the sequence change', async (ctx) => {
        if (skip) ctx.skip(skip)
        const before = await snapshot()
        const uaktBefore = BigInt(before.from.find((c) => c.denom === 'uakt')!.amount)
        const result = await signing.signAndBroadcast(from, [send((uaktBefore * 2n).toString())], fee)
        expect(result.code).toBe(5)
        expect(result.rawLog).toContain('insufficient funds')
        const after = await snapshot()
        expect(after.to).toEqual(before.to)
        expect(after.sequence).toBe((before.sequence ?? 0) + 1)
        expect(BigInt(after.from.find((c) => c.denom === 'uakt')!.amount)).toBe(uaktBefore - 10_000n)
        const tx = await client.getTx(result.transactionHash)
        expect(tx?.code).toBe(5)
      })

      it('ACT cannot move with MsgSend → bank/5 in DeliverTx', async (ctx) => {
        if (skip) ctx.skip(skip)
        const before = await snapshot()
        const tenantSigning = await SigningStargateClient.connectWithSigner(
          backend.rpc,
          await DirectSecp256k1HdWallet.fromMnemonic(backend.accounts.tenant.mnemonic, {prefix: 'akash'}),
          {broadcastPollIntervalMs: 200},
        )
        const result = await tenantSigning.sendTokens(backend.accounts.tenant.address, to, [{denom: 'uact', amount: '1'}], fee)
        tenantSigning.disconnect()
        expect(result.code).toBe(5)
        const tx = await client.getTx(result.transactionHash)
        expect(tx?.code).toBe(5)
        expect((await snapshot()).to).toEqual(before.to)
      })
    })
  })
}
