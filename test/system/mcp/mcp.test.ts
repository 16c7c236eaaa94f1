/**
 * `edge mcp` against a real `edge dev` with two real `edge provide` nodes (host processes, regions
 * us-west and eu-central), driven by the MCP SDK's own Client: the tools and their annotations,
 * plan → apply → status → logs → close of templates/hello, every limit refused with its numbers,
 * a spend ledger that survives a restart, and a TTL that came due while the server was stopped.
 */
import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type NoEnginePath, noEnginePath} from '../../helpers/no-engine-path.js'
import {type HostDevMarket, startHostDevMarket, waitForHttp} from '../deploy/dev-market.js'
import {call, connect} from './harness.js'

let path: NoEnginePath
let market: HostDevMarket
let sdlDir: string
const env = () => market.home.env

/** Limits that let hello through; each test narrows one. */
const open = () => ({allowSpend: true, sdlDirs: [sdlDir], ttl: '1h', maxDeployments: 3})

const activeOnChain = async (): Promise<string[]> => (await market.edge(['ls', '--json'])).json.result.map((r: {dseq: string}) => r.dseq)

beforeAll(async () => {
  path = noEnginePath()
  ;({market} = await startHostDevMarket(2, path.PATH))
  // The in-process server reads this home's config, keys and data.
  Object.assign(process.env, market.home.env)
  sdlDir = mkdtempSync(join(market.home.root, 'sdl-'))
  cpSync('templates/hello', join(sdlDir, 'hello'), {recursive: true})
}, 300_000)

afterAll(async () => {
  await market?.stop()
  path?.cleanup()
}, 120_000)

describe('edge mcp through the MCP SDK client, on edge dev', () => {
  it('lists its tools with strict schemas and annotations, to 2025 and 2026-07-28 clients alike', async () => {
    for (const era of ['legacy', 'modern'] as const) {
      const c = await connect(env(), open(), {era})
      try {
        expect(c.client.getNegotiatedProtocolVersion()).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25')
        const {tools} = await c.client.listTools()
        const byName = new Map(tools.map((t) => [t.name, t]))
        expect([...byName.keys()].sort()).toEqual(
          ['apply', 'bids', 'close', 'deployment_status', 'deployments', 'deposit', 'events', 'limits', 'logs', 'plan', 'prices', 'providers', 'sdl_validate', 'templates', 'update', 'wallet_balance'].sort(),
        )
        for (const t of tools) {
          expect(t.inputSchema.additionalProperties, t.name).toBe(false)
          expect(t.annotations, t.name).toBeDefined()
        }
        expect(byName.get('logs')!.annotations).toMatchObject({readOnlyHint: true, destructiveHint: false, idempotentHint: true})
        expect(byName.get('apply')!.annotations).toMatchObject({readOnlyHint: false, destructiveHint: false, idempotentHint: false})
        expect(byName.get('close')!.annotations).toMatchObject({readOnlyHint: false, destructiveHint: true, idempotentHint: true})
        expect(byName.get('apply')!.inputSchema.required).toEqual(['planId'])
        expect(Object.keys(byName.get('apply')!.inputSchema.properties ?? {})).toEqual(['planId'])
        // Strict: an argument the schema does not know is refused.
        const extra = await call(c.client, 'limits', {spend: 'more'})
        expect(extra.isError).toBe(true)
        expect(extra.text).toMatch(/Unrecognized key/)
      } finally {
        await c.close()
      }
    }
  })

  it('read tools answer from the services: templates, sdl_validate with located errors, providers, prices, balance, limits', async () => {
    const c = await connect(env(), open())
    try {
      const templates = await call(c.client, 'templates')
      expect(templates.data.templates.map((t: {name: string}) => t.name)).toContain('hello')
      const bad = await call(c.client, 'sdl_validate', {sdl: 'version: "2.0"\nservices:\n  web:\n    image: 7\n'})
      expect(bad.data.valid).toBe(false)
      expect(bad.data.errors[0]).toMatchObject({line: expect.any(Number), column: expect.any(Number)})
      const good = await call(c.client, 'sdl_validate', {path: 'hello'})
      expect(good.data).toMatchObject({valid: true, summary: {services: ['web']}})
      const providers = await call(c.client, 'providers', {probe: true})
      expect(providers.data.providers).toHaveLength(2)
      expect(providers.data.providers.map((p: {region: string}) => p.region).sort()).toEqual(['eu-central', 'us-west'])
      const prices = await call(c.client, 'prices', {path: 'hello'})
      expect(prices.data).toMatchObject({maxUsdPerHour: '$0.36', actUsd: '$1.00', matchingProviders: 2})
      const wallet = await call(c.client, 'wallet_balance')
      expect(wallet.data.balances.find((b: {denom: string}) => b.denom === 'uact').amount).not.toBe('0')
      const limits = await call(c.client, 'limits')
      expect(limits.data.limits).toMatchObject({allowSpend: true, ttl: '1h', maxDeployments: 3})
      // Outside the allowed directories, nothing is read.
      const outside = await call(c.client, 'sdl_validate', {path: '/etc/passwd'})
      expect(outside.isError).toBe(true)
      expect(outside.data).toMatchObject({limit: 'sdl-dirs'})
    } finally {
      await c.close()
    }
  })

  it('without --allow-spend no tool changes chain state: plan works, apply/close/deposit are refused naming the limit', async () => {
    const before = await activeOnChain()
    const c = await connect(env(), {...open(), allowSpend: false})
    try {
      const plan = await call(c.client, 'plan', {path: 'hello'})
      expect(plan.isError, plan.text).toBe(false)
      const apply = await call(c.client, 'apply', {planId: plan.data.planId})
      expect(apply.isError).toBe(true)
      expect(apply.data).toMatchObject({limit: 'read-only'})
      expect(apply.text).toMatch(/--allow-spend/)
      for (const [tool, args] of [
        ['close', {dseq: '1'}],
        ['deposit', {dseq: '1', usd: '1'}],
      ] as const) {
        const r = await call(c.client, tool, args)
        expect(r.data, tool).toMatchObject({limit: 'read-only'})
      }
    } finally {
      await c.close()
    }
    expect(await activeOnChain()).toEqual(before)
  })

  it('plan → apply → status → logs → close of templates/hello, with a receipt and the action log', async () => {
    const c = await connect(env(), {...open(), budgetPerDay: '5', budgetTotal: '20'})
    try {
      const plan = await call(c.client, 'plan', {path: 'hello', ttl: '30m'})
      expect(plan.isError, plan.text).toBe(false)
      expect(plan.data).toMatchObject({
        kind: 'create',
        ttl: '30m',
        services: [{name: 'web', image: 'busybox:1.36'}],
        forecast: {maxUsdPerHour: '$0.36/h', deposit: {display: '0.5 ACT', usd: '$0.50'}, worstCaseUntilTtlUsd: '$0.18'},
        budgetLeft: {today: '$5.00', total: '$20.00'},
      })
      expect(plan.data.wouldBid).toHaveLength(2)
      expect(plan.data.planId).toMatch(/^plan-[0-9a-f]{12}$/)
      const applied = await call(c.client, 'apply', {planId: plan.data.planId})
      expect(applied.isError, applied.text).toBe(false)
      const r = applied.data
      expect(r.uris.length).toBeGreaterThan(0)
      expect(r.receipt).toMatchObject({deposited: '0.5 ACT', depositedUsd: '$0.50', spentTotal: '$0.50', budgetLeftTotal: '$19.50'})
      expect((await waitForHttp(r.uris[0])).body).toContain('Hello from edge!')
      // A plan is applied once.
      expect((await call(c.client, 'apply', {planId: plan.data.planId})).data).toMatchObject({limit: 'plan-used'})

      const status = await call(c.client, 'deployment_status', {dseq: r.dseq})
      expect(status.data).toMatchObject({state: 'active', services: [{name: 'web', ready: 1, total: 1}], agentTtl: {state: 'open'}})
      expect(status.data.escrowLeft.amount).toBeDefined()
      const logs = await call(c.client, 'logs', {dseq: r.dseq, tail: 20, grep: 'SERVING'})
      expect(logs.data.lines.length).toBeGreaterThan(0)
      expect(logs.data.lines.every((l: {message: string}) => /serving/i.test(l.message))).toBe(true)
      const events = await call(c.client, 'events', {dseq: r.dseq})
      expect(events.isError, events.text).toBe(false)
      const bids = await call(c.client, 'bids', {dseq: r.dseq})
      expect(bids.isError, bids.text).toBe(false)
      const list = await call(c.client, 'deployments')
      expect(list.data.deployments.find((d: {dseq: string}) => d.dseq === r.dseq)).toMatchObject({agent: true})

      const closed = await call(c.client, 'close', {dseq: r.dseq})
      expect(closed.data).toMatchObject({dseq: r.dseq, outcome: 'closed'})
      // What came back is booked: spent is what the lease actually cost, well under the deposit.
      const limits = await call(c.client, 'limits')
      const spent = Number(limits.data.spentTotal.replace('$', ''))
      expect(spent).toBeGreaterThan(0)
      expect(spent).toBeLessThan(0.05)
      expect(await activeOnChain()).not.toContain(r.dseq)
      // An agent may not close what it did not create.
      expect((await call(c.client, 'close', {dseq: '1'})).data).toMatchObject({limit: 'not-agent-deployment'})
    } finally {
      await c.close()
    }
    const log = await market.edge(['mcp', 'log', '--json'])
    expect(log.exitCode, log.stderr).toBe(0)
    const tools = log.json.result.map((a: {tool: string; outcome: string}) => `${a.tool}:${a.outcome}`)
    expect(tools).toEqual(expect.arrayContaining(['plan:ok', 'apply:ok', 'apply:refused', 'close:ok']))
  })

  it('refuses each limit with its numbers and what a person could change', async () => {
    const refusal = async (limits: Record<string, unknown>, args: Record<string, unknown> = {path: 'hello'}) => {
      const c = await connect(env(), {...open(), ...limits})
      try {
        const r = await call(c.client, 'plan', args)
        expect(r.isError, JSON.stringify(r.data)).toBe(true)
        return r
      } finally {
        await c.close()
      }
    }
    const price = await refusal({maxUsdPerHour: '0.1'})
    expect(price.data).toMatchObject({limit: 'max-usd-per-hour', numbers: {maxUsdPerHour: '$0.36', limit: '$0.10'}})
    expect(price.text).toMatch(/--max-usd-per-hour/)
    const deposit = await refusal({maxDeposit: '0.2'})
    expect(deposit.data).toMatchObject({limit: 'max-deposit', numbers: {deposit: '$0.50', limit: '$0.20'}})
    const day = await refusal({budgetPerDay: '0.3'})
    expect(day.data).toMatchObject({limit: 'budget-per-day', numbers: {deposit: '$0.50', limit: '$0.30'}})
    const total = await refusal({budgetTotal: '0.3'})
    expect(total.data).toMatchObject({limit: 'budget-total', numbers: {deposit: '$0.50', limit: '$0.30'}})
    const image = await refusal({images: ['nginx', 'sha256:' + '0'.repeat(64)]})
    expect(image.data).toMatchObject({limit: 'images', numbers: {refused: ['busybox:1.36']}})
    const provider = await refusal({providers: ['akash1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq']})
    expect(provider.data).toMatchObject({limit: 'providers'})
    expect(provider.data.numbers.candidates).toHaveLength(2)
    const region = await refusal({regions: ['mars']})
    expect(region.data).toMatchObject({limit: 'regions', numbers: {allowed: ['mars']}})
    const ttl = await refusal({ttl: '10m'}, {path: 'hello', ttl: '2h'})
    expect(ttl.data).toMatchObject({limit: 'ttl', numbers: {requested: '2h', limit: '10m'}})
    // An allowed image passes: name, name:tag.
    const c = await connect(env(), {...open(), images: ['busybox'], regions: ['eu-*']})
    try {
      const plan = await call(c.client, 'plan', {path: 'hello'})
      expect(plan.isError, plan.text).toBe(false)
      expect(plan.data.wouldBid.map((p: {region: string}) => p.region)).toEqual(['eu-central'])
    } finally {
      await c.close()
    }
  })

  it('apply refuses an expired plan, a changed plan, and one the limits no longer allow', async () => {
    const file = join(sdlDir, 'changing.yaml')
    writeFileSync(file, readFileSync(join(sdlDir, 'hello', 'deploy.yaml'), 'utf8'))
    const c = await connect(env(), {...open(), planValidity: '2s'})
    try {
      const expiring = await call(c.client, 'plan', {path: 'changing.yaml'})
      await new Promise((r) => setTimeout(r, 2500))
      const expired = await call(c.client, 'apply', {planId: expiring.data.planId})
      expect(expired.data).toMatchObject({limit: 'plan-expired', numbers: {expiredAt: expiring.data.validUntil}})
    } finally {
      await c.close()
    }
    const d = await connect(env(), open())
    try {
      const plan = await call(d.client, 'plan', {path: 'changing.yaml'})
      writeFileSync(file, readFileSync(file, 'utf8').replace('Hello from edge!', 'Hello, changed!'))
      const changed = await call(d.client, 'apply', {planId: plan.data.planId})
      expect(changed.data).toMatchObject({limit: 'plan-changed'})
      expect(changed.text).toMatch(/changing\.yaml changed since the plan was made/)
    } finally {
      await d.close()
    }
    // Planned under generous limits; by apply two deployments are open and the cap is one.
    const e = await connect(env(), {...open(), maxDeployments: 1})
    try {
      const first = await call(e.client, 'plan', {path: 'hello'})
      const second = await call(e.client, 'plan', {path: 'hello'})
      const a = await call(e.client, 'apply', {planId: first.data.planId})
      expect(a.isError, a.text).toBe(false)
      const b = await call(e.client, 'apply', {planId: second.data.planId})
      expect(b.data).toMatchObject({limit: 'max-deployments', numbers: {open: 1, limit: 1}})
      await call(e.client, 'close', {dseq: a.data.dseq})
    } finally {
      await e.close()
    }
  })

  it('tops up within the deposit limit, updates in place through a plan, and the running server closes at the TTL', async () => {
    writeFileSync(join(sdlDir, 'updated.yaml'), readFileSync(join(sdlDir, 'hello', 'deploy.yaml'), 'utf8').replace('Hello from edge!', 'Hello again, updated!'))
    const c = await connect(env(), {...open(), ttl: '45s', maxDeposit: '0.8'}, {closerIntervalMs: 1000})
    try {
      const plan = await call(c.client, 'plan', {path: 'hello'})
      const applied = await call(c.client, 'apply', {planId: plan.data.planId})
      expect(applied.isError, applied.text).toBe(false)
      const dseq = applied.data.dseq
      const topUp = await call(c.client, 'deposit', {dseq, usd: '0.2'})
      expect(topUp.isError, topUp.text).toBe(false)
      expect(topUp.data).toMatchObject({deposited: '0.2 ACT', depositedUsd: '$0.20'})
      const over = await call(c.client, 'deposit', {dseq, usd: '0.2'})
      expect(over.data).toMatchObject({limit: 'max-deposit', numbers: {deposit: '$0.90', limit: '$0.80'}})

      const update = await call(c.client, 'update', {dseq, path: 'updated.yaml'})
      expect(update.isError, update.text).toBe(false)
      expect(update.data).toMatchObject({kind: 'update', updateDseq: dseq, forecast: {deposit: {usd: '$0.00'}}})
      const updated = await call(c.client, 'apply', {planId: update.data.planId})
      expect(updated.isError, updated.text).toBe(false)
      expect(updated.data).toMatchObject({kind: 'update', dseq})
      expect((await waitForHttp(updated.data.uris[0])).body).toContain('Hello again, updated!')

      // Nobody calls close: the server's closer ends it at its TTL.
      const due = Date.parse(applied.data.expiresAt)
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 4000))
      expect(await activeOnChain()).not.toContain(dseq)
      const status = await call(c.client, 'deployment_status', {dseq})
      expect(status.data.agentTtl).toMatchObject({state: 'closed'})
    } finally {
      await c.close()
    }
  })

  it('keeps the spend ledger across a restart, and closes on start-up a TTL that came due while stopped', async () => {
    const first = await connect(env(), {...open(), ttl: '20s'})
    let dseq: string
    let spentBefore: string
    try {
      const plan = await call(first.client, 'plan', {path: 'hello'})
      const applied = await call(first.client, 'apply', {planId: plan.data.planId})
      expect(applied.isError, applied.text).toBe(false)
      dseq = applied.data.dseq
      spentBefore = (await call(first.client, 'limits')).data.spentTotal
    } finally {
      // Stopped before the TTL: nobody closes it meanwhile.
      await first.close()
    }
    expect(await activeOnChain()).toContain(dseq)
    await new Promise((r) => setTimeout(r, 21_000))
    const second = await connect(env(), {...open(), ttl: '20s'})
    try {
      expect(second.mcp.closedOnStart).toEqual([{dseq, outcome: 'closed'}])
      const limits = await call(second.client, 'limits')
      // The deposit was booked before the restart; the refund at the TTL close is booked after it.
      expect(Number(limits.data.spentTotal.replace('$', ''))).toBeLessThan(Number(spentBefore.replace('$', '')))
      expect(Number(limits.data.spentTotal.replace('$', ''))).toBeGreaterThan(0)
    } finally {
      await second.close()
    }
    expect(await activeOnChain()).not.toContain(dseq)
    const log = await market.edge(['mcp', 'log', '--json'])
    expect(log.json.result.some((a: {tool: string; summary: string}) => a.tool === 'ttl-closer' && a.summary.startsWith(`closed ${dseq} at its TTL, refunded `))).toBe(true)
  })
})
