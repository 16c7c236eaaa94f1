// When the chain's oracle gives no AKT price, every USD figure of an AKT amount is null (never left
// out) and the command warns once, saying why. ACT amounts keep their USD value (1 ACT = 1 USD).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {AktPrice} from '../../../src/market/market.js'
import {groupSpecs, loadSdlFile, requireValid} from '../../../src/sdl/index.js'
import {Ledger} from '../../../src/services/ledger/ledger.js'
import {listBids} from '../../../src/services/lease/bids.js'
import type {TenantContext} from '../../../src/services/lease/context.js'
import {listDeployments} from '../../../src/services/lease/list.js'
import {deploymentStatus} from '../../../src/services/lease/status.js'
import {planMint} from '../../../src/services/mint.js'
import {UsdPricing, aktPriceWarning} from '../../../src/services/usd.js'
import {FakeMarket, usdPerHourToPerBlock} from './fake-market.js'
import {HELLO, P1, P2, harness} from './setup.js'

const NO_PRICE: AktPrice = {unavailable: "the chain's oracle reports the AKT price as unhealthy (insufficient price sources: 0 < 1)"}

/** A tenant with one deployment leased from P2 in `denom`, on a chain whose oracle answers `price`. */
async function leased(denom: 'uakt' | 'uact', price: AktPrice) {
  const market = new FakeMarket(P1, [{info: {owner: P2, hostUri: 'https://p2.test:8443', attributes: []}, price: usdPerHourToPerBlock(0.2)}])
  market.akt = price
  market.bidDenom = denom
  const sdl = requireValid(await loadSdlFile(HELLO, {denom: 'uact'}))
  await market.tx.createDeployment({dseq: 7n, groups: groupSpecs(sdl), hash: new Uint8Array(32), deposit: {denom, amount: 5_000_000n}})
  market.height++
  market.advance()
  await market.tx.createLease(market.bidsList[0].id)
  const warnings: string[] = []
  const ledger = await Ledger.open(':memory:')
  const ctx = {network: market.network, market, owner: P1, ledger, warn: (m: string) => warnings.push(m), close: async () => ledger.close()} as unknown as TenantContext
  return {ctx, market, warnings}
}

describe('USD figures without an AKT price', () => {
  it('UsdPricing: null for AKT (warning once), a value for ACT, nothing for a denom with no USD value', () => {
    const warnings: string[] = []
    const pricing = new UsdPricing(NO_PRICE, (m) => warnings.push(m))
    expect(pricing.format(2n * 10n ** 24n, 'uact')).toBe('$2.00')
    expect(pricing.format(2n * 10n ** 24n, 'uakt')).toBeNull()
    expect(pricing.format(2n * 10n ** 24n, 'uakt')).toBeNull()
    expect(pricing.format(1n, 'ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2')).toBeUndefined()
    expect(warnings).toEqual([aktPriceWarning(NO_PRICE)])
    expect(warnings[0]).toBe(
      "No AKT→USD price, so USD figures for amounts in AKT are not shown (null in --json): the chain's oracle reports the AKT price as unhealthy (insufficient price sources: 0 < 1).",
    )
    expect(new UsdPricing({usd: 2n * 10n ** 18n}).format(10n ** 24n, 'uakt')).toBe('$2.00')
  })

  it('a reason that is a whole sentence is not wrapped in parentheses: no "price).):" (D34)', () => {
    const text = aktPriceWarning({unavailable: "the chain's oracle gave no AKT price: Cannot reach the local network at http://127.0.0.1:1 (reading the AKT price)."})
    expect(text).toMatch(/\(reading the AKT price\)\.$/)
    expect(text).not.toMatch(/\)\.\)|\.\./)
  })

  it('edge ls and edge status: an AKT lease shows null USD, and says why once', async () => {
    const {ctx, warnings} = await leased('uakt', NO_PRICE)
    const [row] = await listDeployments(ctx)
    expect(row).toMatchObject({usdPerHour: null, escrowLeft: {denom: 'uakt', usd: null}, spentUsd: null})
    const status = await deploymentStatus(ctx, 7n)
    expect(status.leases[0]).toMatchObject({usdPerHour: null, usdPerMonth: null, denom: 'uakt'})
    expect(status.escrowLeft?.usd).toBeNull()
    expect(JSON.parse(JSON.stringify({usd: row.usdPerHour}))).toEqual({usd: null})
    // One warning per listing, however many AKT figures it has.
    expect(warnings).toEqual([aktPriceWarning(NO_PRICE), aktPriceWarning(NO_PRICE)])
    await ctx.close()
  })

  it('prices AKT leases once the oracle has a price, and never warns for ACT leases', async () => {
    const priced = await leased('uakt', {usd: 2n * 10n ** 18n})
    const [row] = await listDeployments(priced.ctx)
    expect(row.usdPerHour).toMatch(/^\$0\.4/)
    expect(priced.warnings).toEqual([])
    const act = await leased('uact', NO_PRICE)
    const [actRow] = await listDeployments(act.ctx)
    expect(actRow.usdPerHour).toMatch(/^\$0\.2/)
    expect(act.warnings).toEqual([])
  })

  it('edge bids: AKT bids show their per-block price and a null usdPerHour', async () => {
    const {ctx, market, warnings} = await leased('uakt', NO_PRICE)
    market.bidsList[0].state = 'open'
    const result = await listBids(ctx, 7n, {probe: false, strategy: 'cheapest'})
    expect(result.groups[0].bids[0]).toMatchObject({usdPerHour: null, denom: 'uakt'})
    expect(result.groups[0].bids[0].price).toMatch(/AKT\/block$/)
    expect(warnings).toEqual([aktPriceWarning(NO_PRICE)])
  })

  it('planning a mint needs the price, and targets the chain\'s min_mint, not a fixed 10 ACT', () => {
    expect(() => planMint(1_000_000n, NO_PRICE)).toThrow(/reports the AKT price as unhealthy/)
    expect(planMint(1_000_000n, {usd: 10n ** 18n}, 50_000_000n).expectedUact).toBe(50_000_000n)
    expect(planMint(1_000_000n, {usd: 10n ** 18n}).expectedUact).toBe(10_000_000n)
  })
})

describe('edge deploy without an AKT price', () => {
  it('warns once in the forecast and gives null USD for an AKT-priced order (dry run)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-usd-unknown-'))
    const file = join(dir, 'deploy.yaml')
    writeFileSync(file, readFileSync(HELLO, 'utf8').replace('denom: uact', 'denom: uakt'))
    const h = await harness([{owner: P2, usdPerHour: 0.3}])
    h.market.akt = NO_PRICE
    try {
      const {events, result, error} = await h.run({dryRun: true, file})
      expect(error).toBeUndefined()
      const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as {message: string}).message)
      expect(warnings.filter((w) => w === aktPriceWarning(NO_PRICE))).toHaveLength(1)
      const forecast = events.find((e) => e.type === 'forecast') as {maxUsdPerHour?: string | null; deposit: {usd?: string | null}}
      expect(forecast.maxUsdPerHour).toBeNull()
      expect(forecast.deposit.usd).toBeNull()
      expect(result!.price).toMatchObject({denom: 'uakt', usdPerHour: null, usdPerMonth: null})
    } finally {
      await h.cleanup()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
