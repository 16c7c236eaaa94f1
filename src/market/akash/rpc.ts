import {ChainError} from '../../errors.js'

/** A tiny CometBFT JSON-RPC client (GET form) for the calls cosmjs does not expose cheaply. */
export async function cometRpc<T>(baseUrl: string, method: string, params: Record<string, string> = {}, timeoutMs = 5000): Promise<T> {
  const url = new URL(baseUrl.replace(/\/+$/, '') + '/' + method)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  const response = await fetch(url, {signal: AbortSignal.timeout(timeoutMs)})
  const body = (await response.json()) as {result?: T; error?: {message?: string; data?: string}}
  if (body.error) throw new ChainError(`RPC ${method} failed: ${body.error.data ?? body.error.message ?? 'unknown error'}`)
  return body.result as T
}

export interface CometStatus {
  node_info: {network: string; version: string}
  sync_info: {latest_block_height: string; latest_block_time: string; catching_up: boolean}
}

/** CometBFT JSON-RPC over POST, for calls whose parameters outgrow a URL (a signed transaction). */
export async function cometRpcPost<T>(baseUrl: string, method: string, params: Record<string, string>, timeoutMs = 5000): Promise<T> {
  const response = await fetch(baseUrl.replace(/\/+$/, '') + '/', {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const body = (await response.json()) as {result?: T; error?: {message?: string; data?: string}}
  if (body.error) throw new ChainError(`RPC ${method} failed: ${body.error.data ?? body.error.message ?? 'unknown error'}`)
  return body.result as T
}
