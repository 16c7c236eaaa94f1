import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import type {StepEvent} from '../../../src/output/events.js'
import {Output} from '../../../src/output/output.js'
import {jsonlSink, textSink} from '../../../src/output/sinks.js'
import type {LogEvent} from '../../../src/services/lease/streams.js'
import {logSinks} from '../../../src/ui/sinks/logs.js'

const facts = {stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, ci: true}

function capture(mode: 'text' | 'json' | 'jsonl') {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = {stdout: '', stderr: ''}
  stdout.on('data', (d) => (out.stdout += d))
  stderr.on('data', (d) => (out.stderr += d))
  return {output: new Output({mode, facts, color: false, verbose: false, stdout, stderr}), out}
}

const line: LogEvent = {type: 'line', service: 'web', name: 'web-0', message: 'tick 1', provider: 'akash1provider'}
const dropped: LogEvent = {type: 'reconnecting', attempt: 1, delayMs: 500, error: 'socket closed', provider: 'akash1provider'}

describe('event sinks', () => {
  it('writes a log line as a JSONL `log` event that names its provider (edge logs and deploy --follow share it)', () => {
    const {output, out} = capture('jsonl')
    const sink = jsonlSink(output, logSinks('deployment 1', new AbortController().signal))
    sink.push(line)
    sink.push(dropped)
    const [log, news] = out.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(log).toMatchObject({type: 'log', service: 'web', name: 'web-0', provider: 'akash1provider', message: 'tick 1'})
    expect(Date.parse(log.ts)).not.toBeNaN()
    expect(news).toMatchObject({type: 'reconnecting', provider: 'akash1provider', error: 'socket closed'})
  })

  it('prints log lines on stdout and stream news on stderr in text mode', () => {
    const {output, out} = capture('text')
    const sink = textSink(output, logSinks('deployment 1', new AbortController().signal))
    sink.push(line)
    sink.push(dropped)
    expect(out.stdout).toBe('[web] tick 1\n')
    expect(out.stderr).toBe('(log stream dropped: socket closed; reconnecting)\n')
  })

  it('keeps stdout for the envelope under --json: progress on stderr, warnings into the envelope', () => {
    const {output, out} = capture('json')
    const sink = textSink<{type: string; message?: string}>(output, {lines: 'stdout', line: (e) => e.message})
    sink.push({type: 'warning', message: 'careful'})
    sink.push({type: 'note', message: 'only in text'})
    expect(out.stdout).toBe('')
    expect(output.warnings).toEqual(['careful'])
  })

  it('draws StepEvents as progress, in order, and fails the steps still running when the flow fails', async () => {
    const {output, out} = capture('text')
    const sink = textSink<StepEvent>(output, {})
    const ts = new Date().toISOString()
    sink.push({type: 'step', ts, step: 'spawn', status: 'started', message: 'Starting edge dev'})
    sink.push({type: 'step', ts, step: 'spawn', status: 'succeeded', message: 'Started edge dev (pid 1)'})
    sink.push({type: 'step', ts, step: 'wait', status: 'started', message: 'Waiting for the RPC'})
    await sink.end({error: new Error('boom')})
    expect(out.stderr.split('\n').filter(Boolean)).toEqual(['Starting edge dev', '✔ Started edge dev (pid 1)', 'Waiting for the RPC', '✖ Waiting for the RPC'])
  })

  it('says on stderr that a followed stream is open, so a quiet service does not look like a hang (ux-test D27)', async () => {
    const {output, out} = capture('text')
    const sink = textSink(output, logSinks('deployment 52', new AbortController().signal, {follow: true}))
    sink.push({type: 'connected', follow: true, provider: 'akash1a'})
    sink.push({type: 'connected', follow: true, provider: 'akash1b'})
    expect(out.stdout).toBe('')
    expect(out.stderr).toBe('(connected to deployment 52; following its logs, Ctrl-C to stop)\n')
    await sink.end({result: undefined})
    expect(out.stderr).toMatch(/\(no log lines\)\n$/)
  })

  it('says "(no log lines)" when a plain run printed none, and nothing more when it printed some', async () => {
    const quiet = capture('text')
    const empty = textSink(quiet.output, logSinks('deployment 52', new AbortController().signal))
    empty.push({type: 'connected', follow: false, provider: 'akash1a'})
    await empty.end({result: undefined})
    expect(quiet.out.stdout).toBe('')
    expect(quiet.out.stderr).toBe('(no log lines)\n')
    const busy = capture('text')
    const some = textSink(busy.output, logSinks('deployment 52', new AbortController().signal))
    some.push(line)
    await some.end({result: undefined})
    expect(busy.out.stderr).toBe('')
  })

  it('streams `connected` as a JSONL event naming its provider', () => {
    const {output, out} = capture('jsonl')
    jsonlSink(output, logSinks('deployment 52', new AbortController().signal, {follow: true})).push({type: 'connected', follow: true, provider: 'akash1a'})
    expect(JSON.parse(out.stdout)).toMatchObject({type: 'connected', follow: true, provider: 'akash1a'})
  })
})
