import {stripAnsi} from './style.js'

export interface Column<T> {
  header: string
  get(row: T): string
  align?: 'left' | 'right'
}

/** A plain text table: headers, then one line per row, columns padded to the widest cell. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => c.get(row)))
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => stripAnsi(r[i]).length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i] - stripAnsi(v).length))
        return columns[i].align === 'right' ? pad + v : v + pad
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map((r) => line(r))].join('\n')
}

/** `key: value` lines with the keys aligned. */
export function renderFields(fields: ReadonlyArray<[string, string | undefined]>): string {
  const shown = fields.filter(([, v]) => v !== undefined && v !== '') as Array<[string, string]>
  const width = Math.max(0, ...shown.map(([k]) => k.length))
  return shown.map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${v}`).join('\n')
}
