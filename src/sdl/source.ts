import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml'

import type {SdlIssue} from './types.js'

/** One step of a YAML path: a mapping key or a sequence index. */
export type PathSeg = string | number
export type Path = readonly PathSeg[]

/** `services.web.expose[0].port`; keys that are not plain identifiers are quoted: `a["x.y"]`. */
export function formatPath(path: Path): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

export interface Position {
  line: number
  column: number
}

/** A YAML node as the parser gives it, with aliases still in place. */
export type YNode = Node | null | undefined

/** Follows aliases (`*anchor`) to the node they name. */
export function deref(doc: Document, node: YNode): YNode {
  let n = node
  for (let i = 0; i < 64 && n && isAlias(n); i++) n = n.resolve(doc) as YNode
  return n
}

export interface MapEntry {
  key: string
  keyNode: Scalar | undefined
  value: YNode
}

/**
 * The parsed file: the YAML document plus the line table, so any path can be turned into a
 * file:line:column. Positions come from the node where the problem is; a path that does not exist
 * (a missing field) points at the nearest ancestor that does.
 */
export class SdlSource {
  readonly text: string
  readonly file?: string
  readonly doc: Document
  private readonly lines: LineCounter

  private constructor(text: string, file: string | undefined, doc: Document, lines: LineCounter) {
    this.text = text
    this.file = file
    this.doc = doc
    this.lines = lines
  }

  /** Parses YAML; syntax problems come back as issues (the source is still usable for positions). */
  static parse(text: string, file?: string): {source: SdlSource; issues: SdlIssue[]} {
    const lines = new LineCounter()
    // merge: Go's yaml.v3 honours `<<` merge keys, so we do too.
    const docs = parseAllDocuments(text, {lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true})
    const list = Array.isArray(docs) ? docs : []
    // Nothing but comments or whitespace: an empty document, reported by the decoder.
    const doc = list[0] ?? parseDocument('')
    const source = new SdlSource(text, file, doc as Document, lines)
    const issues: SdlIssue[] = []
    if (!Array.isArray(docs)) return {source, issues}
    for (const err of doc?.errors ?? []) {
      const [start] = err.pos
      const pos = source.positionAt(start)
      issues.push({
        severity: 'error',
        code: 'yaml-syntax',
        message: `The file is not valid YAML: ${cleanYamlMessage(err.message)}`,
        hint: yamlHint(err.code),
        path: '',
        file,
        ...pos,
      })
    }
    if (list.length > 1 && list.slice(1).some((d) => d.contents !== null)) {
      const second = list[1]
      const pos = source.positionAt(second.range?.[0] ?? 0)
      issues.push({
        severity: 'warning',
        code: 'multiple-documents',
        message: 'The file holds more than one YAML document; only the first is read, as Akash does.',
        hint: 'Remove the extra `---` document or move it to its own file.',
        path: '',
        file,
        ...pos,
      })
    }
    return {source, issues}
  }

  get root(): YNode {
    return this.doc.contents as YNode
  }

  deref(node: YNode): YNode {
    return deref(this.doc, node)
  }

  positionAt(offset: number): Position {
    const p = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)))
    return {line: p.line, column: p.col}
  }

  nodePosition(node: YNode): Position | undefined {
    if (!node?.range) return undefined
    return this.positionAt(node.range[0])
  }

  /** The entries of a mapping node in file order, with merge keys (`<<: *base`) expanded. */
  entries(node: YNode): MapEntry[] {
    const map = this.deref(node)
    if (!map || !isMap(map)) return []
    const own: MapEntry[] = []
    const merged: MapEntry[] = []
    for (const pair of (map as YAMLMap).items) {
      if (!isPair(pair)) continue
      const keyNode = isScalar(pair.key) ? (pair.key as Scalar) : undefined
      const key = keyNode ? scalarText(keyNode) : String(pair.key)
      if (key === '<<' && keyNode?.type === 'PLAIN') {
        const target = this.deref(pair.value as YNode)
        const sources = target && isSeq(target) ? (target as YAMLSeq).items.map((i) => this.deref(i as YNode)) : [target]
        for (const src of sources) merged.push(...this.entries(src))
        continue
      }
      own.push({key, keyNode, value: pair.value as YNode})
    }
    const seen = new Set(own.map((e) => e.key))
    const out = [...own]
    for (const m of merged) {
      if (seen.has(m.key)) continue
      seen.add(m.key)
      out.push(m)
    }
    return out
  }

  items(node: YNode): YNode[] {
    const seq = this.deref(node)
    if (!seq || !isSeq(seq)) return []
    return (seq as YAMLSeq).items as YNode[]
  }

  /**
   * Where a path is. `key` points at the mapping key (for "unknown field" and "missing field"
   * problems); `value` at the value, or at the key when the value is empty.
   */
  locate(path: Path, at: 'key' | 'value' = 'value'): Position {
    let node: YNode = this.root
    let keyPos: Position | undefined
    let best: Position = this.nodePosition(node) ?? {line: 1, column: 1}
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]
      const cur = this.deref(node)
      if (!cur) break
      let next: YNode
      let nextKeyPos: Position | undefined
      if (typeof seg === 'number' && isSeq(cur)) {
        next = (cur as YAMLSeq).items[seg] as YNode
        if (next === undefined) return best
        nextKeyPos = this.nodePosition(next)
      } else if (isMap(cur)) {
        const entry = this.entries(cur).find((e) => e.key === String(seg))
        if (!entry) return best
        next = entry.value
        nextKeyPos = entry.keyNode ? this.nodePosition(entry.keyNode) : undefined
      } else {
        return best
      }
      keyPos = nextKeyPos
      node = next
      const valuePos = this.nodePosition(this.isEmpty(next) ? undefined : next)
      best = keyPos ?? valuePos ?? best
      if (i === path.length - 1) {
        if (at === 'key') return keyPos ?? valuePos ?? best
        return valuePos ?? keyPos ?? best
      }
    }
    return best
  }

  private isEmpty(node: YNode): boolean {
    return !node || (isScalar(node) && (node as Scalar).value === null && (node as Scalar).source === '')
  }
}

/**
 * The scalar's text as Go's yaml.v3 `node.Value` would hold it: the raw characters for plain
 * scalars (so `1.50` stays "1.50"), the unescaped content for quoted ones.
 */
export function scalarText(node: Scalar): string {
  if (typeof node.source === 'string') return node.source
  const v = node.value
  return v === null || v === undefined ? '' : String(v)
}

function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message
  const text = first.replace(/\s+at line \d+, column \d+:?\s*$/, '').trim()
  return /[.!?]$/.test(text) ? text : `${text}.`
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Each key may appear only once in a mapping; remove or rename the repeated one.'
    case 'BAD_INDENT':
    case 'UNEXPECTED_TOKEN':
      return 'Check the indentation (spaces, not tabs) and that every key ends with ":".'
    case 'TAB_AS_INDENT':
      return 'YAML indentation must use spaces; replace the tabs.'
    case 'MULTILINE_IMPLICIT_KEY':
      return 'This line runs into the next one as if it were a key: look for a stray line (such as "--" instead of "---"), a missing ":" or a missing "- ".'
    case 'MISSING_CHAR':
      return 'A quote, bracket or ":" is missing; check that every opened quote is closed on the same value.'
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'BAD_SCALAR_START':
      return 'Quote values that start with special characters such as @, `, % or *.'
    default:
      return 'Fix the YAML syntax at this position; a YAML linter or editor plugin shows the exact problem.'
  }
}
