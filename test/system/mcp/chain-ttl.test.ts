/**
 * A TTL the chain enforces by itself: a deployment made with a short TTL (by `edge deploy --ttl`
 * and by `edge mcp`, whose server is then stopped) and never closed by anyone ends up closed on
 * chain, as node v2.1 does it: the provider's funds monitor sees the deposit cannot pay another
 * block and withdraws, the settlement finds the escrow overdrawn, the escrow hooks close the lease
 * (insufficient_funds) and the deployment, and the provider tears the workload down.
 *
 * The one provider bids half the order's maximum price (a pricing command), as real providers bid
 * below it: the deposit, created small, is topped up once leased to the rest of the TTL at the
 * lease's price (a deposit sized at the maximum would pay for twice the TTL). The SDL is priced so
 * that the TTL costs more than the chain's minimum deposit (0.5 ACT), which would pay for longer.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {type NoEnginePath, noEnginePath} from '../../helpers/no-engine-path.js'
import {type HostDevMarket, startHostDevMarket, waitForHttp} from '../deploy/dev-market.js'
import {call, connect} from './harness.js'

const TTL = '20s'
// At most 100 000 uact a block (1 s blocks): the TTL's 20 blocks cost at most 2 ACT. The bid is half.
const PRICE_UACT = 100_000

let path: NoEnginePath
let market: HostDevMarket
let sdlDir: string
let providerLog: string

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  path = noEnginePath()
  ;({market} = await startHostDevMarket(1, path.PATH))
  Object.assign(process.env, market.home.env)
  sdlDir = mkdtempSync(join(market.home.root, 'sdl-'))
  const hello = readFileSync('templates/hello/deploy.yaml', 'utf8')
  writeFileSync(join(sdlDir, 'deploy.yaml'), withPrice(hello, PRICE_UACT))

  // The provider bids half the order's maximum, and checks escrows at least every 5 s (Akash: 10 min).
  const dir = join(market.home.env.EDGE_DATA_DIR, 'provider', 'local-1')
  providerLog = join(dir, 'provider.log')
  const script = join(sdlDir, 'bid-max.mjs')
  writeFileSync(script, "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(Number(JSON.parse(s).price.amount) / 2))\n")
  process.kill(Number(readFileSync(join(dir, 'provider.pid'), 'utf8').trim()), 'SIGTERM')
  await sleep(2000)
  const configFile = join(dir, 'provider.yaml')
  const config = parse(readFileSync(configFile, 'utf8'))
  config.pricing.command = `"${process.execPath}" "${script}"`
  config.bidding.leaseFundsCheckIntervalS = 5
  writeFileSync(configFile, stringify(config))
  const restarted = await market.edge(['dev', 'start', '--providers', '1', '--json'], {timeout: 240_000})
  expect(restarted.exitCode, restarted.stderr).toBe(0)
}, 360_000)

afterAll(async () => {
  await market?.stop()
  path?.cleanup()
}, 120_000)

function withPrice(sdl: string, uact: number): string {
  const doc = parse(sdl)
  for (const placement of Object.values(doc.profiles.placement) as Array<{pricing: Record<string, {denom: string; amount: number}>}>) {
    for (const price of Object.values(placement.pricing)) {
      price.denom = 'uact'
      price.amount = uact
    }
  }
  return stringify(doc)
}

/** Polls `edge status DSEQ --json` until the deployment is closed (well within the wait). */
async function waitClosed(dseq: string, deadlineMs: number): Promise<any> {
  const end = Date.now() + deadlineMs
  let last: any
  while (Date.now() < end) {
    const r = await market.edge(['status', dseq, '--json'])
    last = r.json?.result ?? r.stdout
    if (last?.state === 'closed') return last
    await sleep(2000)
  }
  throw new Error(`deployment ${dseq} still open: ${JSON.stringify(last)}`)
}

/** The chain's own view (REST, as Akash's clients read it): the escrow account and the lease with its close reason. */
async function onChain(owner: string, dseq: string): Promise<{escrow: string; lease: string; reason: string}> {
  const status = await market.edge(['dev', 'status', '--json'])
  const rest = status.json.result.endpoints.rest as string
  const get = async (path: string) => (await fetch(new URL(path, rest))).json() as Promise<any>
  const d = await get(`/akash/deployment/v1beta4/deployments/info?id.owner=${owner}&id.dseq=${dseq}`)
  const l = await get(`/akash/market/v1beta5/leases/list?filters.owner=${owner}&filters.dseq=${dseq}`)
  return {escrow: d.escrow_account.state.state, lease: l.leases[0].lease.state, reason: l.leases[0].lease.reason}
}

function providerClosed(dseq: string): Array<{lease: string; reason: string}> {
  return readFileSync(providerLog, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"lease.closed"'))
    .map((l) => JSON.parse(l))
    .filter((e) => String(e.lease).split('/')[1] === dseq)
}

describe('a TTL enforced by the chain', () => {
  it('edge deploy --ttl: the escrow sized to the TTL runs out and the chain closes the lease; the provider tears it down', async () => {
    const deployed = await market.edge(['deploy', sdlDir, '--ttl', TTL, '--select', 'cheapest', '--json'], {timeout: 240_000})
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    const r = deployed.json.result
    expect(r.leases[0].perBlock).toBe('0.05 ACT/block') // half the order's maximum
    // 0.5 ACT (the chain minimum) at creation, then the rest of the TTL at 0.05 ACT a block: at most
    // 1 ACT (20 blocks), where a deposit sized at the maximum price would have been 2 ACT (40 blocks).
    expect(Number(r.deposit.amount)).toBeGreaterThan(500_000)
    expect(Number(r.deposit.amount)).toBeLessThanOrEqual(1_000_000)
    expect(r.ttl).toMatchObject({duration: TTL, enforcedByEscrow: true})
    expect(deployed.stderr + deployed.stdout).not.toMatch(/Topping the deposit up for the TTL failed/)
    await waitForHttp(r.uris[0])
    const dseq = String(r.dseq)

    const closed = await waitClosed(dseq, 60_000)
    expect(closed.leases[0]).toMatchObject({state: 'insufficient_funds'})
    expect(closed.groups[0]).toMatchObject({state: 'insufficient_funds'})
    expect(await onChain(r.owner, dseq)).toEqual({escrow: 'overdrawn', lease: 'insufficient_funds', reason: 'lease_closed_reason_insufficient_funds'})
    // The provider saw the chain close it and took the workload down.
    for (let i = 0; i < 15 && providerClosed(dseq).length === 0; i++) await sleep(1000)
    expect(providerClosed(dseq)[0]?.reason).toMatch(/insufficient_funds/)
    await expect(waitForHttp(r.uris[0], 2000)).rejects.toBeDefined()
  })

  it('edge deploy --ttl with a bigger --deposit says the chain cannot end it at the TTL', async () => {
    const r = await market.edge(['deploy', sdlDir, '--ttl', TTL, '--deposit', '5act', '--dry-run', '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.json.result.ttl).toMatchObject({duration: TTL, enforcedByEscrow: false, escrowLasts: '50s'})
    expect(r.stdout + r.stderr).toMatch(/--deposit 5 ACT pays for 50s at the order's maximum price, more than --ttl 20s: the chain will not end the lease at the TTL/)
  })

  it('edge mcp: a deployment applied with a short TTL is closed by the chain after the server is gone', async () => {
    const c = await connect(market.home.env, {allowSpend: true, sdlDirs: [sdlDir], ttl: TTL, maxDeployments: 3}, {closerIntervalMs: 3_600_000})
    let dseq: string
    try {
      const plan = await call(c.client, 'plan', {path: '.'})
      expect(plan.isError, plan.text).toBe(false)
      expect(plan.data.forecast).toMatchObject({escrowRunsOutAfter: TTL, ttlEnforcedByEscrow: true, deposit: {display: '2 ACT'}})
      const applied = await call(c.client, 'apply', {planId: plan.data.planId})
      expect(applied.isError, applied.text).toBe(false)
      dseq = String(applied.data.dseq)
      // The ledger counts what was locked: the TTL at the lease's price, not the plan's 2 ACT at the maximum.
      const deposited = Number(String(applied.data.receipt.deposited).replace(/ ACT$/, ''))
      expect(deposited).toBeGreaterThan(0.5)
      expect(deposited).toBeLessThanOrEqual(1)
    } finally {
      // The server and its TTL closer are gone: only the chain can end the deployment now.
      await c.close()
    }
    const closed = await waitClosed(dseq, 60_000)
    expect(closed.leases[0]).toMatchObject({state: 'insufficient_funds'})
    expect(await onChain(closed.owner, dseq)).toMatchObject({escrow: 'overdrawn', lease: 'insufficient_funds'})
    for (let i = 0; i < 15 && providerClosed(dseq).length === 0; i++) await sleep(1000)
    expect(providerClosed(dseq)[0]?.reason).toMatch(/insufficient_funds/)
  })
})
