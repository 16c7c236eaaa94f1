/** A JSON-RPC error as CometBFT reports it (`{code, message, data}`). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message)
  }
}
