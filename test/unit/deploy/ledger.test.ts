import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {IdempotencyConflict, Ledger, matchesLabels, parseLabels} from '../../../src/services/ledger/ledger.js'
import {evaluateGuards, formatDuration, parseDuration, parseUsdAmount} from '../../../src/services/ledger/guards.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

async function open(now = () => 1000) {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'))
  dirs.push(dir)
  return {ledger: await Ledger.open(join(dir, 'sub', 'ledger.db'), {now}), path: join(dir, 'sub', 'ledger.db')}
}

const base = {network: 'local', owner: 'akash1me', state: 'creating' as const, services: ['web'], labels: {}, uris: []}

describe('ledger', () => {
  it('round-trips an entry with bigints, labels and guards, and survives reopening', async () => {
    const {ledger, path} = await open()
    ledger.reserve({...base, dseq: 12345678901234567890n, deposit: 5_000_000n, budgetUsd: 3n * 10n ** 18n, expiresAt: 99, labels: {team: 'a'}, idempotencyKey: 'k'})
    ledger.update('local', 'akash1me', 12345678901234567890n, {state: 'ready', provider: 'akash1p', pricePerBlock: 10n ** 20n, uris: ['http://x']})
    ledger.close()
    const again = await Ledger.open(path)
    expect(again.get('local', 'akash1me', 12345678901234567890n)).toMatchObject({
      state: 'ready',
      deposit: 5_000_000n,
      budgetUsd: 3n * 10n ** 18n,
      expiresAt: 99,
      labels: {team: 'a'},
      provider: 'akash1p',
      pricePerBlock: 10n ** 20n,
      uris: ['http://x'],
    })
    again.close()
  })

  it('lets one live deployment hold an idempotency key, and frees it once closed', async () => {
    const {ledger} = await open()
    ledger.reserve({...base, dseq: 1n, idempotencyKey: 'ci-7'})
    let conflict: unknown
    try {
      ledger.reserve({...base, dseq: 2n, idempotencyKey: 'ci-7'})
    } catch (e) {
      conflict = e
    }
    expect(conflict).toBeInstanceOf(IdempotencyConflict)
    expect((conflict as IdempotencyConflict).existing.dseq).toBe(1n)
    // The same key on another network or for another owner is another key.
    ledger.reserve({...base, network: 'sandbox', dseq: 3n, idempotencyKey: 'ci-7'})
    ledger.markClosed('local', 'akash1me', 1n, 'owner')
    expect(ledger.findByKey('local', 'akash1me', 'ci-7')).toBeUndefined()
    ledger.reserve({...base, dseq: 4n, idempotencyKey: 'ci-7'})
    expect(ledger.findByKey('local', 'akash1me', 'ci-7')!.dseq).toBe(4n)
    expect(ledger.get('local', 'akash1me', 1n)).toMatchObject({state: 'closed', closeReason: 'owner', closedAt: 1000})
    ledger.close()
  })

  it('filters by labels', () => {
    expect(parseLabels(['a=1', 'b=x=y'])).toEqual({a: '1', b: 'x=y'})
    const entry = {...base, dseq: 1n, labels: {a: '1', b: '2'}, createdAt: 0, updatedAt: 0}
    expect(matchesLabels(entry, {a: '1'})).toBe(true)
    expect(matchesLabels(entry, {a: '2'})).toBe(false)
  })
})

describe('budget and TTL guards', () => {
  it('marks a deployment expired once its TTL has passed', () => {
    expect(evaluateGuards({now: 2000, expiresAt: 1000, blockTimeMs: 1000})).toMatchObject({expired: true, ttlLeftMs: -1000})
    expect(evaluateGuards({now: 500, expiresAt: 1000, blockTimeMs: 1000})).toMatchObject({expired: false, ttlLeftMs: 500, timeLeftMs: 500})
  })

  it('computes spend from the lease price and blocks run, warns at 80% and flags over budget', () => {
    // 0.001 ACT per block = $0.001/block.
    const pricePerBlock = 1000n * 10n ** 18n
    const g = (blocksRun: number) => evaluateGuards({now: 0, budgetUsd: 10n ** 18n, pricePerBlock, denom: 'uact', blocksRun, blockTimeMs: 1000})
    expect(g(500)).toMatchObject({spentUsd: 5n * 10n ** 17n, budgetWarning: false, overBudget: false})
    expect(g(800)).toMatchObject({budgetWarning: true, overBudget: false})
    expect(g(1000)).toMatchObject({overBudget: true})
  })

  it('says how long the escrow lasts at the current price', () => {
    const status = evaluateGuards({now: 0, pricePerBlock: 10n ** 18n, denom: 'uact', escrowLeft: 3600n * 10n ** 18n, blockTimeMs: 1000, expiresAt: 10_000_000})
    expect(status.escrowLeftMs).toBe(3_600_000)
    expect(status.timeLeftMs).toBe(3_600_000)
  })

  it('parses durations and USD amounts, and formats durations', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(() => parseDuration('soon')).toThrow(/not a duration/)
    expect(() => parseDuration('5 parsecs')).toThrow(/not a duration/)
    expect(parseUsdAmount('$12.5')).toBe(125n * 10n ** 17n)
    expect(parseUsdAmount('5usd')).toBe(5n * 10n ** 18n)
    expect(() => parseUsdAmount('five')).toThrow(/not an amount/)
    expect(formatDuration(5_400_000)).toBe('1h30m')
    expect(formatDuration(30_000)).toBe('30s')
    expect(formatDuration(90_000_000)).toBe('1d1h')
  })
})
