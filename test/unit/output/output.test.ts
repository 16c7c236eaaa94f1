import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {detectOutputMode, toEdgeError} from '../../../src/base-command.js'
import {ChainError} from '../../../src/errors.js'
import {Output} from '../../../src/output/output.js'
import {colorEnabled} from '../../../src/output/terminal.js'
import {renderTable} from '../../../src/output/table.js'

const facts = {stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ci: true}

function capture(mode: 'text' | 'json' | 'jsonl') {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = {stdout: '', stderr: ''}
  stdout.on('data', (d) => (out.stdout += d))
  stderr.on('data', (d) => (out.stderr += d))
  return {output: new Output({mode, facts, color: false, verbose: false, stdout, stderr}), out}
}

describe('output contract', () => {
  it('detects json and jsonl from flags before `--` only', () => {
    expect(detectOutputMode(['--json'])).toBe('json')
    expect(detectOutputMode(['--output', 'jsonl'])).toBe('jsonl')
    expect(detectOutputMode(['--output=json'])).toBe('json')
    expect(detectOutputMode(['shell', '--', 'cmd', '--json'])).toBe('text')
    expect(detectOutputMode([], 'json')).toBe('json')
  })

  it('keeps stdout for results and sends progress and warnings to stderr', () => {
    const {output, out} = capture('text')
    output.result('the result')
    output.warn('careful')
    output.progress('step', 'working').succeed('done')
    expect(out.stdout).toBe('the result\n')
    expect(out.stderr).toContain('Warning: careful')
    expect(out.stderr).toContain('working')
    expect(output.warnings).toEqual(['careful'])
  })

  it('writes events as JSONL with type and ts, and bigints as strings', () => {
    const {output, out} = capture('jsonl')
    output.event({type: 'bid', price: 10n})
    output.progress('lease', 'creating lease').succeed()
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({type: 'bid', price: '10'})
    expect(Date.parse(lines[0].ts)).not.toBeNaN()
    expect(lines.map((l) => l.status).filter(Boolean)).toEqual(['started', 'succeeded'])
    expect(out.stderr).toBe('')
  })

  it('honours NO_COLOR and --no-color', () => {
    expect(colorEnabled(undefined, true, {})).toBe(true)
    expect(colorEnabled(false, true, {})).toBe(false)
    expect(colorEnabled(undefined, true, {NO_COLOR: '1'})).toBe(false)
    expect(colorEnabled(undefined, false, {})).toBe(false)
  })

  it('maps unknown errors to exit 1 and keeps EdgeErrors', () => {
    expect(toEdgeError(new Error('boom')).exitCode).toBe(1)
    expect(toEdgeError(new ChainError('down')).exitCode).toBe(6)
  })

  it('renders aligned tables', () => {
    expect(renderTable([{a: 'x', b: '10'}, {a: 'long', b: '2'}], [
      {header: 'name', get: (r) => r.a},
      {header: 'n', get: (r) => r.b, align: 'right'},
    ])).toBe('NAME   N\nx     10\nlong   2')
  })
})
