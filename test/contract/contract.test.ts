import {existsSync, readFileSync, readdirSync} from 'node:fs'

import {Ajv} from 'ajv'
import {describe, expect, it} from 'vitest'

import {EVENT_SCHEMA_DIR, SCHEMA_DIR, SNAPSHOT_FILE, type CommandSnapshot, commandFiles, commandSnapshot, eventSchemaFile, generateErrorSchema, generateEventSchemas, generateResultSchemas, readCommittedErrorSchema, readCommittedEventSchema, readCommittedSchema, schemaFile} from './contract.js'
import {ExitCode} from '../../src/errors.js'
import {assertErrorMatchesSchema, assertOutputMatchesContract, assertResultMatchesSchema, commandOf, jsonlLineChecker} from './validate.js'

const UPDATE = 'If the change is meant, run `npm run contract:update`, review the diff, and say it in CHANGELOG.md.'

/** What changed between two snapshots, in words a reviewer can act on. */
function surfaceChanges(before: CommandSnapshot[], now: CommandSnapshot[]): string[] {
  const changes: string[] = []
  const old = new Map(before.map((c) => [c.command, c]))
  const cur = new Map(now.map((c) => [c.command, c]))
  for (const id of old.keys()) if (!cur.has(id)) changes.push(`command removed: edge ${id}`)
  for (const [id, c] of cur) {
    const o = old.get(id)
    if (!o) {
      changes.push(`command added: edge ${id}`)
      continue
    }
    const flags = new Map(o.flags.map((f) => [f.name, f]))
    for (const f of c.flags) {
      const was = flags.get(f.name)
      if (!was) changes.push(`flag added: edge ${id} --${f.name}`)
      else if (JSON.stringify(was) !== JSON.stringify(f)) changes.push(`flag changed: edge ${id} --${f.name}: ${JSON.stringify(was)} → ${JSON.stringify(f)}`)
      flags.delete(f.name)
    }
    for (const name of flags.keys()) changes.push(`flag removed: edge ${id} --${name}`)
    if (JSON.stringify(o.args) !== JSON.stringify(c.args)) changes.push(`arguments changed: edge ${id}: ${JSON.stringify(o.args)} → ${JSON.stringify(c.args)}`)
  }
  return changes
}

describe('the CLI contract', () => {
  it('has the commands and flags of the committed snapshot', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as CommandSnapshot[]
    const changes = surfaceChanges(committed, commandSnapshot())
    expect(changes, `The command surface changed:\n${changes.join('\n')}\n${UPDATE}`).toEqual([])
  })

  it('every command has a committed --json result schema, and no schema outlives its command', () => {
    const commands = commandFiles().map((f) => f.command)
    expect(commands.filter((c) => !existsSync(schemaFile(c)))).toEqual([])
    const files = readdirSync(SCHEMA_DIR).sort()
    expect(files).toEqual(commands.map((c) => schemaFile(c).split('/').at(-1)).sort())
    const ajv = new Ajv({strict: false})
    for (const c of commands) {
      const schema = readCommittedSchema(c)
      expect(() => ajv.compile(schema)).not.toThrow()
      // A result type the generator could not resolve comes out as {not: {}} or {}: it would describe nothing.
      expect(schema.not, `edge ${c}`).toBeUndefined()
      expect(schema.type ?? schema.anyOf ?? schema.$ref, `edge ${c}`).toBeDefined()
    }
  })

  it('the committed schemas are what the result types say now', async () => {
    const generated = await generateResultSchemas()
    const stale = [...generated].filter(([c, schema]) => JSON.stringify(schema) !== JSON.stringify(readCommittedSchema(c))).map(([c]) => `edge ${c}`)
    expect(stale, `These --json results changed shape: ${stale.join(', ')}.\n${UPDATE}`).toEqual([])
  }, 120_000)

  it('the committed error envelope is what ErrorEnvelope says now, with every exit code of the table', async () => {
    expect(JSON.stringify(await generateErrorSchema()), `The --json error envelope changed shape.\n${UPDATE}`).toBe(JSON.stringify(readCommittedErrorSchema()))
    const codes = [...JSON.stringify(readCommittedErrorSchema()).matchAll(/"enum":\[([\d,]+)\]/g)].flatMap((m) => m[1]!.split(',').map(Number))
    expect(new Set(codes)).toEqual(new Set(Object.values(ExitCode)))
    expect(() => assertErrorMatchesSchema(['deploy'], {ok: false, error: {code: 'service_failed', message: 'web exited with code 3', exitCode: 7, details: {serviceExitCode: 3}}})).not.toThrow()
    expect(() => assertErrorMatchesSchema(['deploy'], {ok: false, error: {code: 'x', message: 'y', exitCode: 8}})).toThrow(/exitCode/)
  }, 120_000)

  it('names a command from its argv, and rejects a result its schema does not describe', () => {
    expect(commandOf(['dev', 'start', '--json'])).toBe('dev start')
    expect(commandOf(['providers', '--json'])).toBe('providers')
    expect(commandOf(['providers', 'show', 'akash1x'])).toBe('providers show')
    expect(commandOf(['deploy', 'templates/hello', '--yes'])).toBe('deploy')
    expect(() => assertResultMatchesSchema(['dev', 'logs', '--json'], {lines: 3})).not.toThrow()
    expect(() => assertResultMatchesSchema(['dev', 'logs', '--json'], {lines: '3'})).toThrow(/\/lines must be number/)
    expect(() => assertResultMatchesSchema(['dev', 'logs', '--json'], {lines: 3, extra: true})).toThrow(/additional properties/)
    expect(() => assertResultMatchesSchema(['update', '--json'], {dseq: 12, hash: 'x'})).toThrow(/\/dseq must be string/)
  })

  it('the committed JSONL event schemas are what the stream types (streams.ts) say now', async () => {
    const generated = await generateEventSchemas()
    expect(readdirSync(EVENT_SCHEMA_DIR).sort()).toEqual([...generated.keys()].map((c) => eventSchemaFile(c).split('/').at(-1)).sort())
    const stale = [...generated].filter(([c, schema]) => JSON.stringify(schema) !== JSON.stringify(readCommittedEventSchema(c))).map(([c]) => c)
    expect(stale, `These JSONL streams changed shape: ${stale.join(', ')}.\n${UPDATE}`).toEqual([])
  }, 120_000)

  it('checks every JSONL line: a log line names its provider, the result line carries a valid result', () => {
    const ts = '2026-12-07T00:00:00.000Z'
    const log = {type: 'log', ts, service: 'web', name: 'web-0', provider: 'akash1p', message: 'hi'}
    const result = {type: 'result', ts, ok: true, result: {dseq: '5', lines: 1, reconnects: 0}, warnings: []}
    const jsonl = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n'
    expect(() => assertOutputMatchesContract(['logs', '5', '--json'], jsonl(log, result))).not.toThrow()
    // The same line in deploy --follow's stream.
    expect(() => assertOutputMatchesContract(['deploy', '--follow', '--output', 'jsonl'], jsonl(log))).not.toThrow()
    const {provider: _dropped, ...withoutProvider} = log
    expect(() => assertOutputMatchesContract(['logs', '5', '--json'], jsonl(withoutProvider))).toThrow(/provider/)
    expect(() => assertOutputMatchesContract(['deploy', '-f', '--output', 'jsonl'], jsonl(withoutProvider))).toThrow(/does not describe/)
    expect(() => assertOutputMatchesContract(['logs', '5', '--json'], jsonl(log, {...result, result: {dseq: 5}}))).toThrow(/result/)
    // Commands without a stream of their own may print steps, warnings and the end.
    expect(() => assertOutputMatchesContract(['provide', 'withdraw', '--output', 'jsonl'], jsonl({type: 'step', ts, step: 'withdraw', status: 'started', message: 'Withdrawing'}))).not.toThrow()
    expect(() => assertOutputMatchesContract(['provide', 'withdraw', '--output', 'jsonl'], jsonl({type: 'progress', ts, step: 'withdraw', status: 'started', message: 'Withdrawing'}))).toThrow()
    expect(() => assertOutputMatchesContract(['wallet', 'mint', '10act', '--output', 'jsonl'], 'not json\n')).toThrow(/not JSON/)
    // Lines read while the command runs (spawnEdge), one at a time.
    const check = jsonlLineChecker(['provide', 'start', '--output', 'jsonl'])
    expect(() => check(JSON.stringify({type: 'block', ts, height: 3, openOrders: 0}))).not.toThrow()
    expect(() => check(JSON.stringify({type: 'block', ts, height: '3', openOrders: 0}))).toThrow(/provide-start.json/)
    const text = jsonlLineChecker(['logs', '5'])
    expect(() => text('[web] hi')).not.toThrow()
  })
})
