/**
 * The Market adapter's reclamation (AEP-82) against edge dev: a tenant's window on the deployment,
 * a provider's window on its bid, the provider's leaseStartReclaim, the lease as the Market types
 * show it, and the provider's closeBid refused before the deadline and accepted after it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {deriveKey} from '../../../src/config/mnemonic.js'
import {BUILT_IN_NETWORKS, type NetworkContext} from '../../../src/config/networks.js'
import {type Devnet, startDevnet} from '../../../src/devnet/index.js'
import {AkashMarket} from '../../../src/market/akash/akash-market.js'
import type {LeaseId} from '../../../src/market/market.js'
import {groupSpecs, loadSdlOrThrow, manifestVersion} from '../../../src/sdl/index.js'
import {MNEMONICS} from '../devnet/core/helpers.js'
import {BASE} from '../../helpers/sdl-text.js'

let dir: string
let dev: Devnet
let tenant: AkashMarket
let provider: AkashMarket

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-reclaim-market-'))
  const coins = [{denom: 'uakt', amount: '1000000000'}, {denom: 'uact', amount: '100000000'}]
  const accounts = await Promise.all([MNEMONICS.alice, MNEMONICS.bob].map(async (m) => ({address: (await deriveKey(m, 'akash')).address, coins})))
  dev = await startDevnet({dataDir: dir, ports: {rpc: 0, grpc: 0, rest: 0}, blockTime: 100, minReclamationWindowSeconds: 1, accounts})
  const network: NetworkContext = {...BUILT_IN_NETWORKS.local, ...dev.endpoints, blockTimeMs: 100}
  tenant = await AkashMarket.open(network, {mnemonic: MNEMONICS.alice})
  provider = await AkashMarket.open(network, {mnemonic: MNEMONICS.bob})
})

afterAll(async () => {
  await tenant?.close()
  await provider?.close()
  await dev?.stop()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('AkashMarket reclamation', () => {
  it('creates, bids, leases, reclaims and closes with the typed methods', async () => {
    expect(await tenant.reclamationWindows()).toEqual({minSeconds: 1, maxSeconds: 720 * 3600})
    await provider.tx!.createProvider({hostUri: 'https://provider.test:8443', attributes: []})
    const sdl = loadSdlOrThrow(BASE)
    const dseq = BigInt((await tenant.latestBlock()).height)
    await tenant.tx!.createDeployment({
      dseq,
      groups: groupSpecs(sdl),
      hash: manifestVersion(sdl).bytes,
      deposit: {denom: 'uact', amount: 5_000_000n},
      reclamationWindowSeconds: 1.5,
    })
    const deployment = await tenant.deployment({owner: tenant.tx!.address, dseq})
    expect(deployment?.reclamation).toEqual({minWindowSeconds: 1.5})
    const [order] = await provider.orders({owner: tenant.tx!.address, dseq})
    expect(order.reclamation).toEqual({minWindowSeconds: 1.5})

    // The chain refuses a bid without a window on this order (market/40).
    const bid = {order: order.id, price: {denom: 'uact', amount: 10n ** 18n}, deposit: {denom: 'uakt', amount: 500_000n}}
    await expect(provider.tx!.createBid(bid)).rejects.toThrow(/order requires reclamation but bid does not offer it/)
    await provider.tx!.createBid({...bid, reclamationWindowSeconds: 2})
    const [offered] = await tenant.bids({owner: tenant.tx!.address, dseq})
    expect(offered.reclamationWindowSeconds).toBe(2)

    const id: LeaseId = offered.id
    await tenant.tx!.createLease(id)
    expect((await tenant.lease(id))?.reclamation).toEqual({windowSeconds: 2})
    // Before reclamation starts, the provider cannot close (market/37).
    await expect(provider.tx!.closeBid(id, 'decommission')).rejects.toThrow(/reclamation not started/)

    const started = await provider.tx!.leaseStartReclaim(id, 'decommission')
    const reclaiming = await tenant.lease(id)
    expect(reclaiming).toMatchObject({state: 'reclaiming', reclamation: {windowSeconds: 2, startedAt: started.height, reason: 'decommission'}})
    const deadline = reclaiming!.reclamation!.deadline!
    expect(deadline.getTime() % 1000).toBe(0)
    expect((await tenant.leases({owner: tenant.tx!.address, state: 'reclaiming'})).map((l) => l.id.dseq)).toEqual([dseq])

    // A close that lands before the deadline is refused (market/38); after it, it closes.
    const early = await provider.tx!.closeBid(id, 'decommission').then(
      () => undefined,
      (e: unknown) => e,
    )
    if (early) expect(String(early)).toMatch(/reclamation window has not elapsed/)
    while ((await tenant.latestBlock()).time.getTime() < deadline.getTime()) await new Promise((r) => setTimeout(r, 100))
    if (early) await provider.tx!.closeBid(id, 'decommission')
    const closed = await tenant.lease(id)
    expect(closed).toMatchObject({state: 'closed', reason: 'decommission', reclamation: {windowSeconds: 2, reason: 'decommission', deadline}})
  })
})
