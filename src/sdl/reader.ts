import {isMap, isScalar, isSeq, type Scalar} from 'yaml'

import {type IssueOptions, type IssueSink, type RuleMode, schemaOnlyIssue} from './issues.js'
import {type MapEntry, type Path, scalarText, type SdlSource, type YNode} from './source.js'
import {editDistance} from '../lib/closest.js'

export type NodeKind = 'map' | 'seq' | 'null' | 'string' | 'number' | 'boolean' | 'other'

/**
 * Typed reads of YAML nodes that report what is wrong where, in sentences. Every reader returns
 * undefined after reporting, so callers simply skip what could not be read.
 */
export class Reader {
  constructor(
    readonly src: SdlSource,
    readonly issues: IssueSink,
    /**
     * `strict`: Akash's JSON schema and its Go parser (what Console and chain-sdk accept).
     * `go`: the Go parser alone; rules only the schema has become warnings.
     */
    readonly mode: RuleMode = 'strict',
  ) {}

  /** A rule only Akash's JSON schema has (the Go parser accepts): an error in strict mode, a warning otherwise. */
  schemaOnly(path: Path, code: string, message: string, options: IssueOptions = {}): void {
    schemaOnlyIssue(this.issues, this.mode, path, code, message, options)
  }

  kind(node: YNode): NodeKind {
    const n = this.src.deref(node)
    if (!n) return 'null'
    if (isMap(n)) return 'map'
    if (isSeq(n)) return 'seq'
    if (isScalar(n)) {
      const v = (n as Scalar).value
      if (v === null || v === undefined) return 'null'
      if (typeof v === 'string') return 'string'
      if (typeof v === 'number' || typeof v === 'bigint') return 'number'
      if (typeof v === 'boolean') return 'boolean'
    }
    return 'other'
  }

  /** "a list", "the number 3", "nothing", for "must be X, not Y" messages. */
  describe(node: YNode): string {
    const n = this.src.deref(node)
    switch (this.kind(n)) {
      case 'map':
        return 'a mapping'
      case 'seq':
        return 'a list'
      case 'null':
        return 'empty'
      case 'string':
        return `the text ${JSON.stringify(truncate(this.text(n)))}`
      case 'number':
        return `the number ${this.text(n)}`
      case 'boolean':
        return this.text(n)
      default:
        return 'an unsupported YAML value'
    }
  }

  /** Raw scalar text as Go's yaml.v3 sees it (`node.Value`). */
  text(node: YNode): string {
    const n = this.src.deref(node)
    if (n && isScalar(n)) return scalarText(n as Scalar)
    return ''
  }

  /** A scalar's typed value (string, number, boolean) or undefined. */
  value(node: YNode): unknown {
    const n = this.src.deref(node)
    if (n && isScalar(n)) return (n as Scalar).value
    return undefined
  }

  isNull(node: YNode): boolean {
    return this.kind(node) === 'null'
  }

  /**
   * A mapping with a closed set of fields. Unknown fields and missing required ones are reported;
   * the known entries come back.
   */
  map(
    node: YNode,
    path: Path,
    what: string,
    options: {
      allowed?: readonly string[]
      required?: readonly string[]
      /** Required by the schema only (the Go parser has a default). */
      schemaRequired?: readonly string[]
      /** Whose rule rejects unknown fields: Go's custom decoder ('go') or only the schema (default). */
      closedBy?: 'go' | 'schema'
      /** Optional fields that Go reads as absent when left empty (`key:` and nothing), which the schema does not allow. */
      emptyAsAbsent?: readonly string[]
      hints?: Record<string, string>
    } = {},
  ): MapEntry[] | undefined {
    if (this.kind(node) !== 'map') {
      this.issues.error(path, 'wrong-type', `${what} must be a mapping of "key: value" pairs, not ${this.describe(node)}.`, {
        hint: options.allowed ? `Expected fields: ${options.allowed.join(', ')}.` : undefined,
      })
      return undefined
    }
    const entries = this.src.entries(node)
    const out: MapEntry[] = []
    for (const entry of entries) {
      if (options.allowed && !options.allowed.includes(entry.key)) {
        this.unknownField([...path, entry.key], entry.key, what, options.allowed, options.hints, options.closedBy ?? 'schema')
        continue
      }
      if (options.emptyAsAbsent?.includes(entry.key) && this.isNull(entry.value)) {
        this.schemaOnly([...path, entry.key], 'empty-field', `${what}.${entry.key} is empty.`, {
          at: 'key',
          hint: `Give "${entry.key}" a value or remove the line.`,
        })
        continue
      }
      out.push(entry)
    }
    for (const req of [...(options.required ?? []), ...(options.schemaRequired ?? [])]) {
      const entry = entries.find((e) => e.key === req)
      if (!entry) {
        const message = `${what} has no "${req}" field, which is required.`
        const opts = {at: 'key' as const, hint: REQUIRED_HINTS[req]}
        if (options.schemaRequired?.includes(req)) this.schemaOnly([...path, req], 'missing-field', message, opts)
        else this.issues.error([...path, req], 'missing-field', message, opts)
      }
    }
    return out
  }

  /** A mapping whose keys are names (services, profiles): any key, values read by the caller. */
  named(node: YNode, path: Path, what: string): MapEntry[] | undefined {
    if (this.kind(node) !== 'map') {
      this.issues.error(path, 'wrong-type', `${what} must be a mapping of names to definitions, not ${this.describe(node)}.`)
      return undefined
    }
    return this.src.entries(node)
  }

  /** A list; `nullable` lets an empty value stand for an empty list. */
  seq(node: YNode, path: Path, what: string, options: {nullable?: boolean} = {}): YNode[] | undefined {
    const kind = this.kind(node)
    if (kind === 'null' && options.nullable) return []
    if (kind !== 'seq') {
      const single = kind === 'string' || kind === 'number'
      this.issues.error(path, 'wrong-type', `${what} must be a list, not ${this.describe(node)}.`, {
        hint: single ? `Write it as a list: [${this.text(node)}] or one "- item" per line.` : undefined,
      })
      return undefined
    }
    return this.src.items(node)
  }

  /**
   * A string field. Go's decoder turns any scalar into its text (and null into ""), the schema
   * wants a YAML string: a number or boolean here is a schema-only finding and reads as its text.
   */
  string(
    node: YNode,
    path: Path,
    what: string,
    options: {minLength?: number; minLengthSchemaOnly?: boolean; enum?: readonly string[]; enumSchemaOnly?: boolean; enumHint?: string} = {},
  ): string | undefined {
    const kind = this.kind(node)
    let s: string
    if (kind === 'string') {
      s = this.value(node) as string
    } else if (kind === 'number' || kind === 'boolean' || kind === 'null') {
      this.schemaOnly(path, 'wrong-type', `${what} must be text, not ${this.describe(node)}.`, {
        hint: kind === 'null' ? 'Give it a value.' : `Put it in quotes: "${this.text(node)}".`,
      })
      s = kind === 'null' ? '' : this.text(node)
    } else {
      this.issues.error(path, 'wrong-type', `${what} must be text, not ${this.describe(node)}.`)
      return undefined
    }
    if (options.minLength !== undefined && s.length < options.minLength) {
      const message =
        options.minLength === 1 ? `${what} must not be empty.` : `${what} must be at least ${options.minLength} characters long.`
      if (options.minLengthSchemaOnly) this.schemaOnly(path, 'too-short', message)
      else {
        this.issues.error(path, 'too-short', message)
        return undefined
      }
    }
    if (options.enum && !options.enum.includes(s)) {
      const message = `${what} is ${JSON.stringify(s)}, which is not one of: ${options.enum.join(', ')}.`
      const hint = options.enumHint ?? suggest(s, options.enum)
      if (options.enumSchemaOnly) this.schemaOnly(path, 'bad-value', message, {hint})
      else {
        this.issues.error(path, 'bad-value', message, {hint})
        return undefined
      }
    }
    return s
  }

  /** A JSON-schema "integer" (a YAML number with no fractional part) within bounds. */
  integer(node: YNode, path: Path, what: string, options: {min?: number; max?: number; hint?: string} = {}): number | undefined {
    const v = this.value(node)
    const kind = this.kind(node)
    if (kind !== 'number' || !Number.isInteger(Number(v))) {
      const quoted = kind === 'string' && /^\d+$/.test(String(v))
      this.issues.error(path, 'wrong-type', `${what} must be a whole number, not ${this.describe(node)}.`, {
        hint: quoted ? `Remove the quotes: ${String(v)}.` : options.hint,
      })
      return undefined
    }
    const n = Number(v)
    if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
      const both = options.min !== undefined && options.max !== undefined && options.max <= 1_000_000
      const range = both
        ? `between ${options.min} and ${options.max}`
        : options.min !== undefined && n < options.min
          ? `at least ${options.min}`
          : `at most ${options.max}`
      this.issues.error(path, 'out-of-range', `${what} is ${n}, but it must be ${range}.`, {hint: options.hint})
      return undefined
    }
    return n
  }

  bool(node: YNode, path: Path, what: string): boolean | undefined {
    if (this.kind(node) !== 'boolean') {
      const t = this.text(node).toLowerCase()
      const looksBool = ['yes', 'no', 'on', 'off', 'true', 'false'].includes(t)
      this.issues.error(path, 'wrong-type', `${what} must be true or false, not ${this.describe(node)}.`, {
        hint: looksBool ? `Write ${['yes', 'on', 'true'].includes(t) ? 'true' : 'false'} without quotes.` : undefined,
      })
      return undefined
    }
    return this.value(node) as boolean
  }

  /** A list of strings (or null when `nullable`). */
  strings(node: YNode, path: Path, what: string, options: {nullable?: boolean} = {}): string[] | null | undefined {
    if (options.nullable && this.isNull(node)) return null
    const items = this.seq(node, path, what)
    if (!items) return undefined
    const out: string[] = []
    let ok = true
    items.forEach((item, i) => {
      const s = this.string(item, [...path, i], `Each entry of ${lowerFirst(what)}`)
      if (s === undefined) ok = false
      else out.push(s)
    })
    return ok ? out : undefined
  }

  private unknownField(
    path: Path,
    key: string,
    what: string,
    allowed: readonly string[],
    hints: Record<string, string> | undefined,
    closedBy: 'go' | 'schema',
  ): void {
    const hint =
      hints?.[key] ??
      COMPOSE_HINTS[key] ??
      (suggest(key, allowed) || `${what} accepts: ${allowed.join(', ')}. Remove "${key}" or fix its indentation.`)
    const message = `${what} has an unknown field "${key}".`
    if (closedBy === 'go') this.issues.error(path, 'unknown-field', message, {at: 'key', hint})
    else this.schemaOnly(path, 'unknown-field', message, {at: 'key', hint})
  }
}

/** Docker Compose habits people bring to SDL, and what SDL has instead. */
const COMPOSE_HINTS: Record<string, string> = {
  depends_on: 'SDL has no depends_on: all services of a deployment start together. Remove it and make the service retry its connections.',
  'depends-on': 'SDL has no depends-on: all services of a deployment start together. Remove it and make the service retry its connections.',
  restart: 'Akash always restarts a container that exits; remove "restart".',
  volumes:
    'Declare the volume under profiles.compute.<profile>.resources.storage (with a name) and mount it with services.<name>.params.storage.<volume>.mount.',
  ports: 'Use expose: - port: 80, as: 80, to: [{global: true}].',
  environment: 'Use env: a list of "KEY=value" strings.',
  cmd: 'Use command: (the entrypoint, a list) and args: (its arguments).',
  entrypoint: 'Use command: (a list) for the entrypoint.',
  links: 'Services reach each other by name when one exposes a port with to: [{service: <name>}]; remove "links".',
  container_name: 'The container name comes from the service name; remove it.',
  hostname: 'The hostname comes from the service name; remove it.',
  networks: 'All services of a deployment share one network; remove it.',
  build: 'Akash runs images from a registry; build and push the image, then set image: to it.',
  healthcheck: 'SDL has no health checks; remove it.',
  deploy: 'Replicas and resources go in the deployment: and profiles: sections; remove it.',
}

const REQUIRED_HINTS: Record<string, string> = {
  version: 'Add version: "2.0" at the top of the file.',
  image: 'Add image: <registry/name:tag>, e.g. image: nginx:1.27.',
  services: 'Add a services: section naming the containers to run.',
  profiles: 'Add a profiles: section with compute: (resources) and placement: (where and at what price).',
  deployment: 'Add a deployment: section mapping each service to a placement, a compute profile and a count.',
  pricing: 'Add pricing: <profile>: {denom: uact, amount: <per-block price>} for each compute profile placed here.',
  units: 'Add units: (e.g. 0.5 for half a CPU, or 500m).',
  size: 'Add size: (e.g. 512Mi or 1Gi).',
  cpu: 'Add cpu: {units: 0.5}.',
  memory: 'Add memory: {size: 512Mi}.',
  storage: 'Add storage: {size: 1Gi}.',
  resources: 'Add resources: with cpu, memory and storage.',
  profile: 'Name the compute profile this service runs with: profile: <name>.',
  count: 'Say how many instances to run: count: 1.',
  denom: 'Add denom: uact.',
  amount: 'Add amount: the most you pay per block, in the denom (e.g. 1000).',
  kind: 'Add kind: ip.',
  min_window: 'Add min_window: e.g. "24h".',
  host: 'Add host: the registry host, e.g. docker.io or ghcr.io.',
  username: 'Add username: the registry user.',
  password: 'Add password: the registry password or token.',
  class: 'Storage attributes need both class: (beta1, beta2, beta3 or ram) and persistent:.',
  persistent: 'Storage attributes need both class: and persistent: (true for beta1/beta2/beta3/default, false for ram).',
}

export function lowerFirst(s: string): string {
  return s.length > 0 && /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** "Did you mean …?" for near misses (edit distance ≤ 2, ignoring case). */
export function suggest(input: string, options: readonly string[]): string {
  let best: string | undefined
  let bestDistance = 3
  for (const option of options) {
    const d = editDistance(input.toLowerCase(), option.toLowerCase())
    if (d < bestDistance) {
      best = option
      bestDistance = d
    }
  }
  return best ? `Did you mean "${best}"?` : ''
}
