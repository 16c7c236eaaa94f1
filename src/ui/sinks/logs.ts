/**
 * How a lease's log stream looks in each sink, shared by `edge logs` and `edge deploy --follow` so
 * that both print the same lines and the same JSONL (`{type: "log", service, name, provider, message}`).
 */
import type {EventSinks} from '../../output/sinks.js'
import type {LogEvent} from '../../services/lease/streams.js'

/** A log line as JSONL; `ts` is when edge printed it (providers do not stamp lines). */
export type LogLineJson = {type: 'log'; ts: string; service: string; name: string; provider: string; message: string}
/** News about the stream itself (a dropped connection, the end), with the provider it came from. */
export type LogNewsJson = Exclude<LogEvent, {type: 'line'}> & {ts: string}

/** The JSONL form of a log event: a line becomes a `log` event; stream news keeps its own type. */
export function logJson(e: LogEvent): LogLineJson | LogNewsJson {
  const ts = new Date().toISOString()
  if (e.type === 'line') return {type: 'log', ts, service: e.service, name: e.name, provider: e.provider, message: e.message}
  return {...e, ts}
}

/**
 * `follow`: the stream stays open after the history. A person is told once that the stream is
 * open, so a service that has logged nothing yet does not look like a hang, and that a run
 * printed no lines at all (ux-test D27).
 */
export function logSinks(title: string, signal: AbortSignal, options: {follow?: boolean} = {}): EventSinks<LogEvent> {
  let lines = 0
  let announced = false
  return {
    view: async () => {
      const [{default: React}, {LogViewer}, {LogStore}] = await Promise.all([
        import('react'),
        import('../components/logs/LogViewer.js'),
        import('../components/logs/log-store.js'),
      ])
      const store = new LogStore()
      return {
        element: React.createElement(LogViewer, {store, title}),
        onStdout: true,
        apply: (e) => {
          if (e.type === 'line') store.push(e.service, e.message)
          else if (e.type === 'connected' || e.type === 'reconnected') store.setStatus('streaming')
          else if (e.type === 'reconnecting') store.setStatus('reconnecting', e.error)
          else if (e.type === 'ended') store.setStatus('failed', e.reason)
        },
        end: (outcome) => {
          // Ctrl-C ends a follow: that is the normal way out, not a failure.
          if ('error' in outcome) store.setStatus(signal.aborted ? 'ended' : 'failed', outcome.error.message)
          else store.setStatus('ended')
          store.flush()
        },
      }
    },
    lines: 'stdout',
    line: (e, {style}) => {
      if (e.type !== 'line') return undefined
      lines++
      return `${style.cyan(`[${e.service}]`)} ${e.message}`
    },
    note: (e, {style}) => {
      if (e.type === 'connected') {
        if (!options.follow || announced) return undefined
        announced = true
        return style.dim(`(connected to ${title}; following its logs, Ctrl-C to stop)`)
      }
      return e.type === 'reconnecting' ? style.dim(`(log stream dropped: ${e.error}; reconnecting)`) : e.type === 'ended' ? style.dim(`(${e.reason})`) : undefined
    },
    closing: (outcome, {style}) => (lines === 0 && ('result' in outcome || signal.aborted) ? style.dim('(no log lines)') : undefined),
    json: logJson,
  }
}
