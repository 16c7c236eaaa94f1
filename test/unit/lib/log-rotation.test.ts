import {appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {rotateLog} from '../../../src/lib/log-rotation.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-rotate-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

describe('rotateLog (D37: provider logs are size-bounded)', () => {
  it('leaves a file under the limit alone, and a missing one', () => {
    const file = join(dir, 'provider.log')
    expect(rotateLog(file, {maxBytes: 10, keep: 2})).toBe(false)
    appendFileSync(file, 'short\n')
    expect(rotateLog(file, {maxBytes: 10, keep: 2})).toBe(false)
    expect(existsSync(`${file}.1`)).toBe(false)
  })

  it('keeps `keep` old files, newest in .1, and drops the oldest', () => {
    const file = join(dir, 'provider.log')
    for (const round of ['a', 'b', 'c', 'd']) {
      appendFileSync(file, `${round.repeat(20)}\n`)
      expect(rotateLog(file, {maxBytes: 10, keep: 2})).toBe(true)
      expect(statSync(file).size).toBe(0)
    }
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(`${'d'.repeat(20)}\n`)
    expect(readFileSync(`${file}.2`, 'utf8')).toBe(`${'c'.repeat(20)}\n`)
    expect(existsSync(`${file}.3`)).toBe(false)
  })

  it('a detached writer appending through its own descriptor goes on at the start of the emptied file', () => {
    const file = join(dir, 'provider.log')
    const fd = openSync(file, 'a')
    try {
      writeSync(fd, 'x'.repeat(100) + '\n')
      expect(rotateLog(file, {maxBytes: 10, keep: 1})).toBe(true)
      writeSync(fd, 'after\n')
      expect(readFileSync(file, 'utf8')).toBe('after\n')
      expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(100) + '\n')
    } finally {
      closeSync(fd)
    }
  })
})
