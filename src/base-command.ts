import {Command, Errors, type Interfaces} from '@oclif/core'

import {BugError, CancelledError, EdgeError, ExitCode, type ExitCodeValue, UsageError} from './errors.js'
import {globalFlags} from './flags.js'
import {Output, jsonReplacer} from './output/output.js'
import {AsyncQueue} from './lib/async-queue.js'
import {terminalWidth, wrapProse} from './output/table.js'
import {type EventSinks, type Sink, jsonlSink, textSink, viewSink} from './output/sinks.js'
import {type OutputMode, type TerminalFacts, canPrompt, colorEnabled, terminalFacts} from './output/terminal.js'

export type EdgeFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof EdgeCommand)['baseFlags'] & T['flags']>
export type EdgeArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export interface ErrorJson {
  code: string
  message: string
  hint?: string
  /** One of the exit-code table's (src/errors.ts), the same as the process's exit status. */
  exitCode: ExitCodeValue
  details?: Record<string, unknown>
}

/** What `--json` prints when a command fails (the contract's test/contract/error.json). */
export interface ErrorEnvelope {
  ok: false
  error: ErrorJson
  /** `edge sdl validate`: the validation, next to the error it ended in. */
  result?: unknown
}

/**
 * The one base command. It parses, builds the Output (the only writer), runs `execute()`, and
 * renders the result: text through `renderText`, `--json` as `{ok, result, warnings}`, JSONL as
 * a final `result` event. Every error leaves through `catch`, which maps it to the exit-code table
 * and prints it in the same contract (`{ok:false, error}` in JSON).
 */
export abstract class EdgeCommand<T extends typeof Command, R = unknown> extends Command {
  static enableJsonFlag = true
  static baseFlags = globalFlags
  /** Commands that clean up on Ctrl-C (deploy) set this and watch `this.signal`. */
  static handlesSignals = false

  protected flags!: EdgeFlags<T>
  protected args!: EdgeArgs<T>
  protected out!: Output
  private readonly abortController = new AbortController()
  private resultShown = false
  private signalHandler?: (signal: NodeJS.Signals) => void
  /** Set while `consumeFollowed` runs: Ctrl-C then only stops following. */
  private following = false

  /** Aborted on the first SIGINT/SIGTERM when the command declares `handlesSignals`. */
  protected get signal(): AbortSignal {
    return this.abortController.signal
  }

  protected get outputMode(): OutputMode {
    return detectOutputMode(this.argv, this.config.scopedEnvVar?.('CONTENT_TYPE'))
  }

  /** True when edge may prompt and mount Ink (TTYs, no CI, text output). */
  protected get interactive(): boolean {
    return canPrompt(this.out.facts, this.out.mode)
  }

  public async init(): Promise<void> {
    await super.init()
    const facts = terminalFacts()
    // A fallback writer exists before parsing so that parse errors follow the contract too.
    this.out = makeOutput(this.outputMode, facts, undefined, false)
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof EdgeCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as EdgeFlags<T>
    this.args = args as EdgeArgs<T>
    // One JSON document cannot hold a stream that ends only at Ctrl-C: `--json` on a streaming run
    // (edge logs, --follow) means JSONL, as `--output jsonl` does.
    const mode = this.outputMode === 'json' && this.streamsEvents() ? 'jsonl' : this.outputMode
    this.out = makeOutput(mode, facts, this.flags.color as boolean | undefined, Boolean(this.flags.verbose))
    await this.out.prepare()
    if ((this.ctor as typeof EdgeCommand).handlesSignals) this.installSignalHandlers()
  }

  public async run(): Promise<R> {
    const result = await this.execute()
    if (this.out.mode === 'text') {
      if (!this.resultShown) this.showResult(result)
    } else if (this.out.mode === 'jsonl') {
      this.out.event({type: 'result', ok: true, result, warnings: this.out.warnings})
    }
    return result
  }

  /** The command's work: call one service and return its typed result. */
  protected abstract execute(): Promise<R>

  /**
   * Prints the text result now instead of at the end (text mode only): `edge deploy --follow`
   * shows the ready deployment before the logs it follows.
   */
  protected showResult(result: R): void {
    this.resultShown = true
    if (this.out.mode !== 'text') return
    const text = this.renderText(result)
    if (text) this.out.result(text)
  }

  /** Whether this run streams events until the user stops it (then `--json` means JSONL). */
  protected streamsEvents(): boolean {
    return false
  }

  /**
   * The one way a command shows a service's event stream: JSONL events in `--output jsonl`, the
   * Ink view in an interactive terminal, plain lines and step spinners otherwise (stderr, so
   * `--json` keeps stdout for its envelope). Returns what the flow returns.
   * `mount: false` feeds the view without drawing it yet.
   */
  protected async consume<E extends {type: string}, R = void>(flow: AsyncIterable<E>, sinks: EventSinks<E>, options: {mount?: boolean} = {}): Promise<R> {
    const sink = await this.sinkFor(sinks, options.mount ?? true)
    const iterator = flow[Symbol.asyncIterator]() as AsyncIterator<E, R>
    let outcome: {result: unknown} | {error: Error}
    try {
      for (;;) {
        const next = await iterator.next()
        if (next.done) {
          outcome = {result: next.value}
          return next.value
        }
        sink.push(next.value)
      }
    } catch (error) {
      outcome = {error: error as Error}
      throw error
    } finally {
      await sink.end(outcome!)
    }
  }

  /**
   * `consume` for a stream the user follows until Ctrl-C (logs -f, events -f, deploy --follow):
   * Ctrl-C is how such a stream ends, so it ends normally (exit 0, with the result), while Ctrl-C
   * during work that has not finished is a cancellation (130). One rule for every command (ux-test D28).
   */
  protected async consumeFollowed<E extends {type: string}>(flow: AsyncIterable<E>, sinks: EventSinks<E>): Promise<void> {
    this.following = true
    try {
      await this.consume(flow, sinks)
    } catch (error) {
      if (!this.signal.aborted) throw error
    } finally {
      this.following = false
    }
  }

  /**
   * What the first Ctrl-C prints. While following a stream it only stops following, which takes no
   * time and leaves nothing to clean up, so it says nothing (as `tail -f` does).
   */
  protected cancelNotice(signal: NodeJS.Signals): string | undefined {
    return this.following ? undefined : `\nReceived ${signal}: cleaning up (press Ctrl-C again to quit at once).`
  }

  /**
   * `consume` for a service that reports through a callback (`onEvent`) instead of yielding: its
   * events become the stream, and the service's promise the result.
   */
  protected async consumeEmitted<E extends {type: string}, R>(run: (emit: (event: E) => void) => Promise<R>, sinks: EventSinks<E>): Promise<R> {
    const events = new AsyncQueue<E>()
    const shown = this.consume(events, sinks)
    try {
      return await run((event) => events.push(event))
    } finally {
      events.end()
      await shown
    }
  }

  private async sinkFor<E extends {type: string}>(sinks: EventSinks<E>, mount: boolean): Promise<Sink<E>> {
    if (this.out.mode === 'jsonl') return jsonlSink(this.out, sinks)
    if (!this.interactive || !sinks.view) return textSink(this.out, sinks)
    const view = await sinks.view()
    if (!mount) return viewSink(view)
    const {mountView} = await import('./ui/render.js')
    const mounted = await mountView(view.element, {...(view.onStdout ? {stdout: process.stdout} : {}), aboveView: (write) => this.out.writeAboveView(write)})
    return {
      push: (event) => view.apply(event),
      end: async (outcome) => {
        view.end?.(outcome)
        await mounted.close()
      },
    }
  }

  /** The result as text for a person (text mode only). */
  protected renderText(_result: R): string | undefined {
    return undefined
  }

  protected toSuccessJson(result: unknown): unknown {
    return {ok: true, result: result ?? null, warnings: this.out?.warnings ?? []}
  }

  protected toErrorJson(err: unknown): unknown {
    return {ok: false, error: errorJson(toEdgeError(err))} satisfies ErrorEnvelope
  }

  logJson(json: unknown): void {
    // A streamed run ended with its `result` event already (run() above); no envelope after it.
    if (this.out?.mode === 'jsonl' && (json as {ok?: boolean} | undefined)?.ok === true) return
    process.stdout.write(JSON.stringify(json, jsonReplacer) + '\n')
  }

  public async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<never> {
    // `this.exit()` inside a command throws ExitError: pass it through untouched.
    if (err instanceof Errors.ExitError) throw err
    const edgeError = toEdgeError(err)
    const mode = this.out?.mode ?? this.outputMode
    if (mode === 'json') {
      this.logJson(this.toErrorJson(edgeError))
    } else if (mode === 'jsonl') {
      process.stdout.write(
        JSON.stringify({type: 'error', ts: new Date().toISOString(), ok: false, error: errorJson(edgeError)}, jsonReplacer) +
          '\n',
      )
    } else {
      const style = this.out?.errStyle
      const red = style?.red ?? ((s: string) => s)
      const dim = style?.dim ?? ((s: string) => s)
      const width = terminalWidth(process.stderr)
      process.stderr.write(`${wrapProse(`${red('Error:')} `, edgeError.message, width)}\n`)
      if (edgeError.hint) process.stderr.write(`${wrapProse(`${dim('Hint:')} `, edgeError.hint, width)}\n`)
    }
    if (this.out?.verbose && !(err instanceof EdgeError) && err.stack) process.stderr.write(err.stack + '\n')
    this.exit(edgeError.exitCode)
    throw err // unreachable: exit() throws
  }

  protected async finally(err: Error | undefined): Promise<void> {
    if (this.signalHandler) {
      process.off('SIGINT', this.signalHandler)
      process.off('SIGTERM', this.signalHandler)
    }
    return super.finally(err)
  }

  /** Throws the error that stands for "the user cancelled" when the signal has fired. */
  protected throwIfCancelled(): void {
    if (this.signal.aborted) throw new CancelledError()
  }

  private installSignalHandlers(): void {
    let count = 0
    let first = 0
    this.signalHandler = (signal) => {
      // Exit hooks in some libraries (when-exit, which `conf` loaded until 2026-12) re-send the first
      // signal to this process at once: such an echo is not a second Ctrl-C and must not skip the
      // cleanup.
      if (count === 1 && Date.now() - first < 500) return
      count++
      if (count === 1) {
        first = Date.now()
        const notice = this.cancelNotice(signal)
        if (notice) this.out.info(notice)
        this.abortController.abort(new CancelledError(`Cancelled by ${signal}.`))
        return
      }
      process.exit(ExitCode.cancelled)
    }
    process.on('SIGINT', this.signalHandler)
    process.on('SIGTERM', this.signalHandler)
  }
}

export function detectOutputMode(argv: readonly string[], contentType?: string): OutputMode {
  const end = argv.indexOf('--')
  const args = end === -1 ? argv : argv.slice(0, end)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--json') return 'json'
    if (a === '--output' && (args[i + 1] === 'json' || args[i + 1] === 'jsonl')) return args[i + 1] as OutputMode
    if (a === '--output=json') return 'json'
    if (a === '--output=jsonl') return 'jsonl'
  }
  if (contentType?.toLowerCase() === 'json') return 'json'
  return 'text'
}

function makeOutput(mode: OutputMode, facts: TerminalFacts, color: boolean | undefined, verbose: boolean): Output {
  return new Output({mode, facts, verbose, color: colorEnabled(color, facts.stdoutIsTTY || facts.stderrIsTTY)})
}

const PARSE_ERROR_NAMES = new Set([
  'NonExistentFlagsError',
  'FailedFlagValidationError',
  'RequiredArgsError',
  'UnexpectedArgsError',
  'ArgInvalidOptionError',
  'FlagInvalidOptionError',
  'CLIParseError',
  'InvalidArgsSpecError',
])

/** Maps anything thrown to an EdgeError; oclif's parse errors become usage errors (exit 2). */
export function toEdgeError(err: unknown): EdgeError {
  if (err instanceof EdgeError) {
    // oclif wraps the message of an error thrown by a flag's parse (src/flags.ts); ours already names the flag.
    err.message = unwrapFlagParse(err.message)
    return err
  }
  if (err instanceof Error) {
    const oclifExit = (err as {oclif?: {exit?: number}}).oclif?.exit
    if (PARSE_ERROR_NAMES.has(err.constructor.name) || (err as {parse?: unknown}).parse !== undefined || oclifExit === 2) {
      return new UsageError(cleanParseMessage(err.message), {
        code: 'bad_flags',
        hint: 'Run the command with --help to see its flags and arguments.',
      })
    }
    return new BugError(err.message || String(err), {cause: err})
  }
  return new BugError(String(err))
}

/** "Parsing --ttl \n\t--ttl "soon" is not a duration.\nSee more help with --help" → the inner message. */
function unwrapFlagParse(message: string): string {
  const m = /^Parsing --[\w-]+ \n\t([\s\S]*?)\nSee more help with --help$/.exec(message)
  return m ? m[1]! : message
}

function cleanParseMessage(message: string): string {
  // oclif appends "See more help with --help"; the hint says that already.
  return message.replace(/\n*See more help with --help\s*$/i, '').trim()
}

export function errorJson(error: EdgeError): ErrorJson {
  return {
    code: error.code,
    message: error.message,
    ...(error.hint ? {hint: error.hint} : {}),
    exitCode: error.exitCode,
    ...(error.details ? {details: error.details} : {}),
  }
}
