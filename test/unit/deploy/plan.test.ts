import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {applyDeploy} from '../../../src/services/deploy/apply.js'
import type {DeployEvent} from '../../../src/services/deploy/events.js'
import {type DeployPlan, planDeploy} from '../../../src/services/deploy/plan.js'
import {canonicalJson, hashedInput, planHash} from '../../../src/services/deploy/plan-hash.js'
import type {DeployInput, ScreenResult} from '../../../src/services/deploy/types.js'
import {type Harness, P1, P2, harness} from './setup.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.cleanup()
  h = undefined
})

const NOW = Date.parse('2026-12-07T12:00:00Z')
const fixedClock = () => NOW

async function drain<R>(flow: AsyncGenerator<DeployEvent, R>): Promise<{events: DeployEvent[]; result?: R; error?: Error & {code?: string}}> {
  const events: DeployEvent[] = []
  try {
    for (;;) {
      const next = await flow.next()
      if (next.done) return {events, result: next.value}
      events.push(next.value)
    }
  } catch (error) {
    return {events, error: error as Error & {code?: string}}
  }
}

/** Every leaf of a JSON-like value, by path. */
function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : leaves(v, [...path, k])))
  return [path]
}

function changed(value: unknown): unknown {
  if (typeof value === 'bigint') return value + 1n
  if (typeof value === 'number') return value + 1
  if (typeof value === 'boolean') return !value
  return `${String(value)}x`
}

describe('a deploy plan', () => {
  it('is a value: planning creates nothing and says what would be created, at what price, with whom', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3, region: 'us-west'},
      {owner: P2, usdPerHour: 0.2},
    ])
    const events: DeployEvent[] = []
    const plan = await planDeploy({...h.deps, now: fixedClock}, h.options, (e) => events.push(e))
    expect(h.market.txLog).toEqual([])
    expect(h.ledger.list('local', h.market.owner)).toEqual([])
    expect(plan).toMatchObject({network: 'local', owner: h.market.owner, services: ['web'], createdAt: '2026-12-07T12:00:00.000Z'})
    expect(plan.groups.map((g) => g.name)).toEqual(['akash'])
    expect(plan.forecast.deposit).toEqual({denom: 'uact', amount: 5_000_000n})
    expect(plan.forecast.maxUsdPerHour).toBeGreaterThan(0n)
    expect(plan.candidates?.map((c) => c.provider).sort()).toEqual([P1, P2].sort())
    expect(plan.candidates?.find((c) => c.provider === P1)?.region).toBe('us-west')
    expect(plan.sdlHash).toMatch(/^[0-9a-f]{64}$/)
    expect(plan.hash).toBe(planHash(plan))
    // The preview's events: the funds, read-only, and the matching providers.
    expect(events.filter((e) => e.type === 'step').map((e) => `${e.step}:${e.status}`)).toEqual([
      'validate:started', 'validate:succeeded', 'forecast:started', 'forecast:succeeded', 'funds:started', 'funds:succeeded', 'mint:skipped', 'bids:started', 'bids:succeeded',
    ])
  })

  it('hashes the same for the same input and chain, and differently when any field changes', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const deps = {...h.deps, now: fixedClock}
    const a = await planDeploy(deps, h.options)
    const b = await planDeploy(deps, {...h.options})
    expect(b.hash).toBe(a.hash)
    expect(b).not.toBe(a)

    // Every leaf of the hashed content, changed one at a time, changes the hash.
    const {hash: _hash, ...content} = a
    const hashed = {...content, input: hashedInput(content.input)}
    const paths = leaves(JSON.parse(canonicalJson(hashed)))
    expect(paths.length).toBeGreaterThan(30)
    const hashes = new Set<string>([a.hash])
    for (const path of paths) {
      const copy = structuredClone(hashed) as Record<string | number, unknown>
      let node = copy
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
      const last = path.at(-1)!
      node[last] = changed(node[last])
      const hash = planHash(copy as unknown as DeployPlan)
      expect(hash, path.join('.')).not.toBe(a.hash)
      hashes.add(hash)
    }
    expect(hashes.size).toBe(paths.length + 1)

    // What is not data (the parsed SDL, the signal, the screen function) is not hashed.
    const withSignal = {...a, input: {...a.input, signal: new AbortController().signal, screen: async () => ({providers: [], willing: 0, asked: 0, unreachable: 0, elapsedMs: 0})}}
    expect(planHash(withSignal)).toBe(a.hash)
    // Another moment is another plan.
    const later = await planDeploy({...h.deps, now: () => NOW + 1000}, h.options)
    expect(later.hash).not.toBe(a.hash)
  })

  it('carries the screening answer when a screen function is given, and asks it about the groups', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const answer: ScreenResult = {providers: [{owner: P1, hostUri: 'https://p1', verdict: 'bid', reasons: [], latencyMs: 3}], willing: 1, asked: 1, unreachable: 0, elapsedMs: 3}
    const asked: string[][] = []
    const input: DeployInput = {
      ...h.options,
      screen: async (groups) => {
        asked.push(groups.map((g) => g.name))
        return answer
      },
    }
    const plan = await planDeploy(h.deps, input)
    expect(asked).toEqual([['akash']])
    expect(plan.screening).toEqual(answer)
    expect(h.market.txLog).toEqual([])
  })

  it('is applied by applyDeploy, which creates what the plan says', async () => {
    h = await harness([
      {owner: P1, usdPerHour: 0.3},
      {owner: P2, usdPerHour: 0.2},
    ])
    const plan = await planDeploy(h.deps, h.options)
    const {result, error, events} = await drain(applyDeploy(h.deps, plan))
    expect(error).toBeUndefined()
    expect(result).toMatchObject({state: 'ready', hash: plan.sdlHash, dseq: 100n})
    expect(result!.leases[0].provider).toBe(P2)
    expect(result!.deposit.amount).toBe(plan.forecast.deposit.amount)
    expect(events.filter((e) => e.type === 'step').map((e) => e.step)[0]).toBe('funds')
  })

  it('refuses a plan changed after it was made, or applied by another key', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const plan = await planDeploy(h.deps, h.options)
    const edited = {...plan, forecast: {...plan.forecast, deposit: {denom: 'uact', amount: 1n}}}
    expect((await drain(applyDeploy(h.deps, edited))).error?.code).toBe('plan_changed')
    const other = {...plan, owner: P2}
    const resealed = {...other, hash: planHash(other)}
    expect((await drain(applyDeploy(h.deps, resealed))).error?.code).toBe('plan_mismatch')
    expect(h.market.txLog).toEqual([])
  })

  it('made elsewhere (no state in this process), reads the SDL again and refuses it if the file changed', async () => {
    h = await harness([{owner: P1, usdPerHour: 0.3}])
    const file = join(mkdtempSync(join(tmpdir(), 'sdl-')), 'deploy.yaml')
    writeFileSync(file, readFileSync(h.options.file, 'utf8'))
    const plan = await planDeploy(h.deps, {...h.options, file})
    // A copy is not the object the planner remembers: apply rebuilds the state from the plan.
    const ok = await drain(applyDeploy(h.deps, {...plan}))
    expect(ok.error).toBeUndefined()
    expect(ok.result!.state).toBe('ready')

    const again = await planDeploy(h.deps, {...h.options, file})
    writeFileSync(file, readFileSync(h.options.file, 'utf8').replace('busybox:1.36', 'busybox:1.37'))
    const stale = await drain(applyDeploy(h.deps, {...again}))
    expect(stale.error?.code).toBe('plan_stale')
  })
})
