import {stripAnsi} from './style.js'

export interface Column<T> {
  header: string
  get(row: T): string
  align?: 'left' | 'right'
  /**
   * How the column gives way when the table is wider than the terminal: `wrap` breaks its cells between words onto
   * more lines, `truncate` cuts them at a word and ends them with "…". Columns without it keep their width.
   */
  fit?: 'wrap' | 'truncate'
  /** The narrowest a fitting column may become (default: its header, and at least 8). */
  minWidth?: number
  /** A shorter form of a cell that does not fit (an address as `akash1abcd…wxyz`), tried before truncating. */
  shorten?: (value: string) => string
  /** Left out when no row has a value in it (every cell empty or "-"): it would only take width. */
  hideWhenEmpty?: boolean
}

export interface TableOptions {
  /** The terminal's width; undefined (output piped) keeps every cell whole. */
  width?: number
}

const GAP = 2

/** The width tables fit: the terminal's when stdout is one, none when piped (a script reads whole cells). */
export function terminalWidth(stream: {isTTY?: boolean; columns?: number} = process.stdout): number | undefined {
  return stream.isTTY && stream.columns ? stream.columns : undefined
}

/**
 * A plain text table: headers, then one line per row, columns padded to the widest cell. Wider than
 * `options.width`, the columns marked `fit` shrink (the widest first) and wrap or truncate their cells between words.
 */
export function renderTable<T>(rows: readonly T[], allColumns: readonly Column<T>[], options: TableOptions = {width: terminalWidth()}): string {
  const columns = allColumns.filter((c) => !c.hideWhenEmpty || rows.some((row) => !['', '-'].includes(stripAnsi(c.get(row)).trim())))
  const cells = rows.map((row) => columns.map((c) => c.get(row)))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleWidth(r[i]))))
  if (options.width !== undefined) shrinkToFit(columns, cells, widths, options.width)
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i] - visibleWidth(v)))
        return columns[i].align === 'right' ? pad + v : v + pad
      })
      .join(' '.repeat(GAP))
      .trimEnd()
  const out = [line(columns.map((c) => c.header.toUpperCase()))]
  for (const row of cells) {
    const parts = row.map((v, i) => fitCell(v, widths[i], columns[i]))
    const height = Math.max(...parts.map((p) => p.length))
    for (let k = 0; k < height; k++) out.push(line(parts.map((p) => p[k] ?? '')))
  }
  return out.join('\n')
}

function visibleWidth(s: string): number {
  return Math.max(0, ...stripAnsi(s).split('\n').map((l) => [...l].length))
}

/**
 * Narrows the `fit` columns, widest first, until the table fits: first no narrower than their longest word (so
 * wrapping breaks only between words), then, if that is not enough, down to their minimum width: truncating
 * columns first, wrapping ones last.
 */
function shrinkToFit<T>(columns: readonly Column<T>[], cells: string[][], widths: number[], width: number): void {
  const minimum = columns.map((c) => c.minWidth ?? Math.max(c.header.length, 8))
  const longestWord = columns.map((c, i) => Math.max(minimum[i], c.header.length, ...cells.flatMap((r) => stripAnsi(c.shorten ? c.shorten(stripAnsi(r[i])) : r[i]).split(/\s+/).map((w) => [...w].length))))
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1)
  const passes: Array<[number[], Array<Column<T>['fit']>]> = [[longestWord, ['wrap', 'truncate']], [minimum, ['truncate']], [minimum, ['wrap']]]
  for (const [floor, fits] of passes) {
    while (total() > width) {
      let widest = -1
      for (let i = 0; i < columns.length; i++) {
        if (fits.includes(columns[i].fit) && widths[i] > floor[i] && (widest < 0 || widths[i] > widths[widest])) widest = i
      }
      if (widest < 0) break
      widths[widest] -= 1
    }
  }
}

/** The lines a cell takes at `width`: whole when it fits; else wrapped or truncated between words. */
function fitCell<T>(value: string, width: number, {fit, shorten}: Column<T>): string[] {
  if (visibleWidth(value) <= width || !fit) return [value]
  const plain = shorten ? shorten(stripAnsi(value)) : stripAnsi(value)
  if ([...plain].length <= width) return [plain]
  const wrapped = wrapWords(plain, width)
  if (fit === 'wrap') return wrapped
  return [wrapped.length > 1 ? withEllipsis(wrapped[0], width) : wrapped[0]]
}

/** Breaks text into lines of at most `width` at spaces; a longer single word is cut with "…". */
export function wrapWords(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '')
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    const joiner = current === '' ? '' : ' '
    if ([...current].length + joiner.length + [...word].length <= width) {
      current += joiner + word
      continue
    }
    if (current !== '') lines.push(current)
    current = [...word].length <= width ? word : withEllipsis(word, width)
  }
  if (current !== '') lines.push(current)
  return lines.length ? lines : ['']
}

/** Ends a line with "…", inside `width`. */
function withEllipsis(text: string, width: number): string {
  const chars = [...text]
  if (chars.length < width) return `${text}…`
  return `${chars.slice(0, Math.max(0, width - 1)).join('').trimEnd()}…`
}

/**
 * `key: value` lines with the keys aligned. A value's own lines, and at a terminal's width its words, continue under
 * the value column, never under the keys; a word longer than the room (a URI, an address) stays whole, to be copied.
 */
export function renderFields(fields: ReadonlyArray<[string, string | undefined]>, options: TableOptions = {width: terminalWidth()}): string {
  const shown = fields.filter(([, v]) => v !== undefined && v !== '') as Array<[string, string]>
  const width = Math.max(0, ...shown.map(([k]) => k.length))
  const indent = ' '.repeat(width + 2)
  const room = options.width !== undefined ? options.width - indent.length : undefined
  return shown
    .map(([k, v]) => {
      const lines = v.split('\n').map((line, i) => (i === 0 ? line : line.trimStart()))
      const fitted = room !== undefined && room >= 20 ? lines.flatMap((line) => (visibleWidth(line) <= room ? [line] : wrapKeepingWords(line, room))) : lines
      return `${(k + ':').padEnd(width + 1)} ${fitted.join(`\n${indent}`)}`
    })
    .join('\n')
}

/**
 * A message for a terminal `width` wide, its first line after `label` ("Error: ") and the rest under the message:
 * broken between words, never inside a `quoted command` (a command split over two lines would run half when pasted).
 */
export function wrapProse(label: string, text: string, width: number | undefined): string {
  const indent = ' '.repeat(visibleWidth(label))
  const room = width !== undefined ? width - indent.length : undefined
  const lines = text.split('\n').flatMap((line) => (room === undefined || room < 20 || visibleWidth(line) <= room ? [line] : wrapKeepingWords(line, room, /(?:[^\s`]|`[^`]*`|`)+/g)))
  return label + lines.join(`\n${indent}`)
}

/** Like wrapWords, but a word (or `token`) longer than `width` gets a line of its own, whole. */
function wrapKeepingWords(text: string, width: number, token = /\S+/g): string[] {
  const lines: string[] = []
  let current = ''
  for (const word of text.match(token) ?? []) {
    if (current === '') current = word
    else if (visibleWidth(current) + 1 + visibleWidth(word) <= width) current += ` ${word}`
    else {
      lines.push(current)
      current = word
    }
  }
  if (current !== '') lines.push(current)
  return lines.length ? lines : ['']
}
