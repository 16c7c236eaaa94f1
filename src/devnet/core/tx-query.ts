import type {AbciEvent} from '../types.js'

export type QueryOp = '=' | '<' | '<=' | '>' | '>=' | 'CONTAINS' | 'EXISTS'

export interface QueryCondition {
  /** `type.attribute`, e.g. `message.sender`, `tx.height`, `tm.event`. */
  key: string
  op: QueryOp
  value?: string | number
}

/** A parsed CometBFT query: every condition must hold (CometBFT queries only know AND). */
export type TxQuery = QueryCondition[]

export class QueryParseError extends Error {}

const TOKEN = /\s*(?:(AND)\b|(CONTAINS|EXISTS)\b|(<=|>=|=|<|>)|'((?:[^'\\]|\\.)*)'|(TIME|DATE)\s+(\S+)|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w.\-/]*))/y

/** Parses `tm.event='Tx' AND message.sender='akash1…' AND tx.height>=5`. */
export function parseQuery(text: string): TxQuery {
  const tokens: Array<{kind: 'and' | 'op' | 'str' | 'num' | 'key'; text: string}> = []
  const src = text.trim()
  let pos = 0
  while (pos < src.length) {
    TOKEN.lastIndex = pos
    const m = TOKEN.exec(src)
    if (!m) throw new QueryParseError(`cannot parse query at "${src.slice(pos)}"`)
    pos = TOKEN.lastIndex
    if (m[1]) tokens.push({kind: 'and', text: m[1]})
    else if (m[2]) tokens.push({kind: 'op', text: m[2]})
    else if (m[3]) tokens.push({kind: 'op', text: m[3]})
    else if (m[4] !== undefined) tokens.push({kind: 'str', text: m[4].replace(/\\(.)/g, '$1')})
    else if (m[5]) tokens.push({kind: 'str', text: m[6]})
    else if (m[7]) tokens.push({kind: 'num', text: m[7]})
    else if (m[8]) tokens.push({kind: 'key', text: m[8]})
    while (pos < src.length && /\s/.test(src[pos])) pos++
  }
  const conditions: TxQuery = []
  let i = 0
  while (i < tokens.length) {
    const key = tokens[i++]
    if (key?.kind !== 'key') throw new QueryParseError(`expected an attribute name in query "${text}"`)
    const op = tokens[i++]
    if (op?.kind !== 'op') throw new QueryParseError(`expected an operator after ${key.text} in query "${text}"`)
    if (op.text === 'EXISTS') conditions.push({key: key.text, op: 'EXISTS'})
    else {
      const value = tokens[i++]
      if (!value || (value.kind !== 'str' && value.kind !== 'num'))
        throw new QueryParseError(`expected a value after ${key.text} ${op.text} in query "${text}"`)
      conditions.push({key: key.text, op: op.text as QueryOp, value: value.kind === 'num' ? Number(value.text) : value.text})
    }
    if (i < tokens.length) {
      if (tokens[i].kind !== 'and') throw new QueryParseError(`expected AND in query "${text}"`)
      i++
    }
  }
  if (conditions.length === 0) throw new QueryParseError('empty query')
  return conditions
}

/**
 * Whether a set of events (plus the implicit `tm.event`, `tx.hash`, `tx.height`) satisfies a
 * query: used by websocket subscriptions.
 */
export function matchesQuery(query: TxQuery, implicit: Record<string, string>, events: AbciEvent[]): boolean {
  return query.every((c) => {
    const values: string[] = []
    if (c.key in implicit) values.push(implicit[c.key])
    for (const e of events) {
      for (const a of e.attributes) if (`${e.type}.${a.key}` === c.key) values.push(a.value)
    }
    return values.some((v) => compare(c, v))
  })
}

function compare(c: QueryCondition, actual: string): boolean {
  switch (c.op) {
    case 'EXISTS':
      return true
    case 'CONTAINS':
      return actual.includes(String(c.value))
    case '=':
      return typeof c.value === 'number' ? Number(actual) === c.value : actual === c.value
    default: {
      const a = typeof c.value === 'number' ? Number(actual) : actual
      const b = c.value as number | string
      if (c.op === '<') return a < b
      if (c.op === '<=') return a <= b
      if (c.op === '>') return a > b
      return a >= b
    }
  }
}
