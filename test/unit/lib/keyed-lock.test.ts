import {describe, expect, it} from 'vitest'

import {KeyedLock} from '../../../src/lib/keyed-lock.js'
import {sleep} from '../../../src/lib/sleep.js'

describe('KeyedLock', () => {
  it('runs one task at a time per key, in order, other keys alongside; a failure does not block the queue', async () => {
    const lock = new KeyedLock()
    const log: string[] = []
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`${name}+`)
      await sleep(ms)
      log.push(`${name}-`)
      if (fail) throw new Error(name)
      return name
    }
    const a1 = lock.run('a', task('a1', 20, true))
    const a2 = lock.run('a', task('a2', 1))
    const b1 = lock.run('b', task('b1', 5))
    await expect(a1).rejects.toThrow('a1')
    expect(await a2).toBe('a2')
    expect(await b1).toBe('b1')
    expect(log.indexOf('a1-')).toBeLessThan(log.indexOf('a2+'))
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'))
    await sleep(0)
    expect(lock.size).toBe(0)
  })
})
