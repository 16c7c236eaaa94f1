import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {ChainDb} from '../../../../src/devnet/core/chain-db.js'
import {GasStore, KV_GAS, LimitedGasMeter, OutOfGasError} from '../../../../src/devnet/core/gas.js'
import {Overlay} from '../../../../src/devnet/core/overlay.js'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
const keys = (it: Iterable<[string, Uint8Array]>) => [...it].map(([k]) => k)

const dirs: string[] = []
function db(): ChainDb {
  const dir = mkdtempSync(join(tmpdir(), 'edge-overlay-'))
  dirs.push(dir)
  return new ChainDb(join(dir, 'chain.sqlite'))
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function seeded(entries: Record<string, string>): ChainDb {
  const d = db()
  d.writeState(Object.entries(entries).map(([k, v]) => [k, bytes(v)]), {})
  return d
}

describe('Overlay', () => {
  it('reads through to the layer below and shadows it with its own writes and deletions', () => {
    const base = seeded({'a/1': 'one', 'a/2': 'two', 'a/3': 'three'})
    const o = new Overlay(base)
    o.set('a/2', bytes('TWO'))
    o.delete('a/3')
    o.set('a/4', bytes('four'))
    expect(text(o.get('a/2')!)).toBe('TWO')
    expect(o.get('a/3')).toBeUndefined()
    expect(o.has('a/1')).toBe(true)
    expect([...o.iterate('a/')].map(([k, v]) => `${k}=${text(v)}`)).toEqual(['a/1=one', 'a/2=TWO', 'a/4=four'])
    // Nothing reached the database.
    expect(text(base.get('a/3')!)).toBe('three')
    base.close()
  })

  it('iterates in reverse and from a start key, merging both layers', () => {
    const base = seeded({'p/01': 'x', 'p/03': 'x', 'p/05': 'x', 'q/00': 'x'})
    const o = new Overlay(base)
    o.set('p/02', bytes('y'))
    o.set('p/04', bytes('y'))
    expect(keys(o.iterate('p/', {reverse: true}))).toEqual(['p/05', 'p/04', 'p/03', 'p/02', 'p/01'])
    expect(keys(o.iterate('p/', {start: 'p/03'}))).toEqual(['p/03', 'p/04', 'p/05'])
    expect(keys(o.iterate('p/', {start: 'p/03', reverse: true}))).toEqual(['p/03', 'p/02', 'p/01'])
    base.close()
  })

  it('discards a failed branch and applies a successful one to the layer below', () => {
    const base = seeded({k: 'v0'})
    const block = new Overlay(base)
    const failed = new Overlay(block)
    failed.set('k', bytes('lost'))
    const ok = new Overlay(block)
    ok.set('k', bytes('kept'))
    ok.set('n', bytes('new'))
    ok.writeTo(block)
    expect(text(block.get('k')!)).toBe('kept')
    expect(text(block.get('n')!)).toBe('new')
    expect(text(base.get('k')!)).toBe('v0')
    base.close()
  })

  it('keeps iterating over a snapshot when the handler writes mid-walk', () => {
    const base = seeded({})
    const o = new Overlay(base)
    for (const k of ['i/1', 'i/2', 'i/3']) o.set(k, bytes(k))
    const seen: string[] = []
    for (const [k] of o.iterate('i/')) {
      seen.push(k)
      o.delete('i/2')
      o.set('i/9', bytes('late'))
    }
    expect(seen).toEqual(['i/1', 'i/2', 'i/3'])
    expect(keys(o.iterate('i/'))).toEqual(['i/1', 'i/3', 'i/9'])
    base.close()
  })
})

describe('ChainDb', () => {
  it('pages through more entries than one SQLite page, in both directions', () => {
    const entries: Record<string, string> = {}
    for (let i = 0; i < 700; i++) entries[`d/${String(i).padStart(4, '0')}`] = String(i)
    entries['e/0'] = 'other prefix'
    const base = seeded(entries)
    const forward = keys(base.iterate('d/'))
    expect(forward).toHaveLength(700)
    expect(forward[0]).toBe('d/0000')
    expect(forward[699]).toBe('d/0699')
    const backward = keys(base.iterate('d/', {reverse: true}))
    expect(backward).toEqual([...forward].reverse())
    expect(keys(base.iterate('d/', {start: 'd/0690'}))).toHaveLength(10)
    base.close()
  })

  it('commits a block with its state writes atomically and survives reopening', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-chaindb-'))
    dirs.push(dir)
    const path = join(dir, 'chain.sqlite')
    const first = new ChainDb(path)
    const o = new Overlay(first)
    o.set('bal/x', bytes('10'))
    const block = {
      height: 1,
      time: '2026-01-01T00:00:01.000000000Z',
      hash: new Uint8Array(32).fill(1),
      lastBlockHash: new Uint8Array(),
      appHash: new Uint8Array(32),
      resultAppHash: new Uint8Array(32).fill(2),
      dataHash: new Uint8Array(32),
      lastResultsHash: new Uint8Array(32),
      txs: [],
      events: [],
      size: 0,
    }
    first.commitBlock(o.entries(), block, [])
    // A second block that never commits (the process dies mid-block) leaves no trace.
    const lost = new Overlay(first)
    lost.set('bal/x', bytes('999'))
    first.close()

    const reopened = new ChainDb(path)
    expect(reopened.latestHeight()).toBe(1)
    expect(text(reopened.get('bal/x')!)).toBe('10')
    expect(reopened.block(1)?.time).toBe(block.time)
    reopened.close()
  })
})

describe('GasStore', () => {
  // Priced at the node's sizes (node-keys.ts): a balance key is 0x02 | len | address(20) | denom.
  const ALICE = 'akash1qurswpc8qurswpc8qurswpc8qurswpc87g2aem'
  const BALANCE_KEY_BYTES = 1 + 1 + 20 + 4

  it('charges reads, writes, deletes and iteration as the SDK KV gas config, at the node key sizes', () => {
    const base = seeded({[`bank/bal/${ALICE}/uact`]: '123'})
    const meter = new LimitedGasMeter(1_000_000)
    const store = new GasStore(new Overlay(base), meter)
    store.get(`bank/bal/${ALICE}/uact`)
    expect(meter.consumed()).toBe(KV_GAS.readCostFlat + KV_GAS.readCostPerByte * (BALANCE_KEY_BYTES + 3))
    const before = meter.consumed()
    store.set(`bank/bal/${ALICE}/uakt`, bytes('12345'))
    expect(meter.consumed() - before).toBe(KV_GAS.writeCostFlat + KV_GAS.writeCostPerByte * (BALANCE_KEY_BYTES + 5))
    const beforeIter = meter.consumed()
    expect(keys(store.iterate(`bank/bal/${ALICE}/`))).toEqual([`bank/bal/${ALICE}/uact`, `bank/bal/${ALICE}/uakt`])
    // gaskv: opening charges the first entry, each step the entry it leaves, plus one flat per step and the last.
    const entry = (value: number) => KV_GAS.readCostPerByte * (BALANCE_KEY_BYTES + value)
    expect(meter.consumed() - beforeIter).toBe(3 * KV_GAS.iterNextCostFlat + 2 * entry(3) + entry(5))
    const beforeDelete = meter.consumed()
    store.delete(`bank/bal/${ALICE}/uakt`)
    expect(meter.consumed() - beforeDelete).toBe(KV_GAS.deleteCost)
    base.close()
  })

  it('charges an indexed record with its node indexes, and edge dev index entries not at all', () => {
    const base = seeded({})
    const meter = new LimitedGasMeter(1_000_000)
    const store = new GasStore(new Overlay(base), meter)
    const deployment = `deployment/d/${ALICE}/00000000000000000007`
    // deployments: key 2 + owner string 45 + dseq 8; one index (by state): 2 + 4 + 53.
    store.set(deployment, bytes('x'.repeat(10)))
    const firstWrite = KV_GAS.readCostFlat + KV_GAS.readCostPerByte * 55 + KV_GAS.writeCostFlat + KV_GAS.writeCostPerByte * 59
    expect(meter.consumed()).toBe(firstWrite + KV_GAS.writeCostFlat + KV_GAS.writeCostPerByte * (55 + 10))
    const before = meter.consumed()
    store.set(`deployment/s/1/${ALICE}/00000000000000000007`, bytes(''))
    expect(meter.consumed()).toBe(before)
    store.set(deployment, bytes('y'.repeat(10)))
    const rewrite = KV_GAS.readCostFlat + KV_GAS.readCostPerByte * (55 + 10) + KV_GAS.deleteCost + KV_GAS.writeCostFlat + KV_GAS.writeCostPerByte * 59
    expect(meter.consumed() - before).toBe(rewrite + KV_GAS.writeCostFlat + KV_GAS.writeCostPerByte * (55 + 10))
    base.close()
  })

  it('throws out of gas past the limit, naming where', () => {
    const base = seeded({})
    // 2000 flat + 30 × (26 key + 5 value bytes) = 2930.
    const set = (limit: number) => () => new GasStore(new Overlay(base), new LimitedGasMeter(limit)).set(`bank/bal/${ALICE}/uakt`, bytes('value'))
    expect(set(2929)).toThrow(OutOfGasError)
    expect(set(2930)).not.toThrow()
    expect(() => new GasStore(new Overlay(base), new LimitedGasMeter(100)).get('x')).toThrow(/ReadFlat/)
    base.close()
  })
})
