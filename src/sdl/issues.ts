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

/** Which rules make errors: `strict` (Akash's JSON schema, chain-sdk and the Go parser) or `go` (the Go parser alone). */
export type RuleMode = 'strict' | 'go'

const GO_ACCEPTS = "Akash Console and chain-sdk reject this; Akash's Go parser accepts it."

/**
 * A rule only Akash's JSON schema or chain-sdk has (the Go parser accepts): an error under strict
 * rules, a warning that says so under Go rules.
 */
export function schemaOnlyIssue(sink: IssueSink, mode: RuleMode, path: Path, code: string, message: string, options: IssueOptions = {}): void {
  if (mode === 'strict') {
    sink.error(path, code, message, options)
    return
  }
  sink.warn(path, code, message, {...options, hint: options.hint ? `${options.hint} ${GO_ACCEPTS}` : GO_ACCEPTS})
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
