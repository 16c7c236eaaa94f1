import {TxError} from '../types.js'

/** gRPC status codes (google.golang.org/grpc/codes); the modules use them as `Grpc`. */
export const GrpcCode = {
  ok: 0,
  canceled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  aborted: 10,
  outOfRange: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  dataLoss: 15,
  unauthenticated: 16,
} as const

/**
 * A query failure with a gRPC status, as the SDK's query servers return
 * `status.Error(codes.NotFound, "…")`. Query handlers may also throw a TxError.
 */
export class QueryError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string,
  ) {
    super(message)
    this.name = 'QueryError'
  }
}

export const notFound = (message: string): QueryError => new QueryError(GrpcCode.notFound, message)
export const invalidArgument = (message: string): QueryError => new QueryError(GrpcCode.invalidArgument, message)

/** What each door needs to report a failed query. */
export interface QueryFailure {
  grpcCode: number
  /** ABCI code and codespace for `abci_query`. */
  code: number
  codespace: string
  /** The gRPC status message (and REST `message`). */
  message: string
  /** The `abci_query` log. */
  log: string
}

/**
 * Maps a thrown error to the statuses the three doors report. For `abci_query` the SDK turns a
 * gRPC status into an sdk error (`gRPCErrorToSDKError`): NotFound → sdk/22 key not found,
 * InvalidArgument → sdk/18 invalid request, anything else → sdk/6 unknown request.
 */
export function queryFailure(error: unknown): QueryFailure {
  if (error instanceof QueryError) {
    const [code, root] =
      error.grpcCode === GrpcCode.notFound
        ? [22, 'key not found']
        : error.grpcCode === GrpcCode.invalidArgument || error.grpcCode === GrpcCode.failedPrecondition
          ? [18, 'invalid request']
          : error.grpcCode === GrpcCode.unauthenticated
            ? [4, 'unauthorized']
            : [6, 'unknown request']
    return {grpcCode: error.grpcCode, code, codespace: 'sdk', message: error.message, log: `${error.message}: ${root}`}
  }
  if (error instanceof TxError) {
    // A module error that knows its registered gRPC code (errorsmod.RegisterWithGRPCCode).
    const own = (error as TxError & {grpcCode?: unknown}).grpcCode
    if (typeof own === 'number') return {grpcCode: own, code: error.code, codespace: error.codespace, message: error.message, log: error.message}
    const grpcCode =
      error.codespace === 'sdk' && (error.code === 22 || error.code === 38)
        ? GrpcCode.notFound
        : error.codespace === 'sdk' && [3, 7, 10, 18].includes(error.code)
          ? GrpcCode.invalidArgument
          : GrpcCode.unknown
    return {grpcCode, code: error.code, codespace: error.codespace, message: error.message, log: error.message}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {grpcCode: GrpcCode.internal, code: 1, codespace: 'undefined', message, log: message}
}
