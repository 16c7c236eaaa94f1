import {describe, expect, it} from 'vitest'

import type {Market} from '../../../src/market/market.js'
import {mintQuestion, prepareMint} from '../../../src/services/mint.js'

/** A wallet with `uakt`, AKT at $2 and edge dev's min_mint of 10 ACT. */
function market(uakt: bigint): Market {
  return {
    tx: {address: 'akash1me'},
    balances: async () => [
      {denom: 'uakt', amount: uakt},
      {denom: 'uact', amount: 0n},
    ],
    bmeStatus: async () => ({minMintUact: 10_000_000n}),
    aktPrice: async () => ({usd: 2n * 10n ** 18n}),
  } as unknown as Market
}

describe('the mint confirmation (ux-test D33)', () => {
  it('says how much AKT an ACT amount burns, and roughly what it mints', async () => {
    const plan = await prepareMint(market(100_000_000n), {uact: 10_000_000n})
    // 10 ACT at $2/AKT is 5 AKT, plus 1% for the spread and the price moving before the epoch.
    expect(plan.burnUakt).toBe(5_050_000n)
    expect(mintQuestion(plan)).toBe('Burn 5.05 AKT to mint about 10 ACT? Burned AKT is not returned.')
  })

  it('says what an AKT amount mints', async () => {
    const plan = await prepareMint(market(100_000_000n), {burnUakt: 20_000_000n})
    expect(mintQuestion(plan)).toMatch(/^Burn 20 AKT to mint about 39\.9\d* ACT\?/)
  })

  it('refuses before asking when the wallet cannot pay for the mint', async () => {
    await expect(prepareMint(market(3_000_000n), {uact: 10_000_000n})).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringMatching(/Minting needs 5\.1 AKT \(including fees\) but the wallet holds 3 AKT/),
    })
  })
})
