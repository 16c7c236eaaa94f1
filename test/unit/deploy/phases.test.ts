/** The deploy phases one at a time, over a run state made from a plan, against the in-memory Market. */
import {afterEach, describe, expect, it} from 'vitest'

import {startRun} from '../../../src/services/deploy/apply.js'
import {chooseBids, scoreGroups} from '../../../src/services/deploy/choose.js'
import {bidsByBlock, collectBids} from '../../../src/services/deploy/collect-bids.js'
import {createDeployment, deploymentGroups} from '../../../src/services/deploy/create.js'
import {ttlDeposit} from '../../../src/services/deploy/forecast.js'
import {createLeases} from '../../../src/services/deploy/lease.js'
import type {DeployEvent} from '../../../src/services/deploy/events.js'
import {checkFunds} from '../../../src/services/deploy/funds.js'
import {resumeByKey} from '../../../src/services/deploy/idempotency.js'
import {planSteps} from '../../../src/services/deploy/plan.js'
import type {RunState} from '../../../src/services/deploy/state.js'
import {StepClock} from '../../../src/services/deploy/step-clock.js'
import type {DeployOptions} from '../../../src/services/deploy/types.js'
import {type Harness, P1, P2, P3, harness} from './setup.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.cleanup()
  h = undefined
})

async function drain<R>(flow: AsyncGenerator<DeployEvent, R>): Promise<{events: DeployEvent[]; value?: R; error?: Error & {code?: string}}> {
  const events: DeployEvent[] = []
  try {
    for (;;) {
      const next = await flow.next()
      if (next.done) return {events, value: next.value}
      events.push(next.value)
    }
  } catch (error) {
    return {events, error: error as Error & {code?: string}}
  }
}

const steps = (events: DeployEvent[]) => events.flatMap((e) => (e.type === 'step' ? [`${e.step}:${e.status}`] : []))

/** A run state as applyDeploy starts it, from a plan of the harness's SDL. */
async function runOf(harness: Harness, overrides: Partial<DeployOptions> = {}): Promise<RunState> {
  const plan = (await drain(planSteps(harness.deps, {...harness.options, ...overrides}))).value!
  return startRun(harness.deps, plan, {})
}

describe('the step clock', () => {
  it('stamps every event and times each step from its start, adding up per step', () => {
    let now = 1000
    const clock = new StepClock(() => now)
    const started = clock.step('bids', 'started', 'go')
    now += 250
    const done = clock.step('bids', 'succeeded', 'done', 42)
    expect(started).toMatchObject({type: 'step', step: 'bids', status: 'started'})
    expect(started).not.toHaveProperty('elapsedMs')
    expect(done).toMatchObject({elapsedMs: 250, height: 42})
    expect(Date.parse(done.ts)).not.toBeNaN()
    clock.step('bids', 'started', 'again')
    now += 50
    clock.step('bids', 'failed', 'again')
    expect(clock.timings.bids).toBe(300)
    expect(clock.event({type: 'warning', message: 'w'})).toMatchObject({type: 'warning', message: 'w', ts: expect.any(String)})
  })
})

describe('the funds phase', () => {
  it('refuses a wallet without AKT for fees before anything is created; a dry run only warns', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.balancesByAddr.set(h.market.owner, [{denom: 'uact', amount: 50_000_000n}])
    const run = await runOf(h)
    const refused = await drain(checkFunds(run))
    expect(refused.error?.message).toMatch(/not enough AKT to pay transaction fees/)
    expect(steps(refused.events)).toEqual(['funds:started', 'funds:failed'])
    const dry = await drain(checkFunds(await runOf(h), true))
    expect(dry.error).toBeUndefined()
    expect(dry.events.some((e) => e.type === 'warning')).toBe(true)
    expect(h.market.txLog).toEqual([])
  })

  it('reports an ACT shortfall in a dry run without minting', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    h.market.balancesByAddr.set(h.market.owner, [{denom: 'uakt', amount: 100_000_000n}])
    const {events, error} = await drain(checkFunds(await runOf(h), true))
    expect(error).toBeUndefined()
    expect(events.find((e) => e.type === 'funds')).toMatchObject({ok: false, shortfall: 5_000_000n})
    expect(steps(events)).toEqual(['funds:started', 'funds:failed'])
    expect(h.market.txLog).toEqual([])
  })
})

describe('the create, collect and choose phases', () => {
  it('create records the deployment; collect closes the window once every matching provider bid; choose takes the cheapest', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const run = await runOf(h)
    const created = await drain(createDeployment(run))
    expect(steps(created.events)).toEqual(['create:started', 'create:succeeded'])
    expect(run).toMatchObject({dseq: 100n, ownsDeployment: true})
    expect(h.ledger.get('local', run.owner, 100n)!.state).toBe('open')

    const groups = await deploymentGroups(run)
    const collected = await drain(collectBids(run, groups))
    expect(collected.value!.map((b) => b.id.provider).sort()).toEqual([P1, P2].sort())
    expect(collected.events.filter((e) => e.type === 'bid')).toHaveLength(2)
    // Both matching providers bid in the first block after the deployment: no settle blocks.
    expect(run.blocks.firstBid).toBe(run.blocks.created! + 1)

    const chosen = await drain(chooseBids(run, groups, collected.value!, new Map()))
    expect(chosen.value!.map((c) => [c.scored.bid.id.provider, c.by])).toEqual([[P2, 'cheapest']])
    expect(steps(chosen.events)).toEqual(['select:started', 'select:succeeded'])
    expect(run.explanation?.winner.provider).toBe(P2)
  })

  it('a deposit sized to the TTL: created small, topped up once leased to the rest of the TTL at the lease price', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.05}])
    const run = await runOf(h, {ttlMs: 30 * 24 * 3_600_000})
    const t = run.forecast.ttl!
    expect(t).toMatchObject({enforcedByEscrow: true})
    expect(t.firstDeposit).toBeDefined()
    await drain(createDeployment(run))
    expect(h.ledger.get('local', run.owner, 100n)!.deposit).toBe(t.firstDeposit)
    const groups = await deploymentGroups(run)
    const bids = (await drain(collectBids(run, groups))).value!
    const chosen = (await drain(chooseBids(run, groups, bids, new Map()))).value!
    const leased = await drain(createLeases(run, chosen))
    const price = chosen[0].scored.bid.price.amount
    const entry = h.ledger.get('local', run.owner, 100n)!
    // Below the order's maximum (what the forecast's deposit assumed), and about the TTL at the bid's price.
    expect(entry.deposit).toBeLessThan(run.forecast.deposit.amount)
    expect(entry.deposit).toBeLessThanOrEqual(ttlDeposit(price, t.ttlMs, h.deps.network.blockTimeMs))
    expect(entry.deposit).toBeGreaterThan(ttlDeposit(price, t.ttlMs - 60_000, h.deps.network.blockTimeMs))
    expect(leased.events.find((e) => e.type === 'step' && e.status === 'succeeded')).toMatchObject({message: expect.stringMatching(/deposit topped up to .*the rest of the TTL at the lease's price/)})
  })

  it('a TTL top-up that fails warns with the exact edge deposit command and keeps the lease', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.05}])
    const run = await runOf(h, {ttlMs: 30 * 24 * 3_600_000})
    const first = run.forecast.ttl!.firstDeposit!
    await drain(createDeployment(run))
    const groups = await deploymentGroups(run)
    const bids = (await drain(collectBids(run, groups))).value!
    const chosen = (await drain(chooseBids(run, groups, bids, new Map()))).value!
    h.market.failNext.deposit = new Error('insufficient funds')
    const leased = await drain(createLeases(run, chosen))
    expect(leased.value).toHaveLength(1)
    // Nothing was added: the ledger keeps the first deposit, and the lease step says nothing about a top-up.
    expect(h.ledger.get('local', run.owner, 100n)!.deposit).toBe(first)
    expect(leased.events.find((e) => e.type === 'step' && e.status === 'succeeded')).not.toMatchObject({message: expect.stringMatching(/topped up/)})
    const more = ttlDeposit(chosen[0].scored.bid.price.amount, run.forecast.ttl!.ttlMs, h.deps.network.blockTimeMs) - first
    const warning = leased.events.find((e) => e.type === 'warning') as {message: string} | undefined
    expect(warning?.message).toMatch(/Topping the deposit up for the TTL failed \(insufficient funds\)/)
    // The amount is what the rest of the TTL costs less what is held (within a block or two of TTL used by the run).
    const named = BigInt(/edge deposit 100 (\d+)uact/.exec(warning!.message)![1])
    expect(named).toBeLessThanOrEqual(more)
    expect(named).toBeGreaterThan(more - ttlDeposit(chosen[0].scored.bid.price.amount, 60_000, h.deps.network.blockTimeMs))
  })

  it('with a provider named, collect waits for that one and choose refuses when it did not bid', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const run = await runOf(h, {select: P3, bidTimeoutMs: 300})
    await drain(createDeployment(run))
    const groups = await deploymentGroups(run)
    const collected = await drain(collectBids(run, groups))
    expect(collected.value!.length).toBe(2)
    const refused = await drain(chooseBids(run, groups, collected.value!, new Map()))
    expect(refused.error?.message).toMatch(new RegExp(`Provider ${P3} did not bid`))
  })

  it('idempotency: a key held in the ledger by a live deployment of the same manifest resumes it', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const first = await runOf(h, {idempotencyKey: 'ci-1'})
    await drain(createDeployment(first))
    const second = await runOf(h, {idempotencyKey: 'ci-1'})
    const resumed = await drain(resumeByKey(second))
    expect(resumed.value).toBe(true)
    expect(second.dseq).toBe(first.dseq)
    expect(steps(resumed.events)).toEqual(['create:skipped'])
  })
})

describe('the block watch and the scoring deploy and edge bids share', () => {
  it('bidsByBlock yields each open bid once, at the first block it shows up', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const run = await runOf(h)
    await drain(createDeployment(run))
    h.market.providerSpecs[1].delay = 3
    const stop = new AbortController()
    const fresh: Array<[number, string[]]> = []
    for await (const block of bidsByBlock(h.market, {owner: run.owner, dseq: run.dseq!}, stop.signal)) {
      if (block.fresh.length) fresh.push([block.height, block.fresh.map((b) => b.id.provider)])
      if (block.bids.length === 2) stop.abort()
    }
    expect(fresh.map(([, p]) => p)).toEqual([[P1], [P2]])
    expect(fresh[1][0]).toBeGreaterThan(fresh[0][0])
  })

  it('scoreGroups drops bids over the cap with why, and scores the rest per group', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const run = await runOf(h)
    await drain(createDeployment(run))
    const groups = await deploymentGroups(run)
    const bids = (await drain(collectBids(run, groups))).value!
    await run.directory.load()
    const scores = scoreGroups({
      bids,
      groups,
      providers: run.directory.providers,
      audits: run.directory.audits,
      latency: new Map(),
      blockTimeMs: 1000,
      aktUsd: run.pricing.aktUsd,
      filters: {maxUsdPerHour: 25n * 10n ** 16n},
      strategy: 'cheapest',
    })
    expect(scores.groups[0].scored.map((s) => s.bid.id.provider)).toEqual([P2])
    expect(scores.groups[0].excluded.map((e) => e.provider)).toEqual([P1])
    expect(scores.excluded).toEqual(scores.groups[0].excluded)
  })
})
