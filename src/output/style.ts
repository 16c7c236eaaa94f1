/** The few colours edge uses, as plain ANSI so that loading them costs nothing. */
export interface Style {
  enabled: boolean
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  green(s: string): string
  yellow(s: string): string
  cyan(s: string): string
}

const wrap = (enabled: boolean, open: number, close: number) => (s: string) =>
  enabled ? `\u001B[${open}m${s}\u001B[${close}m` : s

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
  }
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with the ESC control character
const ANSI = /\u001B\[[0-9;]*m/g

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '')
}
