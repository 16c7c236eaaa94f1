import {formatUsd, perHour, toUsd} from '../../protocol/money.js'
import type {Style} from '../../output/style.js'
import {decHuman, formatBytes, formatCpu, type SdlIssue} from '../../sdl/index.js'
import type {SdlValidation} from './validate.js'

const plain: Pick<Style, 'red' | 'yellow' | 'dim' | 'bold' | 'green'> = {
  red: (s) => s,
  yellow: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
  green: (s) => s,
}

/**
 * One issue as a compiler would print it:
 *   deploy.yaml:12:7  error    services.web.image must not be empty.
 *                              hint: Add image: …
 */
export function formatIssue(issue: SdlIssue, style: Pick<Style, 'red' | 'yellow' | 'dim'> = plain, file?: string): string {
  const where = `${issue.file ?? file ?? 'SDL'}:${issue.line}:${issue.column}`
  const sev = issue.severity === 'error' ? style.red('error  ') : style.yellow('warning')
  const indent = ' '.repeat(where.length + 2 + 7 + 2)
  const lines = [`${where}  ${sev}  ${issue.message}`]
  if (issue.hint) lines.push(`${indent}${style.dim(`hint: ${issue.hint}`)}`)
  if (issue.fix) {
    lines.push(`${indent}${style.dim(`fix: replace ${issue.fix.path} with:`)}`)
    for (const l of issue.fix.yaml.trimEnd().split('\n')) lines.push(`${indent}  ${l}`)
  }
  return lines.join('\n')
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The whole validation report: issues in file order, then one summary line. */
export function formatValidation(
  v: SdlValidation,
  options: {style?: Pick<Style, 'red' | 'yellow' | 'dim' | 'bold' | 'green'>; blockTimeMs?: number} = {},
): string {
  const style = options.style ?? plain
  const issues = [...v.errors, ...v.warnings].sort((a, b) => a.line - b.line || a.column - b.column)
  const lines = issues.map((i) => formatIssue(i, style, v.file))
  const counts = `${plural(v.errors.length, 'error')}, ${plural(v.warnings.length, 'warning')}`
  if (v.errors.length > 0) {
    lines.push(`${v.file}: ${style.red('invalid')} (${counts}).`)
  } else if (!v.valid) {
    lines.push(`${v.file}: ${style.yellow('warnings fail --strict')} (${counts}).`)
  } else {
    lines.push(`${v.file}: ${style.green('valid')}${v.summary ? describeSummary(v, options.blockTimeMs) : ''}${v.warnings.length > 0 ? ` (${counts})` : ''}.`)
  }
  return lines.join('\n')
}

function describeSummary(v: SdlValidation, blockTimeMs?: number): string {
  const s = v.summary!
  const cpu = s.groups.reduce((n, g) => n + g.cpuMillis, 0)
  const mem = s.groups.reduce((n, g) => n + g.memoryBytes, 0n)
  const gpus = s.groups.reduce((n, g) => n + g.gpus, 0)
  const parts = [
    `SDL ${s.version}`,
    `${plural(s.services.length, 'service')} in ${plural(s.groups.length, 'group')}`,
    `${formatCpu(cpu)} CPU, ${formatBytes(mem)} memory${gpus > 0 ? `, ${gpus} GPU` : ''}`,
  ]
  const denom = s.groups[0]?.maxPricePerBlock.denom
  const total = s.groups.reduce((n, g) => n + g.maxPricePerBlock.scaled, 0n)
  if (denom) {
    const perBlock = `max ${s.groups.length === 1 ? s.groups[0].maxPricePerBlock.amount : decHuman(total)} ${denom}/block`
    const usd = blockTimeMs ? toUsd(perHour(total, blockTimeMs), denom) : undefined
    parts.push(usd === undefined ? perBlock : `${perBlock} (≤ ${formatUsd(usd)}/h)`)
  }
  return `: ${parts.join('; ')}`
}
