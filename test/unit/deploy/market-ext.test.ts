import {describe, expect, it} from 'vitest'

import type {Market} from '../../../src/market/market.js'
import {aktUsdPrice} from '../../../src/services/market-ext.js'

/** A market whose BME status and oracle answer only when released, recording what was asked. */
function market(bmeAktUsd: bigint | undefined, oracleMedian: string | undefined) {
  const asked: string[] = []
  let releaseBme!: () => void
  const bmeGate = new Promise<void>((r) => (releaseBme = r))
  const fake = {
    async bmeStatus() {
      asked.push('bme')
      await bmeGate
      return {pending: [], ...(bmeAktUsd !== undefined ? {aktUsd: bmeAktUsd} : {})}
    },
    async sdk() {
      return {
        akash: {
          oracle: {
            v1: {
              async getAggregatedPrice() {
                asked.push('oracle')
                return {aggregatedPrice: oracleMedian ? {medianPrice: oracleMedian} : undefined}
              },
            },
          },
        },
      }
    },
  }
  return {market: fake as unknown as Market, asked, releaseBme}
}

describe('aktUsdPrice', () => {
  it('asks the oracle without waiting for the BME status, and uses it when BME has no price', async () => {
    const m = market(undefined, '1.250000000000000000')
    const price = aktUsdPrice(m.market)
    await new Promise((r) => setTimeout(r, 10))
    expect(m.asked).toEqual(['bme', 'oracle'])
    m.releaseBme()
    expect(await price).toBe(1_250_000_000_000_000_000n)
  })

  it("prefers the BME status's price, and knows no price when neither has one", async () => {
    const withBme = market(2n * 10n ** 18n, '1.25')
    withBme.releaseBme()
    expect(await aktUsdPrice(withBme.market)).toBe(2n * 10n ** 18n)
    const none = market(undefined, undefined)
    none.releaseBme()
    expect(await aktUsdPrice(none.market)).toBeUndefined()
  })
})
