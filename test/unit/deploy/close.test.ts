import {describe, expect, it} from 'vitest'

import {Ledger} from '../../../src/services/ledger/ledger.js'
import type {TenantContext} from '../../../src/services/lease/context.js'
import {type CloseTarget, closeDeployments, closeNeedsConfirmation} from '../../../src/services/lease/close.js'
import {FakeMarket} from './fake-market.js'
import {P1} from './setup.js'

async function tenant(dseqs: bigint[]): Promise<{ctx: TenantContext; market: FakeMarket}> {
  const market = new FakeMarket(P1, [])
  for (const dseq of dseqs) await market.tx.createDeployment({dseq, groups: [], hash: new Uint8Array(32), deposit: {denom: 'uact', amount: 5_000_000n}})
  const ledger = await Ledger.open(':memory:')
  const ctx = {network: market.network, market, owner: P1, ledger, close: async () => ledger.close()} as unknown as TenantContext
  return {ctx, market}
}

describe('edge close', () => {
  it('closes what is named and reports the already closed and the unknown', async () => {
    const {ctx, market} = await tenant([1n, 2n])
    await market.tx.closeDeployment(2n)
    const outcomes = await closeDeployments(ctx, {dseqs: [1n, 2n, 3n]})
    await ctx.close()
    expect(outcomes.map((o) => [o.dseq, o.outcome])).toEqual([
      [1n, 'closed'],
      [2n, 'already_closed'],
      [3n, 'not_found'],
    ])
  })

  it('on Ctrl-C between closes, fails as cancelled and names the deployments still open', async () => {
    const {ctx, market} = await tenant([1n, 2n, 3n])
    const controller = new AbortController()
    const close = market.tx.closeDeployment
    market.tx.closeDeployment = async (dseq) => {
      const result = await close(dseq)
      controller.abort()
      return result
    }
    const error = await closeDeployments(ctx, {all: true, signal: controller.signal}).catch((e: unknown) => e)
    await ctx.close()
    // Not a success with a shorter list: two deployments still hold their deposits.
    expect(error).toMatchObject({code: 'cancelled', exitCode: 130, details: {open: [2n, 3n]}})
    expect((error as Error).message).toMatch(/2 deployments still open \(2, 3\)/)
    expect([...market.deploymentsById.values()].map((d) => d.state)).toEqual(['closed', 'active', 'active'])
  })

  it('asks before --all/--label close anything, with the selected deployments and their labels (D10)', async () => {
    const {ctx, market} = await tenant([1n, 2n, 3n])
    ctx.ledger.reserve({network: market.network.name, owner: P1, dseq: 2n, state: 'ready', services: ['web'], labels: {ci: 'true', team: 'a'}, uris: []})
    const asked: CloseTarget[][] = []
    const declined = await closeDeployments(ctx, {all: true, confirm: async (targets) => (asked.push(targets), false)}).catch((e: unknown) => e)
    expect(declined).toMatchObject({code: 'cancelled', exitCode: 130})
    expect(asked).toEqual([[{dseq: 1n, reason: 'owner'}, {dseq: 2n, reason: 'owner', labels: {ci: 'true', team: 'a'}}, {dseq: 3n, reason: 'owner'}]])
    expect([...market.deploymentsById.values()].map((d) => d.state)).toEqual(['active', 'active', 'active'])

    const accepted = await closeDeployments(ctx, {labels: {ci: 'true'}, confirm: async (targets) => (asked.push(targets), true)})
    expect(asked[1].map((t) => t.dseq)).toEqual([2n])
    expect(accepted.map((o) => [o.dseq, o.outcome])).toEqual([[2n, 'closed']])

    // Nothing selected: nothing to ask about.
    const none = await closeDeployments(ctx, {labels: {team: 'zzz'}, confirm: async () => expect.fail('asked with nothing to close')})
    expect(none).toEqual([])
    await ctx.close()
  })

  it('confirms --all and --label, not named DSEQs or --expired', () => {
    expect(closeNeedsConfirmation({all: true})).toBe(true)
    expect(closeNeedsConfirmation({labels: {ci: 'true'}})).toBe(true)
    expect(closeNeedsConfirmation({dseqs: [1n]})).toBe(false)
    expect(closeNeedsConfirmation({expired: true})).toBe(false)
    expect(closeNeedsConfirmation({expired: true, labels: {ci: 'true'}})).toBe(false)
  })
})
