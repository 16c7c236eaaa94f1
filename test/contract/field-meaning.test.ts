import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EVENT_SCHEMA_DIR, SCHEMA_DIR} from './contract.js'

type Schema = Record<string, unknown>

/** Where one field name was seen, and what it meant there. */
interface FieldUse {
  where: string
  shape: string
  description?: string
}

/**
 * Field names that mean different things on purpose, each with why. Keep it short: a new entry is a name a
 * script reading two commands' `--json` has to treat differently, so prefer renaming the field.
 */
const ALLOWED_DIFFERENCES: Record<string, string> = {
  // Different things that happen to share a short name, in different contexts.
  attestation: 'SDL tee.attestation (a switch) vs a receipt summary line',
  gpu: 'a bid\'s GPU model vs the provider\'s GPU utilisation percentage',
  id: 'an SDL resource id vs a run id',
  kind: 'Kubernetes object kinds vs the manifest endpoint kind enum (as Akash\'s manifest has it)',
  line: 'a line number in SDL diagnostics vs a log line',
  price: 'a price as text vs the price weight of a bid score',
  ready: 'a count of ready replicas vs a ready flag in events',
  running: 'dev: a flag; provide: a flag or what is running',
  selected: 'a flag on a network vs the network selected after removing one',
  status: 'a status word vs an HTTP status in provider events',
  value: 'attribute values vs score terms',
}

/**
 * Same-named values whose doc comments are worded for their own result. Each says the same thing or names a
 * different thing of the same shape; either way a reader of the schema is told what this one is.
 */
const DESCRIPTIONS_MAY_DIFFER: Record<string, string> = {
  deadline: 'the same ISO deadline, told from the tenant\'s and the provider\'s side',
  elapsedMs: 'milliseconds of a step vs of the whole screening',
  image: 'an image reference: as the SDL wrote it (receipt) vs as the provider created the container from (status)',
  lease: 'a lease state in ls vs a lease name in provider events',
  maxUsdPerHour: 'the same cap; the events text documents only its null',
  message: 'one sentence, for a warning or an event',
  path: 'a YAML path vs a template file path',
  reason: 'why, for each kind of thing that has a reason',
  service: 'a service name, worded for init and templates',
  state: 'the state of the thing each result is about',
  usd: 'USD values; each comment documents its null',
  usdPerHour: 'USD per hour; each comment documents its null',
}

/** Shapes of plain values (not objects, arrays or unions). */
const SCALAR = /^(string|number|boolean|integer)( |$)/

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema
  let node: unknown = root
  for (const part of ref.slice(2).split('/')) node = (node as Schema)[decodeURIComponent(part)]
  return resolve(node as Schema, root)
}

/** What a value of this schema looks like, without its enum or children: type, format and pattern. */
function shapeOf(raw: Schema, root: Schema): string {
  const schema = resolve(raw, root)
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
  if (alternatives) {
    const shapes = [...new Set(alternatives.map((a) => shapeOf(a, root)).filter((s) => s !== 'null' && s !== ''))].sort()
    return shapes.join(' | ')
  }
  const types = ([] as unknown[]).concat(schema.type ?? (schema.const === undefined ? 'any' : typeof schema.const)).filter((t) => t !== 'null')
  const type = types.map(String).sort().join('|')
  if (type === 'array') return `array of ${schema.items ? shapeOf(schema.items as Schema, root) : 'any'}`
  const format = schema.format ? ` format=${String(schema.format)}` : ''
  const pattern = schema.pattern ? ` pattern=${String(schema.pattern)}` : ''
  return `${type}${format}${pattern}`
}

/** Every named property anywhere in a schema, with the path it was found at. */
function collectFields(schema: Schema, root: Schema, path: string, out: Map<string, FieldUse[]>, seen = new Set<Schema>()): void {
  const node = resolve(schema, root)
  if (seen.has(node)) return
  seen.add(node)
  const properties = node.properties as Record<string, Schema> | undefined
  for (const [name, prop] of Object.entries(properties ?? {})) {
    const resolved = resolve(prop, root)
    const description = (prop.description ?? resolved.description) as string | undefined
    const uses = out.get(name) ?? []
    uses.push({where: `${path}.${name}`, shape: shapeOf(prop, root), ...(description ? {description} : {})})
    out.set(name, uses)
    collectFields(prop, root, `${path}.${name}`, out, seen)
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = node[key]
    if (child && typeof child === 'object') collectFields(child as Schema, root, `${path}[]`, out, seen)
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const child of (node[key] as Schema[] | undefined) ?? []) collectFields(child, root, path, out, seen)
}

function allFields(): Map<string, FieldUse[]> {
  const out = new Map<string, FieldUse[]>()
  for (const [dir, label] of [[SCHEMA_DIR, ''], [EVENT_SCHEMA_DIR, ' (events)']] as const) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const root = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Schema
      collectFields(root, root, `${file.replace(/\.json$/, '')}${label}`, out)
    }
  }
  return out
}

/** Same-named fields whose shapes, or whose descriptions where both have one, disagree. */
export function fieldMeaningConflicts(fields: Map<string, FieldUse[]>, allowed: Record<string, string> = ALLOWED_DIFFERENCES): string[] {
  const conflicts: string[] = []
  for (const [name, uses] of [...fields].sort(([a], [b]) => a.localeCompare(b))) {
    if (name in allowed) continue
    const shapes = new Map<string, string[]>()
    // Only values are compared: a name that holds an object in one place and a number in another cannot be misread.
    for (const u of uses.filter((use) => SCALAR.test(use.shape))) shapes.set(u.shape, [...(shapes.get(u.shape) ?? []), u.where])
    if (shapes.size > 1) {
      conflicts.push(`${name}: ${[...shapes].map(([shape, where]) => `${shape} in ${where.slice(0, 3).join(', ')}${where.length > 3 ? ` (+${where.length - 3} more)` : ''}`).join('; ')}`)
    }
    // Where two results document a same-named value, they must document the same meaning.
    const described = new Map<string, string>()
    for (const u of uses) if (u.description && SCALAR.test(u.shape) && !described.has(u.description)) described.set(u.description, u.where)
    if (described.size > 1 && !(name in DESCRIPTIONS_MAY_DIFFER)) conflicts.push(`${name}: described differently: ${[...described].map(([d, where]) => `${where}: "${d}"`).join('; ')}`)
  }
  return conflicts
}

describe('field names across the --json contract', () => {
  it('mean one thing: the same name has the same type, format and pattern in every command and event', () => {
    const conflicts = fieldMeaningConflicts(allFields())
    expect(conflicts, `Fields named alike but shaped differently:\n${conflicts.join('\n')}\nRename one (e.g. perBlockScaled), or add a commented entry to ALLOWED_DIFFERENCES.`).toEqual([])
  })

  it('would catch perBlock as a decimal in one command and a scaled integer in another', () => {
    const fields = new Map<string, FieldUse[]>([['perBlock', [
      {where: 'deploy.price.perBlock', shape: 'string'},
      {where: 'ls[].perBlock', shape: 'string pattern=^-?[0-9]+$'},
    ]]])
    expect(fieldMeaningConflicts(fields, {})).toHaveLength(1)
  })
})
