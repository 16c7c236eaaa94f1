import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {limitsView, mergeLimitsFiles, readLimitsFile, resolveLimits} from '../../../src/mcp/limits.js'
import {checkConcurrency, checkMoney, checkTtl, imageAllowed, providerRefusal, requireSpend} from '../../../src/mcp/policy.js'
import {LimitRefusal} from '../../../src/mcp/refusal.js'
import {McpStore} from '../../../src/mcp/store.js'

const USD = 10n ** 18n
const refusal = (fn: () => void): LimitRefusal => {
  try {
    fn()
  } catch (error) {
    if (error instanceof LimitRefusal) return error
    throw error
  }
  throw new Error('not refused')
}

describe('mcp limits', () => {
  it('reads the file, lets flags replace its values, and shows them back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-mcp-limits-'))
    try {
      const path = join(dir, 'mcp.json')
      writeFileSync(path, JSON.stringify({allowSpend: true, maxUsdPerHour: '0.5', budgetPerDay: '$5', images: ['busybox'], ttl: '2h'}))
      const merged = mergeLimitsFiles(readLimitsFile(path), {images: ['nginx'], maxDeposit: '3'})
      const limits = resolveLimits(merged, '/srv')
      expect(limits).toMatchObject({allowSpend: true, maxUsdPerHour: USD / 2n, budgetPerDayUsd: 5n * USD, maxDepositUsd: 3n * USD, ttlMs: 7_200_000, images: ['nginx'], sdlDirs: ['/srv']})
      expect(limitsView(limits)).toMatchObject({maxUsdPerHour: '$0.50/h', maxDeposit: '$3.00', budgetPerDay: '$5.00', budgetTotal: null, ttl: '2h'})
      expect(resolveLimits({maxUsdPerHour: '30usd/month'}).maxUsdPerHour).toBe((30n * USD + 365n) / 730n)
      writeFileSync(path, JSON.stringify({budget: 5}))
      expect(() => readLimitsFile(path)).toThrow(/limits edge does not know: \(top\): Unrecognized key/)
      expect(readLimitsFile(join(dir, 'absent.json'))).toEqual({})
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('defaults to read-only, a 1h TTL and two deployments at once', () => {
    const l = resolveLimits({})
    expect(l).toMatchObject({allowSpend: false, ttlMs: 3_600_000, maxDeployments: 2, planValidityMs: 300_000, images: [], providers: [], regions: []})
    expect(refusal(() => requireSpend(l, 'apply')).toText()).toMatch(/Refused by the limit "read-only".*--allow-spend/)
  })

  it('matches images by name, tag or digest', () => {
    const digest = 'sha256:' + 'a'.repeat(64)
    expect(imageAllowed('busybox:1.36', [])).toBe(true)
    expect(imageAllowed('busybox:1.36', ['busybox'])).toBe(true)
    expect(imageAllowed('docker.io/library/busybox:1.36', ['busybox:1.36'])).toBe(true)
    expect(imageAllowed('busybox:1.37', ['busybox:1.36'])).toBe(false)
    expect(imageAllowed(`busybox@${digest}`, [digest])).toBe(true)
    expect(imageAllowed('busybox:1.36', [digest])).toBe(false)
    expect(imageAllowed('ghcr.io/x/busybox:1', ['busybox'])).toBe(false)
  })

  it('refuses money over each limit with both numbers', () => {
    const l = resolveLimits({maxUsdPerHour: '0.5', maxDeposit: '2', budgetPerDay: '3', budgetTotal: '10'})
    const none = {dayUsd: 0n, totalUsd: 0n}
    expect(refusal(() => checkMoney(l, none, {maxUsdPerHour: USD, depositUsd: USD})).numbers).toEqual({maxUsdPerHour: '$1.00', limit: '$0.50'})
    expect(refusal(() => checkMoney(l, none, {maxUsdPerHour: USD / 10n, depositUsd: USD, depositedBeforeUsd: 3n * USD / 2n})).numbers).toEqual({deposit: '$2.50', limit: '$2.00'})
    expect(refusal(() => checkMoney(l, {dayUsd: 5n * USD / 2n, totalUsd: 5n * USD / 2n}, {maxUsdPerHour: USD / 10n, depositUsd: USD})).limit).toBe('budget-per-day')
    expect(refusal(() => checkMoney(l, {dayUsd: 0n, totalUsd: 19n * USD / 2n}, {maxUsdPerHour: USD / 10n, depositUsd: USD})).message).toMatch(/budget left: \$0.50 of \$10.00 \(\$9.50 spent\)/)
    expect(() => checkMoney(l, none, {maxUsdPerHour: USD / 10n, depositUsd: USD})).not.toThrow()
    expect(refusal(() => checkMoney(l, none, {depositUsd: USD})).limit).toBe('max-usd-per-hour')
    expect(refusal(() => checkTtl(l, 2 * 3_600_000)).numbers).toEqual({requested: '2h', limit: '1h'})
    expect(refusal(() => checkConcurrency(l, 2)).numbers).toEqual({open: 2, limit: 2})
  })

  it('lets providers in by address and by region or country', () => {
    const l = resolveLimits({providers: ['akash1a', 'akash1b'], regions: ['eu-*', 'ch']})
    expect(providerRefusal(l, {provider: 'akash1c', region: 'eu-west'})).toBe('providers')
    expect(providerRefusal(l, {provider: 'akash1a', region: 'us-west'})).toBe('regions')
    expect(providerRefusal(l, {provider: 'akash1a', region: 'eu-west'})).toBeUndefined()
    expect(providerRefusal(l, {provider: 'akash1b', country: 'CH'})).toBeUndefined()
  })
})

describe('mcp store', () => {
  it('keeps spend across reopening: deposits less refunds, refunds booked on the deposit day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-mcp-store-'))
    let now = Date.parse('2026-12-06T23:00:00Z')
    try {
      const path = join(dir, 'mcp.db')
      const a = await McpStore.open(path, {now: () => now})
      const key = {network: 'local', owner: 'akash1me'}
      a.recordDeposit({...key, dseq: 5n, usd: USD, amount: 1_000_000n, denom: 'uact'})
      a.addDeployment({...key, dseq: 5n, createdAt: now, expiresAt: now + 1000})
      a.logAction({tool: 'apply', outcome: 'ok', summary: 'applied', args: {planId: 'plan-1'}})
      a.close()
      now = Date.parse('2026-12-07T01:00:00Z')
      const b = await McpStore.open(path, {now: () => now})
      expect(b.spent(key.network, key.owner)).toEqual({totalUsd: USD, dayUsd: 0n})
      b.recordRefund({...key, dseq: 5n, usd: (USD * 9n) / 10n, amount: 900_000n, denom: 'uact'})
      expect(b.spent(key.network, key.owner)).toEqual({totalUsd: USD / 10n, dayUsd: 0n})
      expect(b.openDeployments(key.network, key.owner).map((d) => d.dseq)).toEqual([5n])
      b.markClosed(key.network, key.owner, 5n, 'ttl')
      expect(b.openDeployments(key.network, key.owner)).toEqual([])
      expect(b.actions().map((x) => x.summary)).toEqual(['applied'])
      b.close()
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
