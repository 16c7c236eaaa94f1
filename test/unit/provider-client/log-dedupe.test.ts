import {describe, expect, it} from 'vitest'

import {LogDeduper, alignment} from '../../../src/provider-client/log-dedupe.js'

const lines = (name: string, ...messages: string[]) => messages.map((message) => ({name, message}))

function replay(d: LogDeduper, incoming: Array<{name: string; message: string}>): string[] {
  d.beginResync()
  for (const l of incoming) expect(d.push(l)).toEqual([])
  return d.flush().map((l) => `${l.name}:${l.message}`)
}

describe('log de-duplication on reconnect', () => {
  it('drops the replayed suffix and keeps the lines produced during the gap', () => {
    const d = new LogDeduper()
    for (const l of lines('web', 'a', 'b', 'c')) d.push(l)
    expect(d.replayTail()).toBe(3)
    // tail=3 after one new line: b, c, d
    expect(replay(d, lines('web', 'b', 'c', 'd'))).toEqual(['web:d'])
  })

  it('keeps a new line that repeats the last one seen', () => {
    const d = new LogDeduper()
    for (const l of lines('web', 'x', 'y', 't')) d.push(l)
    expect(replay(d, lines('web', 'y', 't', 't'))).toEqual(['web:t'])
  })

  it('emits everything when the gap produced more lines than the replay holds', () => {
    const d = new LogDeduper()
    for (const l of lines('web', 'a', 'b')) d.push(l)
    expect(replay(d, lines('web', 'n1', 'n2'))).toEqual(['web:n1', 'web:n2'])
  })

  it('skips older lines the client never showed when the replay reaches further back', () => {
    const d = new LogDeduper()
    for (const l of lines('web', 'c', 'd')) d.push(l)
    expect(replay(d, lines('web', 'a', 'b', 'c', 'd', 'e'))).toEqual(['web:e'])
  })

  it('aligns each stream name separately and keeps the interleaving', () => {
    const d = new LogDeduper()
    for (const l of [...lines('web', '1', '2'), ...lines('db', 'x')]) d.push(l)
    const incoming = [...lines('web', '1'), ...lines('db', 'x'), ...lines('web', '2'), ...lines('db', 'y'), ...lines('web', '3')]
    expect(replay(d, incoming)).toEqual(['db:y', 'web:3'])
  })

  it('passes lines straight through outside a resync and bounds its memory', () => {
    const d = new LogDeduper(2)
    expect(d.push({name: 'a', message: '1'})).toEqual([{name: 'a', message: '1'}])
    d.push({name: 'a', message: '2'})
    d.push({name: 'a', message: '3'})
    expect(d.replayTail()).toBe(2)
    expect(d.flush()).toEqual([])
  })

  it('alignment: -1 without history or without any overlap', () => {
    expect(alignment([], ['a'])).toBe(-1)
    expect(alignment(['a'], ['b', 'c'])).toBe(-1)
    expect(alignment(['a', 'b'], ['a', 'b'])).toBe(1)
  })
})
