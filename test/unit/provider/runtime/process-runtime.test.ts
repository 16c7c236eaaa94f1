import {appendFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {networkProfile} from '../../../../src/config/networks.js'
import {UsageError} from '../../../../src/errors.js'
import {logFileLines, tailOffset} from '../../../../src/provider/runtime/process/log-files.js'
import {shellQuote} from '../../../../src/provider/runtime/process/proc.js'
import {ProcessRuntime} from '../../../../src/provider/runtime/process/process-runtime.js'
import type {LogLine} from '../../../../src/provider/runtime/types.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'edge-proc-unit-'))
  dirs.push(d)
  return d
}

describe('process runtime', () => {
  it('refuses any network but a dev one, saying why', () => {
    for (const [network, kind] of [['mainnet', 'mainnet'], ['sandbox', 'testnet'], ['testnet', 'testnet']] as const) {
      const error = (() => {
        try {
          new ProcessRuntime({network: {name: network, profile: networkProfile(kind)}, dataDir: tempDir()})
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).message).toMatch(new RegExp(`cannot serve the ${network} network.*no isolation`))
      expect((error as UsageError).hint).toMatch(/docker runtime/)
    }
    expect(new ProcessRuntime({network: {name: 'local', profile: networkProfile('dev')}, dataDir: tempDir()}).kind).toBe('process')
  })

  it('quotes exec arguments for sh -c', () => {
    expect(shellQuote('plain-arg_1.txt')).toBe('plain-arg_1.txt')
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`)
  })
})

describe('log files', () => {
  it('finds where the last N lines start', () => {
    const file = path.join(tempDir(), 'out.log')
    writeFileSync(file, 'a\nbb\nccc\n')
    expect(tailOffset(file, 1)).toBe(5)
    expect(tailOffset(file, 2)).toBe(2)
    expect(tailOffset(file, 10)).toBe(0)
    expect(tailOffset(file, 0)).toBe(9)
    expect(tailOffset(file, -1)).toBe(0)
    writeFileSync(file, 'no newline at end')
    expect(tailOffset(file, 1)).toBe(0)
  })

  it('counts the tail back from a size snapshot, not from lines appended after it', () => {
    const file = path.join(tempDir(), 'growing.log')
    writeFileSync(file, 'a\nbb\n')
    appendFileSync(file, 'ccc\n')
    // The snapshot was taken at 5 bytes ("a\nbb\n"): its last line is "bb", not "ccc".
    expect(tailOffset(file, 1, 5)).toBe(2)
    expect(tailOffset(file, 1)).toBe(5)
  })

  it('reads the tail, then follows appended lines until the writer is gone', async () => {
    const file = path.join(tempDir(), 'stdout.log')
    writeFileSync(file, 'one\ntwo\nthree\n')
    let alive = true
    const lines: LogLine[] = []
    const reading = (async () => {
      for await (const l of logFileLines([{service: 'web', replica: 0, stream: 'stdout', path: file, alive: () => alive}], {tail: 2, follow: true, pollMs: 10})) {
        lines.push(l)
      }
    })()
    await new Promise((r) => setTimeout(r, 30))
    appendFileSync(file, 'four\nfive')
    await new Promise((r) => setTimeout(r, 30))
    alive = false
    await reading
    expect(lines.map((l) => l.line)).toEqual(['two', 'three', 'four', 'five'])
    expect(lines[0]).toEqual({service: 'web', replica: 0, stream: 'stdout', line: 'two'})
  })
})
