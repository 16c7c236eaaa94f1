/**
 * The one exit-code table (architecture.md; the README's table says the same):
 * 0 success · 1 unexpected · 2 usage or bad input · 3 no acceptable bid · 4 insufficient funds ·
 * 5 provider unreachable or refused · 6 chain or RPC failure · 7 the service failed (it exited,
 * crash-loops, could not start, or its image could not be pulled) · 130 cancelled. Every error a user can see is an EdgeError with a
 * stable `code`, a message saying what was wrong and a hint saying what to do next.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  noBids: 3,
  insufficientFunds: 4,
  provider: 5,
  chain: 6,
  serviceFailed: 7,
  cancelled: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface EdgeErrorOptions {
  /** What the user can do next; printed under the message and put in the JSON envelope. */
  hint?: string
  /** Machine-readable facts for `--json` consumers (never secrets). */
  details?: Record<string, unknown>
  cause?: unknown
}

export class EdgeError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly hint?: string
  readonly details?: Record<string, unknown>

  constructor(code: string, message: string, exitCode: ExitCodeValue, options: EdgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.code = code
    this.exitCode = exitCode
    this.hint = options.hint
    this.details = options.details
  }
}

/** Bad flags, bad arguments, bad SDL, a prompt that cannot be shown: exit 2. */
export class UsageError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'usage', message, ExitCode.usage, options)
  }
}

/** No acceptable bid arrived before the timeout: exit 3. */
export class NoBidsError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'no_bids', message, ExitCode.noBids, options)
  }
}

/** The wallet cannot pay: exit 4. */
export class InsufficientFundsError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'insufficient_funds', message, ExitCode.insufficientFunds, options)
  }
}

/** The provider cannot be reached, or refused the request: exit 5. */
export class ProviderError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'provider', message, ExitCode.provider, options)
  }
}

/** The chain or its RPC failed, or rejected a transaction: exit 6. */
export class ChainError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'chain', message, ExitCode.chain, options)
  }
}

/**
 * The provider runs the lease, but the workload itself fails: it exited, keeps crashing, could not
 * start its command or bind its port, or its image could not be pulled: exit 7. The message says
 * what the provider saw (exit code, last log lines); the fix is in the SDL or the image.
 */
export class ServiceFailedError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'service_failed', message, ExitCode.serviceFailed, options)
  }
}

/** The user pressed Ctrl-C or declined a confirmation: exit 130. */
export class CancelledError extends EdgeError {
  constructor(message = 'Cancelled.', options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'cancelled', message, ExitCode.cancelled, options)
  }
}

/** A defect in edge itself: exit 1, with a hint to report it. */
export class BugError extends EdgeError {
  constructor(message: string, options: EdgeErrorOptions & {code?: string} = {}) {
    super(options.code ?? 'unexpected', message, ExitCode.unexpected, {
      hint: 'This looks like a bug in edge. Run again with --verbose and report the output.',
      ...options,
    })
  }
}


/** A question the run cannot ask (no TTY, CI, --json): exit 2, naming what answers it instead. */
export function cannotPrompt(what: string, replacement: string): UsageError {
  return new UsageError(`Cannot ask for ${what}: this run is not interactive (no TTY, CI is set, or --json).`, {
    code: 'prompt_unavailable',
    hint: `Pass ${replacement}.`,
  })
}

export function isEdgeError(error: unknown): error is EdgeError {
  return error instanceof EdgeError
}
