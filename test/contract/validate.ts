/**
 * Checks a real `--json` result against the committed schema of the command that printed it. The
 * system tests call this on every successful `--json` run of the binary (test/helpers/run-edge.ts),
 * so a schema that no longer describes the output fails there, next to the run that showed it.
 */
import {appendFileSync, readFileSync} from 'node:fs'

import {Ajv, type ValidateFunction} from 'ajv'

import {SNAPSHOT_FILE, type CommandSnapshot, readCommittedErrorSchema, readCommittedSchema} from './contract.js'

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
