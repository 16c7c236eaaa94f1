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

export function logSinks(title: string, signal: AbortSignal): EventSinks<LogEvent> {
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
          else if (e.type === 'reconnecting') store.setStatus('reconnecting', e.error)
          else if (e.type === 'reconnected') store.setStatus('streaming')
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
    line: (e, {style}) => (e.type === 'line' ? `${style.cyan(`[${e.service}]`)} ${e.message}` : undefined),
    note: (e, {style}) =>
      e.type === 'reconnecting' ? style.dim(`(log stream dropped: ${e.error}; reconnecting)`) : e.type === 'ended' ? style.dim(`(${e.reason})`) : undefined,
    json: logJson,
  }
}
