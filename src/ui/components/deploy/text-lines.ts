/**
 * Deploy events as plain stderr lines, for a terminal that cannot host the Ink view (CI logs,
 * pipes). Same events, third sink; nothing here decides anything.
 */
import type {DeployEvent} from '../../../services/deploy/events.js'
import type {Style} from '../../../output/style.js'
import {formatElapsed} from './format.js'
import {STEP_LABELS} from './step-labels.js'

export function eventLine(event: DeployEvent, style: Style): string | undefined {
  switch (event.type) {
    case 'step': {
      const label = STEP_LABELS[event.step]
      const time = event.elapsedMs !== undefined ? style.dim(` (${formatElapsed(event.elapsedMs)})`) : ''
      if (event.status === 'started') return `${style.cyan('…')} ${label}: ${event.message}`
      if (event.status === 'succeeded') return `${style.green('✔')} ${label}${time}: ${event.message}`
      if (event.status === 'failed') return `${style.red('✖')} ${label}${time}: ${event.message}`
      return `${style.dim('-')} ${label}: ${style.dim(event.message)}`
    }
    case 'bid':
      return `  bid from ${event.provider}: ${event.price} (block ${event.height})`
    case 'latency':
      return `  ${event.provider}: ${event.p50Ms !== undefined ? `${Math.round(event.p50Ms)} ms` : `unmeasured (${event.error ?? 'no answer'})`}`
    case 'mint':
      return `  ${event.message}`
    case 'services':
      return `  ${event.services.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ') || 'waiting for the provider'}`
    case 'warning':
      return `${style.yellow('Warning:')} ${event.message}`
    case 'validated':
      return event.warnings.length ? event.warnings.map((w) => `${style.yellow('Warning:')} ${w}`).join('\n') : undefined
    default:
      return undefined
  }
}
