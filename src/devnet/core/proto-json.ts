import type {ProtoCodec} from '../types.js'
import {lookupCodec, lookupEnumZero} from './type-registry.js'

/**
 * Proto-JSON as the Cosmos SDK writes it (gogoproto jsonpb with `OrigName` and `EmitDefaults`):
 * the REST gateway's responses and typed events' attribute values.
 *
 * ts-proto's `toJSON` already gets names (snake_case), int64 strings, enum names and base64
 * right, but it drops default values, leaves `google.protobuf.Any` as `{type_url, value}` and
 * prints LegacyDec amounts as cosmjs decimals ("1.5" where the chain says
 * "1.500000000000000000"). The codecs carry no field metadata, so the shape of each message is
 * learnt once by probing the codec itself (fromPartial/toJSON/encode) and cached.
 */

type Field =
  | {kind: 'scalar'; name: string; json: string; zero: unknown}
  | {kind: 'dec'; name: string; json: string}
  | {kind: 'enum'; name: string; json: string; zero: string | undefined}
  | {kind: 'message'; name: string; json: string; schema: Schema}
  | {kind: 'duration'; name: string; json: string}
  | {kind: 'messages'; name: string; json: string; schema: Schema}
  | {kind: 'any'; name: string; json: string}
  | {kind: 'anys'; name: string; json: string}
  | {kind: 'nullable'; name: string; json: string}
  | {kind: 'list'; name: string; json: string}
  | {kind: 'map'; name: string; json: string}

interface Schema {
  fields: Field[]
}

type PathStep = string | 0

const MAX_DEPTH = 8
const schemas = new WeakMap<object, Schema>()

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date)
}

function nest(path: PathStep[], leaf: unknown): unknown {
  let value = leaf
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i]
    value = step === 0 ? [value] : {[step]: value}
  }
  return value
}

function at(object: unknown, path: PathStep[]): unknown {
  let value = object
  for (const step of path) {
    if (value === undefined || value === null) return undefined
    value = (value as Record<string | number, unknown>)[step]
  }
  return value
}

function schemaOf(codec: ProtoCodec): Schema {
  let schema = schemas.get(codec)
  if (!schema) {
    schema = probe(codec, [], [], 0)
    schemas.set(codec, schema)
  }
  return schema
}

/**
 * Learns the fields of the message at `path` (field names) under `root`; `jsonPath` is the same
 * path in toJSON's output (JSON names), where the probes' results are read back.
 */
function probe(root: ProtoCodec, path: PathStep[], jsonPath: PathStep[], depth: number): Schema {
  const base = at(root.fromPartial(nest(path, {})), path)
  if (!isPlainObject(base)) return {fields: []}
  const jsonAt = (value: unknown) => at(root.toJSON(root.fromPartial(nest(path, value))), jsonPath) as Record<string, unknown> | undefined
  const baseJson = jsonAt({}) ?? {}
  const fields: Field[] = []
  for (const [name, value] of Object.entries(base)) {
    const here = [...path, name]
    const shown = (probeValue: unknown): [string | undefined, unknown] => {
      const json = jsonAt({[name]: probeValue})
      const key = json && Object.keys(json).find((k) => !(k in baseJson))
      return [key, key === undefined ? undefined : json![key]]
    }
    const jsonKey = (probeValue: unknown): string => shown(probeValue)[0] ?? snake(name)
    try {
      if (Array.isArray(value)) {
        const probeObject = {}
        const element = at(root.fromPartial(nest([...here, 0], probeObject)), [...here, 0])
        if (isPlainObject(element) && element !== probeObject && Object.keys(element).length > 0) {
          const json = jsonKey([{}])
          if (isAnyShape(element)) fields.push({kind: 'anys', name, json})
          else fields.push({kind: 'messages', name, json, schema: depth < MAX_DEPTH ? probe(root, [...here, 0], [...jsonPath, json, 0], depth + 1) : {fields: []}})
        } else fields.push({kind: 'list', name, json: jsonKey(['1'])})
      } else if (value === undefined) {
        const probeObject = {}
        const made = at(root.fromPartial(nest(here, probeObject)), here)
        if (isPlainObject(made) && made !== probeObject) {
          const json = jsonKey({})
          if (isAnyShape(made)) fields.push({kind: 'any', name, json})
          else {
            const schema = depth < MAX_DEPTH ? probe(root, here, [...jsonPath, json], depth + 1) : {fields: []}
            fields.push(isDurationShape(schema) ? {kind: 'duration', name, json} : {kind: 'message', name, json, schema})
          }
        } else fields.push({kind: 'nullable', name, json: jsonKey(new Date(0))})
      } else if (typeof value === 'bigint') {
        fields.push({kind: 'scalar', name, json: jsonKey(1n), zero: '0'})
      } else if (value instanceof Uint8Array) {
        fields.push({kind: 'scalar', name, json: jsonKey(new Uint8Array([1])), zero: null})
      } else if (typeof value === 'string') {
        fields.push(isLegacyDec(root, here) ? {kind: 'dec', name, json: jsonKey('7')} : {kind: 'scalar', name, json: jsonKey('x'), zero: ''})
      } else if (typeof value === 'boolean') {
        fields.push({kind: 'scalar', name, json: jsonKey(true), zero: false})
      } else if (typeof value === 'number') {
        const [key, one] = shown(1)
        if (typeof one === 'string') {
          const [, two] = shown(2)
          fields.push({kind: 'enum', name, json: key!, zero: lookupEnumZero(one, two as string | undefined)})
        } else fields.push({kind: 'scalar', name, json: key ?? snake(name), zero: 0})
      } else if (isPlainObject(value)) {
        fields.push({kind: 'map', name, json: jsonKey({a: '1'})})
      }
    } catch {
      // A probe the codec rejects: fall back to what toJSON prints for this field.
      fields.push({kind: 'nullable', name, json: snake(name)})
    }
  }
  return {fields}
}

/** ts-proto keeps google.protobuf.Duration as a message `{seconds, nanos}` (Timestamps are Dates). */
function isDurationShape(schema: Schema): boolean {
  const names = schema.fields.map((f) => `${f.name}:${f.kind}`).sort()
  return names.length === 2 && names[0] === 'nanos:scalar' && names[1] === 'seconds:scalar'
}

/** A Duration as jsonpb prints it: seconds with up to nine fractional digits and "s" ("5s", "1.5s"). */
export function formatDuration(value: {seconds: bigint | number | string; nanos: number}): string {
  const seconds = BigInt(value.seconds)
  const nanos = value.nanos ?? 0
  const negative = seconds < 0n || nanos < 0
  const whole = (seconds < 0n ? -seconds : seconds).toString()
  const fraction = nanos === 0 ? '' : `.${String(Math.abs(nanos)).padStart(9, '0').replace(/0+$/, '')}`
  return `${negative ? '-' : ''}${whole}${fraction}s`
}

/** A Timestamp as jsonpb prints it: RFC 3339 in UTC, fractional seconds only when not zero. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z')
}

function isAnyShape(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value)
  return keys.length === 2 && keys.includes('typeUrl') && keys.includes('value')
}

/** chain-sdk's LegacyDec patch scales a decimal string by 10^18 on the wire: look for that. */
function isLegacyDec(root: ProtoCodec, path: PathStep[]): boolean {
  try {
    const bytes = root.encode(root.fromPartial(nest(path, '7'))).finish()
    return Buffer.from(bytes).includes('7000000000000000000')
  } catch {
    return false
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

/** A LegacyDec as the chain prints it in JSON: always 18 fractional digits. */
export function formatLegacyDec(value: string): string {
  if (value === '') return value
  const negative = value.startsWith('-')
  const digits = negative ? value.slice(1) : value
  const [whole, fraction = ''] = digits.split('.')
  return `${negative ? '-' : ''}${whole || '0'}.${fraction.padEnd(18, '0').slice(0, 18)}`
}

/**
 * Shapes a gateway request built from query parameters for `codec.fromJSON`: a single value
 * given for a repeated field becomes a one-element list (ts-proto ignores non-arrays there).
 */
export function coerceRequestJson(codec: ProtoCodec, json: Record<string, unknown>): Record<string, unknown> {
  return coerce(schemaOf(codec), json)
}

function coerce(schema: Schema, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...json}
  for (const field of schema.fields) {
    const value = out[field.json]
    if (value === undefined) continue
    if ((field.kind === 'list' || field.kind === 'messages' || field.kind === 'anys') && !Array.isArray(value)) out[field.json] = [value]
    else if (field.kind === 'message' && isPlainObject(value)) out[field.json] = coerce(field.schema, value)
  }
  return out
}

/** `message` (decoded with `codec`) as the Cosmos gateway renders it. */
export function toProtoJson(codec: ProtoCodec, message: unknown): Record<string, unknown> {
  return render(schemaOf(codec), message as Record<string, unknown>, codec.toJSON(message) as Record<string, unknown>)
}

function render(schema: Schema, message: Record<string, unknown> | undefined, json: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const known = new Set<string>()
  for (const field of schema.fields) {
    known.add(field.json)
    const value = json?.[field.json]
    const raw = message?.[field.name]
    switch (field.kind) {
      case 'scalar':
        out[field.json] = value ?? field.zero
        break
      case 'dec':
        out[field.json] = typeof value === 'string' ? formatLegacyDec(value) : ''
        break
      case 'enum':
        out[field.json] = value ?? field.zero ?? 0
        break
      case 'message':
        out[field.json] = raw === undefined || raw === null ? null : render(field.schema, raw as Record<string, unknown>, value as Record<string, unknown>)
        break
      case 'messages':
        out[field.json] = ((raw as unknown[] | undefined) ?? []).map((item, i) =>
          render(field.schema, item as Record<string, unknown>, (value as unknown[] | undefined)?.[i] as Record<string, unknown>),
        )
        break
      case 'any':
        out[field.json] = raw ? renderAny(raw as AnyValue) : null
        break
      case 'anys':
        out[field.json] = ((raw as AnyValue[] | undefined) ?? []).map(renderAny)
        break
      case 'list':
        out[field.json] = value ?? []
        break
      case 'map':
        out[field.json] = value ?? {}
        break
      case 'duration':
        out[field.json] = raw === undefined || raw === null ? null : formatDuration(raw as {seconds: bigint; nanos: number})
        break
      case 'nullable':
        out[field.json] = raw instanceof Date ? formatTimestamp(raw) : (value ?? null)
        break
    }
  }
  // Anything the probe did not see (should not happen) is kept as toJSON printed it.
  for (const [key, value] of Object.entries(json ?? {})) if (!known.has(key)) out[key] = value
  return out
}

interface AnyValue {
  typeUrl: string
  value: Uint8Array
}

/** An Any as jsonpb prints it: `{"@type": url, ...fields}`. */
export function renderAny(any: AnyValue): Record<string, unknown> {
  const codec = lookupCodec(any.typeUrl)
  if (!codec) return {'@type': any.typeUrl, value: Buffer.from(any.value).toString('base64')}
  return {'@type': any.typeUrl, ...toProtoJson(codec, codec.decode(any.value))}
}
