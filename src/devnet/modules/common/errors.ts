/**
 * Chain errors as the Cosmos SDK registers them: a codespace, a code, a gRPC status code and a
 * description. `ModuleError` is a `TxError` (the core turns it into a DeliverTx result) that also
 * carries the gRPC code, so the query doors can answer with the status the real node gives.
 */
import {GrpcCode as Grpc} from '../../core/query-error.js'
import {TxError} from '../../types.js'

export {GrpcCode as Grpc} from '../../core/query-error.js'

export class ModuleError extends TxError {
  constructor(
    codespace: string,
    code: number,
    message: string,
    readonly grpcCode: number,
  ) {
    super(codespace, code, message)
    this.name = 'ModuleError'
  }
}

export interface ErrorDef {
  readonly codespace: string
  readonly code: number
  readonly grpcCode: number
  readonly description: string
  /** The bare registered error (`ErrX`). */
  (): ModuleError
  /** `errorsmod.Wrap(ErrX, context)`: "context: description". */
  wrap(context: string): ModuleError
  /** `fmt.Errorf("%w: detail", ErrX)`: "description: detail". */
  with(detail: string): ModuleError
  /** Whether `err` carries this codespace and code. */
  is(err: unknown): boolean
}

/** `errorsmod.RegisterWithGRPCCode(codespace, code, grpcCode, description)`. */
export function register(codespace: string, code: number, grpcCode: number, description: string): ErrorDef {
  const make = (message: string) => new ModuleError(codespace, code, message, grpcCode)
  const def = Object.assign(() => make(description), {
    codespace,
    code,
    grpcCode,
    description,
    wrap: (context: string) => make(`${context}: ${description}`),
    with: (detail: string) => make(`${description}: ${detail}`),
    is: (err: unknown) => err instanceof TxError && err.codespace === codespace && err.code === code,
  })
  return def
}

/** Re-wraps any chain error with more context, keeping its code (`errorsmod.Wrap(err, context)`). */
export function wrapError(err: unknown, context: string): unknown {
  if (err instanceof ModuleError) return new ModuleError(err.codespace, err.code, `${context}: ${err.message}`, err.grpcCode)
  if (err instanceof TxError) return new TxError(err.codespace, err.code, `${context}: ${err.message}`)
  return err
}

/**
 * An error the chain did not register (a plain Go `error`): the SDK reports it as codespace
 * `undefined`, code 1, with the error's text as the log.
 */
export function plainError(message: string): ModuleError {
  return new ModuleError('undefined', 1, message, Grpc.unknown)
}

/** node drops the error of some follow-up calls (`_ = k.ekeeper.AccountClose(...)`); so do we. */
export function ignoreErrors(fn: () => void): void {
  try {
    fn()
  } catch {
    // deliberately dropped, as node does
  }
}

/** What baseapp returns when a handler panics (`sdkerrors.ErrPanic`). */
export function panicError(message: string): ModuleError {
  return new ModuleError('sdk', 111222, `recovered: ${message}`, Grpc.unknown)
}

/** The root SDK codespace (cosmos-sdk types/errors). */
export const SdkErr = {
  invalidSequence: register('sdk', 3, Grpc.unknown, 'invalid sequence'),
  unauthorized: register('sdk', 4, Grpc.unauthenticated, 'unauthorized'),
  insufficientFunds: register('sdk', 5, Grpc.unknown, 'insufficient funds'),
  unknownRequest: register('sdk', 6, Grpc.unknown, 'unknown request'),
  invalidAddress: register('sdk', 7, Grpc.unknown, 'invalid address'),
  unknownAddress: register('sdk', 9, Grpc.unknown, 'unknown address'),
  invalidCoins: register('sdk', 10, Grpc.unknown, 'invalid coins'),
  invalidRequest: register('sdk', 18, Grpc.invalidArgument, 'invalid request'),
  keyNotFound: register('sdk', 22, Grpc.notFound, 'key not found'),
  invalidType: register('sdk', 29, Grpc.unknown, 'invalid type'),
  conflict: register('sdk', 36, Grpc.unknown, 'conflict'),
  notFound: register('sdk', 38, Grpc.notFound, 'not found'),
} as const

/**
 * A query that the real node rejects with a bare gRPC status (`status.Error(codes.X, msg)`).
 * Through `abci_query` the SDK maps it as `gRPCErrorToSDKError` does.
 */
export function queryStatus(grpcCode: number, message: string): ModuleError {
  switch (grpcCode) {
    case Grpc.notFound:
      return new ModuleError('sdk', SdkErr.keyNotFound.code, message, grpcCode)
    case Grpc.invalidArgument:
    case Grpc.failedPrecondition:
      return new ModuleError('sdk', SdkErr.invalidRequest.code, message, grpcCode)
    case Grpc.unauthenticated:
      return new ModuleError('sdk', SdkErr.unauthorized.code, message, grpcCode)
    default:
      return new ModuleError('sdk', SdkErr.unknownRequest.code, message, grpcCode)
  }
}
