/**
 * The CLI contract that scripts and CI jobs depend on: which commands and flags exist, and the shape
 * of every command's `--json` result. Both are committed (command-snapshot.json, schemas/) and
 * compared with what the code says now, so a rename, a removed flag or a changed result field is a
 * deliberate change (`npm run contract:update`) and never an accident. The schemas are generated
 * from each command's declared result type, then the system tests check real output against them.
 */
import {readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative, resolve} from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
export const CONTRACT_DIR = import.meta.dirname
export const SNAPSHOT_FILE = join(CONTRACT_DIR, 'command-snapshot.json')
export const SCHEMA_DIR = join(CONTRACT_DIR, 'schemas')
/** The `{ok: false, error}` envelope every failing `--json` command prints, exit codes included. */
export const ERROR_SCHEMA_FILE = join(CONTRACT_DIR, 'error.json')

export interface FlagSnapshot {
  name: string
  type: 'boolean' | 'option'
  char?: string
  multiple?: boolean
  required?: boolean
  options?: string[]
  env?: string
}

export interface CommandSnapshot {
  command: string
  args: {name: string; required: boolean}[]
  flags: FlagSnapshot[]
}

type Json = any

/** Commands and flags from the oclif manifest that `npm run build` writes. */
export function commandSnapshot(manifestPath = join(ROOT, 'oclif.manifest.json')): CommandSnapshot[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {commands: Record<string, Json>}
  return Object.values(manifest.commands)
    .map((c: Json) => ({
      command: String(c.id).replaceAll(':', ' '),
      args: Object.values(c.args ?? {}).map((a: Json) => ({name: a.name, required: Boolean(a.required)})),
      flags: Object.values(c.flags ?? {})
        .map((f: Json) => {
          const flag: FlagSnapshot = {name: f.name, type: f.type}
          if (f.char) flag.char = f.char
          if (f.multiple) flag.multiple = true
          if (f.required) flag.required = true
          if (f.options) flag.options = [...f.options]
          if (f.env) flag.env = f.env
          return flag
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => a.command.localeCompare(b.command))
}

/** `src/commands/dev/start.ts` → `dev start`; an `index.ts` names its folder. */
export function commandFiles(): {command: string; file: string}[] {
  const base = join(ROOT, 'src/commands')
  const found: {command: string; file: string}[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const parts = relative(base, path).replace(/\.ts$/, '').split('/')
        if (parts.at(-1) === 'index') parts.pop()
        found.push({command: parts.join(' '), file: path})
      }
    }
  }
  walk(base)
  return found.sort((a, b) => a.command.localeCompare(b.command))
}

export function schemaFile(command: string): string {
  return join(SCHEMA_DIR, `${command.replaceAll(' ', '-')}.json`)
}

/**
 * JSON Schemas of every command's `--json` result, read from the `R` of `EdgeCommand<typeof X, R>`
 * by the TypeScript checker. They describe what is printed, so bigints (printed as decimal strings)
 * become strings.
 */
export async function generateResultSchemas(): Promise<Map<string, Json>> {
  const TJS = await import('typescript-json-schema')
  const files = commandFiles()
  const dir = mkdtempSync(join(tmpdir(), 'edge-contract-'))
  const entry = join(dir, 'results.ts')
  const results = files.map((f, i) => `import type C${i} from ${JSON.stringify(f.file.replace(/\.ts$/, '.js'))}\nexport type Result${i} = ResultOf<typeof C${i}>`)
  // typescript-json-schema drops the value type of `Record<string, V>`. The definition's name
  // spells V as TypeScript, so V is exported by name and asked for in a further pass.
  const values: string[] = []
  try {
    for (let pass = 0; ; pass++) {
      writeFileSync(
        entry,
        [
          `type ResultOf<C> = C extends {prototype: {run(): Promise<infer R>}} ? R : never`,
          ...results,
          // A definition name spells a module by its path without extension, which ESM resolution needs.
          ...values.map((v, i) => `export type RecordValue${i} = ${v.replace(/import\("(\/[^"]+)"(,\{[^)]*\})?\)/g, 'import("$1.js")')}`),
        ].join('\n'),
      )
      const program = TJS.getProgramFromFiles([entry], {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        jsx: 'react-jsx',
        skipLibCheck: true,
        esModuleInterop: true,
        rootDir: '/',
      })
      const generator = TJS.buildGenerator(program, {required: true, noExtraProps: true, ignoreErrors: true})
      if (!generator) throw new Error('typescript-json-schema could not build a generator')
      const raw = files.map((_f, i) => generator.getSchemaForSymbol(`Result${i}`))
      const valueSchemas = values.map((_v, i) => generator.getSchemaForSymbol(`RecordValue${i}`))
      const found = new Set(values)
      for (const schema of [...raw, ...valueSchemas]) {
        for (const name of Object.keys(schema.definitions ?? {})) {
          const value = recordValueType(name)
          if (value !== undefined) found.add(value)
        }
      }
      if (found.size === values.length || pass === 4) {
        const byValue = new Map(values.map((v, i) => [v, valueSchemas[i]]))
        return new Map(
          files.map((f, i) => {
            const schema = tidy(withRecordValues(raw[i], byValue))
            schema.$comment = `edge ${f.command} --json: the "result" member. Generated by npm run contract:update; do not edit.`
            return [f.command, schema]
          }),
        )
      }
      values.splice(0, values.length, ...[...found].sort())
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

/** The JSON Schema of the error envelope, from `ErrorEnvelope` in src/base-command.ts (its exitCode: the exit-code table). */
export async function generateErrorSchema(): Promise<Json> {
  const TJS = await import('typescript-json-schema')
  const dir = mkdtempSync(join(tmpdir(), 'edge-contract-error-'))
  const entry = join(dir, 'error.ts')
  try {
    writeFileSync(entry, `import type {ErrorEnvelope} from ${JSON.stringify(join(ROOT, 'src/base-command.js'))}\nexport type Envelope = ErrorEnvelope\n`)
    const program = TJS.getProgramFromFiles([entry], {strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', jsx: 'react-jsx', skipLibCheck: true, esModuleInterop: true, rootDir: '/'})
    const generator = TJS.buildGenerator(program, {required: true, noExtraProps: true, ignoreErrors: true})
    if (!generator) throw new Error('typescript-json-schema could not build a generator')
    const schema = tidy(generator.getSchemaForSymbol('Envelope'))
    // `details` is each error's own facts (Record<string, unknown>): any members.
    for (const [name, def] of Object.entries(schema.definitions ?? {})) if (name.startsWith('Record<string,unknown>')) (def as Json).additionalProperties = true
    schema.$comment = 'edge COMMAND --json when it fails: {ok: false, error}. Generated by npm run contract:update; do not edit.'
    return schema
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

export function readCommittedErrorSchema(): Json | undefined {
  try {
    return JSON.parse(readFileSync(ERROR_SCHEMA_FILE, 'utf8'))
  } catch {
    return undefined
  }
}

/** `Record<string,V>` → `V` (as TypeScript text); undefined for any other definition name. */
function recordValueType(name: string): string | undefined {
  return /^Record<string,([\s\S]+)>$/.exec(name)?.[1]
}

/** Puts each record's value schema back, with the definitions it refers to. */
function withRecordValues(schema: Json, byValue: Map<string, Json>): Json {
  const definitions: Record<string, Json> = {...schema.definitions}
  for (let changed = true; changed; ) {
    changed = false
    for (const [name, def] of Object.entries(definitions)) {
      const value = recordValueType(name)
      const valueSchema = value === undefined ? undefined : byValue.get(value)
      if (!valueSchema || def.additionalProperties !== false) continue
      const {definitions: nested = {}, $schema: _ignored, ...rest} = valueSchema
      definitions[name] = {type: 'object', additionalProperties: rest}
      for (const [k, v] of Object.entries(nested)) {
        if (!(k in definitions)) definitions[k] = v
      }
      changed = true
    }
  }
  return {...schema, definitions}
}

/** Readable definition names, bigints as decimal strings, and records that keep their value type. */
function tidy(schema: Json): Json {
  const definitions: Record<string, Json> = schema.definitions ?? {}
  const rename = new Map<string, string>()
  const taken = new Set<string>()
  for (const name of Object.keys(definitions).sort()) {
    const short = name.replace(/import\("([^"]+)"(,\{[^)]*\})?\)\./g, (_m, path: string) => `${path.split('/').at(-1)}.`)
    let candidate = short.replace(/^[\w-]+\./, '')
    if (taken.has(candidate)) candidate = short
    taken.add(candidate)
    rename.set(name, candidate)
  }
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk)
    if (!node || typeof node !== 'object') return node
    if (node.type === 'number' && node.properties && Object.keys(node.properties).length === 0) {
      // How typescript-json-schema renders `bigint`; output.ts prints bigints as decimal strings. A shared field type
      // (src/protocol/json-fields.ts) may give its own pattern, the one its field name has in every command.
      const {description, pattern} = node
      return {type: 'string', pattern: typeof pattern === 'string' ? pattern : '^-?[0-9]+$', ...(description ? {description} : {})}
    }
    const out: Json = {}
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const old = decodeURIComponent(v.replace('#/definitions/', ''))
        out.$ref = `#/definitions/${rename.get(old) ?? old}`
      } else if (k === 'definitions') continue
      else out[k] = walk(v)
    }
    return out
  }
  const result = walk(schema)
  const defs: Record<string, Json> = {}
  for (const [old, value] of Object.entries(definitions)) {
    defs[rename.get(old)!] = walk(value)
  }
  if (Object.keys(defs).length > 0) {
    result.definitions = Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b)))
  }
  return result
}

export function readCommittedSchema(command: string): Json | undefined {
  try {
    return JSON.parse(readFileSync(schemaFile(command), 'utf8'))
  } catch {
    return undefined
  }
}

export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** Where the JSONL schemas live: one per streaming command, `any.json` for the others. */
export const EVENT_SCHEMA_DIR = join(CONTRACT_DIR, 'events')

export function eventSchemaFile(command: string): string {
  return join(EVENT_SCHEMA_DIR, `${command === '*' ? 'any' : command.replaceAll(' ', '-')}.json`)
}

/** JSON Schemas of the JSONL lines, from the `*Stream` types in streams.ts. */
export async function generateEventSchemas(): Promise<Map<string, Json>> {
  const TJS = await import('typescript-json-schema')
  const {STREAMS} = await import('./streams.js')
  const program = TJS.getProgramFromFiles([join(CONTRACT_DIR, 'streams.ts')], {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    jsx: 'react-jsx',
    skipLibCheck: true,
    esModuleInterop: true,
    rootDir: '/',
  })
  const generator = TJS.buildGenerator(program, {required: true, noExtraProps: true, ignoreErrors: true})
  if (!generator) throw new Error('typescript-json-schema could not build a generator')
  const schemas = new Map<string, Json>()
  for (const [command, type] of Object.entries(STREAMS)) {
    const schema = tidy(generator.getSchemaForSymbol(type))
    // The result member is checked against the command's --json result schema; details are each error's own facts.
    for (const [name, def] of Object.entries(schema.definitions ?? {})) if (name.startsWith('Record<string,unknown>')) (def as Json).additionalProperties = true
    schema.$comment = `${command === '*' ? 'edge COMMAND' : `edge ${command}`} --output jsonl: one line. Generated by npm run contract:update from test/contract/streams.ts; do not edit.`
    schemas.set(command, schema)
  }
  return schemas
}

export function readCommittedEventSchema(command: string): Json | undefined {
  try {
    return JSON.parse(readFileSync(eventSchemaFile(command), 'utf8'))
  } catch {
    return undefined
  }
}
