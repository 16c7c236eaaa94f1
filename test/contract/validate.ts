/**
 * Checks real output against the committed contract: a `--json` result against the schema of the
 * command that printed it, JSONL lines against the event schemas. The test runners call
 * `assertOutputMatchesContract` on every run (test/helpers/run-edge.ts, test/commands/in-process.ts,
 * check-command-results.ts), so a schema that no longer describes the output fails there, next to
 * the run that showed it.
 */
import {appendFileSync, readFileSync} from 'node:fs'

import {Ajv, type ValidateFunction} from 'ajv'

import {SNAPSHOT_FILE, type CommandSnapshot, eventSchemaFile, readCommittedErrorSchema, readCommittedEventSchema, readCommittedSchema} from './contract.js'

const ajv = new Ajv({allErrors: true, strict: false})
const compiled = new Map<string, ValidateFunction | undefined>()
let commands: Set<string> | undefined

/** The command an argv names: the longest run of leading words that is a command id. */
export function commandOf(args: string[]): string | undefined {
  commands ??= new Set((JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as CommandSnapshot[]).map((c) => c.command))
  const words: string[] = []
  for (const a of args) {
    if (a.startsWith('-')) break
    words.push(a)
  }
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(' ')
    if (commands.has(id)) return id
  }
  return undefined
}

export function assertResultMatchesSchema(args: string[], result: unknown): void {
  const command = commandOf(args)
  if (!command) return
  if (!compiled.has(command)) {
    const schema = readCommittedSchema(command)
    compiled.set(command, schema ? ajv.compile(schema) : undefined)
  }
  const validate = compiled.get(command)
  if (!validate) throw new Error(`no committed schema for \`edge ${command} --json\`: run npm run contract:update`)
  // EDGE_CONTRACT_SEEN=<file> records which commands' results were checked (for coverage reports).
  if (process.env.EDGE_CONTRACT_SEEN) appendFileSync(process.env.EDGE_CONTRACT_SEEN, `${command}\n`)
  if (validate(result)) return
  const problems = (validate.errors ?? []).slice(0, 8).map((e) => `  ${e.instancePath || '(result)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
  throw new Error(
    `\`edge ${args.join(' ')}\` printed a result that its schema (test/contract/schemas) does not describe:\n${problems.join('\n')}\n` +
      `result: ${JSON.stringify(result).slice(0, 2000)}`,
  )
}

let errorValidator: ValidateFunction | undefined

/** Checks a `{ok: false, error}` envelope against test/contract/error.json (its exitCode must be in the table). */
export function assertErrorMatchesSchema(args: string[], envelope: unknown): void {
  if (!errorValidator) {
    const schema = readCommittedErrorSchema()
    if (!schema) throw new Error('no committed error schema (test/contract/error.json): run npm run contract:update')
    errorValidator = ajv.compile(schema)
  }
  if (errorValidator(envelope)) return
  const problems = (errorValidator.errors ?? []).slice(0, 8).map((e) => `  ${e.instancePath || '(envelope)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
  throw new Error(`\`edge ${args.join(' ')}\` printed an error that test/contract/error.json does not describe:\n${problems.join('\n')}\nerror: ${JSON.stringify(envelope).slice(0, 2000)}`)
}

const eventValidators = new Map<string, ValidateFunction | undefined>()

function eventValidator(command: string | undefined): {validate: ValidateFunction; schema: string} {
  const key = command && readCommittedEventSchema(command) ? command : '*'
  if (!eventValidators.has(key)) {
    const schema = readCommittedEventSchema(key)
    eventValidators.set(key, schema ? ajv.compile(schema) : undefined)
  }
  const validate = eventValidators.get(key)
  if (!validate) throw new Error(`no committed JSONL schema for \`edge ${key}\` (test/contract/events): run npm run contract:update`)
  return {validate, schema: eventSchemaFile(key)}
}

/** Whether the argv asks for JSONL outright; `--json` on a streaming run is recognised by its lines. */
function asksForJsonl(args: string[]): boolean {
  const end = args.indexOf('--')
  const own = end === -1 ? args : args.slice(0, end)
  return own.some((a, i) => a === '--output=jsonl' || (a === '--output' && own[i + 1] === 'jsonl'))
}

/**
 * Checks every JSONL line a run printed against its command's committed event schema
 * (test/contract/events/), and the final `result` line's result against the --json result schema.
 */
export function assertJsonlMatchesSchema(args: string[], lines: string[]): void {
  const command = commandOf(args)
  const {validate, schema} = eventValidator(command)
  for (const [i, text] of lines.entries()) {
    let event: {type?: unknown; result?: unknown}
    try {
      event = JSON.parse(text)
    } catch {
      throw new Error(`\`edge ${args.join(' ')}\` printed line ${i + 1} that is not JSON in JSONL output: ${text.slice(0, 500)}`)
    }
    if (process.env.EDGE_CONTRACT_SEEN) appendFileSync(process.env.EDGE_CONTRACT_SEEN, `${command ?? '*'} jsonl ${event?.type}\n`)
    if (!validate(event)) {
      const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'anyOf').slice(0, 8).map((e) => `  ${e.instancePath || '(line)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
      throw new Error(`\`edge ${args.join(' ')}\` printed a JSONL line that ${schema} does not describe:\n${problems.join('\n')}\nline: ${text.slice(0, 2000)}`)
    }
    if (event.type === 'result' && command) assertResultMatchesSchema(args, event.result)
  }
}

/**
 * The one check the test runners (run-edge.ts, in-process.ts, the commands project's runCommand)
 * make on what a run printed: a `--json` envelope against the result or error schema, and JSONL
 * (`--output jsonl`, or `--json` on a streaming run) line by line against the event schemas.
 */
export function assertOutputMatchesContract(args: string[], stdout: string): void {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) return
  let first
  try {
    first = JSON.parse(lines[0]!)
  } catch {
    first = undefined
  }
  const jsonl = asksForJsonl(args) || (args.includes('--json') && typeof first?.type === 'string' && typeof first?.ts === 'string')
  if (jsonl) {
    assertJsonlMatchesSchema(args, lines)
    return
  }
  if (!args.includes('--json')) return
  let envelope
  try {
    envelope = JSON.parse(stdout)
  } catch {
    return
  }
  if (envelope?.ok === true) assertResultMatchesSchema(args, envelope.result)
  if (envelope?.ok === false) assertErrorMatchesSchema(args, envelope)
}

/**
 * For output read while the command runs (`spawnEdge`): checks each complete line as it arrives
 * once the run shows itself as JSONL, as assertOutputMatchesContract does for a finished run.
 */
export function jsonlLineChecker(args: string[]): (line: string) => void {
  let jsonl: boolean | undefined
  return (line) => {
    if (line.trim() === '') return
    if (jsonl === undefined) {
      let first
      try {
        first = JSON.parse(line)
      } catch {
        first = undefined
      }
      jsonl = asksForJsonl(args) || (args.includes('--json') && typeof first?.type === 'string' && typeof first?.ts === 'string')
    }
    if (jsonl) assertJsonlMatchesSchema(args, [line])
  }
}
