/**
 * The sinks a service's event stream can end in, apart from an Ink view (which the base command
 * mounts through the UI facade): JSONL on stdout, or plain lines and step spinners for a person or
 * a CI log. Commands declare how their events look in each (`EventSinks`); `EdgeCommand.consume`
 * picks the sink from the output mode and the terminal.
 */
import type {LiveView} from '../ui/live-view.js'
import {type EdgeEvent, type StepEvent, isStepEvent} from './events.js'
import type {Output, Progress} from './output.js'
import type {Style} from './style.js'

export interface LineContext {
  style: Style
  verbose: boolean
}

export interface EventSinks<E extends {type: string}> {
  /** The Ink view for an interactive terminal; built lazily so React and Ink load only there. */
  view?: () => LiveView<E> | Promise<LiveView<E>>
  /** The event as one plain line, or undefined to show nothing (or its step, see `step`). */
  line?: (event: E, context: LineContext) => string | undefined
  /**
   * Where plain lines go. stderr (the default) for progress, so stdout keeps only the result;
   * stdout when the lines are the output (`edge logs`, `edge events --follow`).
   */
  lines?: 'stdout' | 'stderr'
  /** A remark on stderr about the stream itself (a dropped connection), beside lines on stdout. */
  note?: (event: E, context: LineContext) => string | undefined
  /** A closing remark on stderr when the stream ends (text only), e.g. that it held nothing. */
  closing?: (outcome: {result: unknown} | {error: Error}, context: LineContext) => string | undefined
  /** The event's JSONL form; the event as yielded when absent. */
  json?: (event: E) => EdgeEvent
  /**
   * The event as step progress, drawn as a spinner on a terminal or a line in a log. Defaults to
   * the event itself when it is a StepEvent.
   */
  step?: (event: E) => StepEvent | undefined
}

export interface Sink<E> {
  push(event: E): void
  end(outcome: {result: unknown} | {error: Error}): Promise<void>
}

/** Every event as a JSONL line on stdout. */
export function jsonlSink<E extends {type: string}>(out: Output, sinks: EventSinks<E>): Sink<E> {
  return {
    push: (event) => out.event(sinks.json ? sinks.json(event) : (event as unknown as EdgeEvent)),
    end: async () => {},
  }
}

/**
 * Plain lines and steps. Warnings go through `out.warn`, so `--json` still carries them in its
 * envelope. With `--json` stdout holds the one envelope, so lines meant for stdout are dropped
 * there (the result carries what they would have said).
 */
export function textSink<E extends {type: string}>(out: Output, sinks: EventSinks<E>): Sink<E> {
  const toStdout = sinks.lines === 'stdout'
  const context: LineContext = {style: toStdout ? out.style : out.errStyle, verbose: out.verbose}
  const noteContext: LineContext = {style: out.errStyle, verbose: out.verbose}
  const running = new Map<string, Progress>()
  const showStep = (e: StepEvent) => {
    const progress = running.get(e.step)
    switch (e.status) {
      case 'started':
        progress?.stop()
        running.set(e.step, out.progress(e.step, e.message))
        return
      case 'running':
        if (progress) progress.update(e.message)
        else running.set(e.step, out.progress(e.step, e.message))
        return
      case 'succeeded':
      case 'failed':
        if (progress) progress[e.status === 'succeeded' ? 'succeed' : 'fail'](e.message)
        else out.info(`${e.status === 'succeeded' ? out.errStyle.green('✔') : out.errStyle.red('✖')} ${e.message}`)
        running.delete(e.step)
        return
      case 'skipped':
        out.info(out.errStyle.dim(`- ${e.message}`))
        return
    }
  }
  return {
    push: (event) => {
      const message = (event as {message?: unknown}).message
      if (event.type === 'warning' && typeof message === 'string') {
        out.warn(message)
        return
      }
      const line = sinks.line?.(event, context)
      if (line !== undefined) {
        if (!toStdout) out.writeErr(line + '\n')
        else if (out.mode === 'text') out.writeOut(line.endsWith('\n') ? line : line + '\n')
        return
      }
      const note = sinks.note?.(event, noteContext)
      if (note !== undefined) {
        out.info(note)
        return
      }
      const step = sinks.step ? sinks.step(event) : isStepEvent(event) ? event : undefined
      if (step) showStep(step)
    },
    end: async (outcome) => {
      for (const progress of running.values()) {
        if ('error' in outcome) progress.fail()
        else progress.stop()
      }
      running.clear()
      const closing = sinks.closing?.(outcome, noteContext)
      if (closing !== undefined) out.info(closing)
    },
  }
}

/** Feeds a live view without drawing it (deploy validates before a passphrase prompt needs the terminal). */
export function viewSink<E>(view: LiveView<E>): Sink<E> {
  return {push: (event) => view.apply(event), end: async () => {}}
}
