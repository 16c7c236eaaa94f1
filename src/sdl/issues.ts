import {formatPath, type Path, type SdlSource} from './source.js'
import type {SdlFix, SdlIssue, Severity} from './types.js'

export interface IssueOptions {
  hint?: string
  /** Point at the mapping key instead of the value (unknown or missing fields). */
  at?: 'key' | 'value'
  fix?: SdlFix
}

/** Collects issues, turning each YAML path into a file:line:column. */
export class IssueSink {
  readonly list: SdlIssue[] = []

  constructor(private readonly source: SdlSource) {}

  error(path: Path, code: string, message: string, options: IssueOptions = {}): void {
    this.add('error', path, code, message, options)
  }

  warn(path: Path, code: string, message: string, options: IssueOptions = {}): void {
    this.add('warning', path, code, message, options)
  }

  get errorCount(): number {
    return this.list.filter((i) => i.severity === 'error').length
  }

  private add(severity: Severity, path: Path, code: string, message: string, options: IssueOptions): void {
    const pos = this.source.locate(path, options.at ?? 'value')
    const issue: SdlIssue = {
      severity,
      code,
      message,
      ...(options.hint ? {hint: options.hint} : {}),
      path: formatPath(path),
      ...(this.source.file ? {file: this.source.file} : {}),
      line: pos.line,
      column: pos.column,
      ...(options.fix ? {fix: options.fix} : {}),
    }
    // The same problem found twice (e.g. by two deployments of one service) is reported once.
    if (this.list.some((i) => i.code === code && i.path === issue.path && i.message === message)) return
    this.list.push(issue)
  }
}

/** Orders issues by position, errors before warnings at the same place. */
export function sortIssues(issues: SdlIssue[]): SdlIssue[] {
  return [...issues].sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.code.localeCompare(b.code),
  )
}
