import type {Writable} from 'node:stream'

import type {EdgeEvent, StepEvent, StepStatus} from './events.js'
import {type OutputMode, type TerminalFacts, canAnimate} from './terminal.js'
import {type Style, createStyle} from './style.js'
import {terminalWidth, wrapProse} from './table.js'

export type {EdgeEvent} from './events.js'

export interface Progress {
  update(text: string): void
  succeed(text?: string): void
  fail(text?: string): void
  stop(): void
}

export interface OutputOptions {
  mode: OutputMode
  color: boolean
  verbose: boolean
  facts: TerminalFacts
  stdout?: Writable
  stderr?: Writable
}

type Spinner = {start(): Spinner; text: string; isSpinning: boolean; succeed(t?: string): void; fail(t?: string): void; stop(): void}
type SpinnerFactory = (options: {text: string; stream: Writable; color?: 'cyan'; isEnabled?: boolean}) => Spinner

/**
 * The only writer edge has. The result goes to stdout (text, one JSON envelope, or JSONL events);
 * progress, warnings and logs go to stderr. Nothing else in edge writes to the terminal, except
 * Ink views, which the UI facade mounts on the same streams.
 */
export class Output {
  readonly mode: OutputMode
  readonly style: Style
  readonly errStyle: Style
  readonly verbose: boolean
  readonly facts: TerminalFacts
  readonly warnings: string[] = []
  private readonly stdout: Writable
  private readonly stderr: Writable
  private spinnerFactory?: SpinnerFactory
  /** Set while an Ink view is mounted: stderr text is written above its frame (see `writeAboveView`). */
  private aboveView?: (text: string) => void

  constructor(options: OutputOptions) {
    this.mode = options.mode
    this.verbose = options.verbose
    this.facts = options.facts
    this.stdout = options.stdout ?? process.stdout
    this.stderr = options.stderr ?? process.stderr
    this.style = createStyle(options.color && options.facts.stdoutIsTTY)
    this.errStyle = createStyle(options.color && options.facts.stderrIsTTY)
  }

  /** Loads the spinner only when one can be drawn, so CI and `--json` runs never pay for it. */
  async prepare(): Promise<void> {
    if (canAnimate(this.facts, this.mode) && !this.spinnerFactory) {
      const ora = (await import('ora')).default
      this.spinnerFactory = ora as unknown as SpinnerFactory
    }
  }

  /** The text result of a command (text mode only). */
  result(text: string): void {
    if (this.mode !== 'text' || text === '') return
    this.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }

  /** One JSON document on stdout. */
  json(value: unknown): void {
    this.stdout.write(JSON.stringify(value, jsonReplacer) + '\n')
  }

  /** One streamed event: a JSONL line on stdout in `--output jsonl`, otherwise nothing. */
  event(event: EdgeEvent): void {
    if (this.mode !== 'jsonl') return
    const {type, ts, ...rest} = event
    this.stdout.write(JSON.stringify({type, ts: ts ?? new Date().toISOString(), ...rest}, jsonReplacer) + '\n')
  }

  info(message: string): void {
    if (this.mode === 'jsonl') return
    this.err(message + '\n')
  }

  /**
   * While a live view is mounted, stderr text goes through Ink, which clears its frame, writes the
   * text and draws the frame again under it. Written straight to the stream, a line (the Ctrl-C
   * notice, a warning) shifts the frame, and Ink's next redraw leaves a copy of its top lines
   * behind (ux-test D29). `undefined` when the view is gone.
   */
  writeAboveView(write: ((text: string) => void) | undefined): void {
    this.aboveView = write
  }

  private err(text: string): void {
    if (this.aboveView) this.aboveView(text)
    else this.stderr.write(text)
  }

  warn(message: string): void {
    this.warnings.push(message)
    if (this.mode === 'jsonl') {
      this.event({type: 'warning', message})
      return
    }
    this.err(`${this.errStyle.yellow('Warning:')} ${message}\n`)
  }

  debug(message: string): void {
    if (this.verbose) this.err(this.errStyle.dim(message) + '\n')
  }

  /** Raw write to stderr, for renderers that draw their own lines (logs in text mode). */
  writeErr(text: string): void {
    this.err(text)
  }

  /** Raw write to stdout, for streamed text results (log lines). */
  writeOut(text: string): void {
    this.stdout.write(text)
  }

  /**
   * A long step: a spinner on a TTY, a JSONL `step` event (StepEvent) in jsonl mode, a plain
   * stderr line otherwise (so CI logs still show what is happening).
   */
  progress(step: string, text: string): Progress {
    if (this.mode === 'jsonl') {
      const started = Date.now()
      const emit = (status: StepStatus, message: string) => {
        const ended = status === 'succeeded' || status === 'failed'
        this.event({type: 'step', ts: new Date().toISOString(), step, status, message, ...(ended ? {elapsedMs: Date.now() - started} : {})} satisfies StepEvent)
      }
      emit('started', text)
      return {
        update: (t) => emit('running', t),
        succeed: (t) => emit('succeeded', t ?? text),
        fail: (t) => emit('failed', t ?? text),
        stop: () => {},
      }
    }
    if (this.spinnerFactory && canAnimate(this.facts, this.mode)) {
      const spinner = this.spinnerFactory({text, stream: this.stderr, color: 'cyan', isEnabled: true}).start()
      runningSpinners.add(spinner)
      const end = (how: () => void) => {
        runningSpinners.delete(spinner)
        how()
      }
      return {
        update: (t) => {
          spinner.text = t
        },
        // The line that stays is wrapped between words under its text, not cut mid-word by the terminal.
        succeed: (t) => end(() => spinner.succeed(wrapProse('  ', t ?? text, terminalWidth(this.stderr as {isTTY?: boolean; columns?: number})).slice(2))),
        fail: (t) => end(() => spinner.fail(wrapProse('  ', t ?? text, terminalWidth(this.stderr as {isTTY?: boolean; columns?: number})).slice(2))),
        stop: () => end(() => spinner.stop()),
      }
    }
    this.err(`${text}\n`)
    let last = text
    return {
      update: (t) => {
        if (t !== last) this.err(`  ${t}\n`)
        last = t
      },
      succeed: (t) => {
        if (t && t !== text) this.err(`${this.errStyle.green('✔')} ${t}\n`)
      },
      fail: (t) => this.err(`${this.errStyle.red('✖')} ${t ?? text}\n`),
      stop: () => {},
    }
  }
}

/** The spinners on the terminal now; a prompt pauses them (`pauseSpinners`). */
const runningSpinners = new Set<Spinner>()

/**
 * Clears the spinners from the terminal while a prompt is open, and returns the function that
 * starts them again. A spinner redrawing its line every 80 ms over a prompt writes into the
 * question and hides it (ux-test D5); stopping it also hands stdin back from ora's discarder.
 */
export function pauseSpinners(): () => void {
  const paused = [...runningSpinners].filter((s) => s.isSpinning)
  for (const s of paused) s.stop()
  return () => {
    for (const s of paused) if (runningSpinners.has(s)) s.start()
  }
}

/** bigint and Uint8Array have no JSON form; money is printed as a decimal string, bytes as hex. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  return value
}
