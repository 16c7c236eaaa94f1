import {ChainError} from '../../errors.js'

/**
 * The few calls the dev commands make to a running node. Plain JSON over HTTP, so these
 * commands stay fast to load (no cosmjs, no chain-sdk).
 */

export interface RpcStatus {
  height: number
  time: string
  chainId: string
  version: string
}

async function rpc<T>(rpcUrl: string, method: string, params: Record<string, unknown>, timeoutMs = 5000): Promise<T> {
  let response: Response
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params}),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw new ChainError(`The edge dev RPC at ${rpcUrl} does not answer (${(error as Error).message}).`, {
      code: 'devnet_unreachable',
      hint: 'Start the chain with `edge dev start`, or check `edge dev status`.',
      cause: error,
    })
  }
  const body = (await response.json()) as {result?: T; error?: {code: number; message: string; data?: string}}
  if (body.error) {
    throw new ChainError(`The edge dev RPC refused ${method}: ${body.error.data ?? body.error.message}`, {code: 'devnet_rpc_error'})
  }
  return body.result as T
}

export async function rpcStatus(rpcUrl: string, timeoutMs = 2000): Promise<RpcStatus> {
  const s = await rpc<{node_info: {network: string; version: string}; sync_info: {latest_block_height: string; latest_block_time: string}}>(
    rpcUrl,
    'status',
    {},
    timeoutMs,
  )
  return {
    height: Number(s.sync_info.latest_block_height),
    time: s.sync_info.latest_block_time,
    chainId: s.node_info.network,
    version: s.node_info.version,
  }
}

/** The dev faucet (`edge_fund`): coins are minted into `address` in the next block. */
export async function rpcFund(rpcUrl: string, address: string, coins: Array<{denom: string; amount: bigint}>): Promise<number> {
  const r = await rpc<{height: string}>(rpcUrl, 'edge_fund', {
    address,
    coins: coins.map((c) => ({denom: c.denom, amount: c.amount.toString()})),
  })
  return Number(r.height)
}

async function rest<T>(restUrl: string, path: string): Promise<T> {
  const response = await fetch(`${restUrl}${path}`, {signal: AbortSignal.timeout(5000)})
  if (!response.ok) throw new ChainError(`edge dev REST ${path} answered ${response.status}.`, {code: 'devnet_rest_error'})
  return (await response.json()) as T
}

export async function restBalances(restUrl: string, address: string): Promise<Array<{denom: string; amount: string}>> {
  return (await rest<{balances: Array<{denom: string; amount: string}>}>(restUrl, `/cosmos/bank/v1beta1/balances/${address}`)).balances
}

export interface ProviderSummary {
  owner: string
  hostUri: string
  attributes: Array<{key: string; value: string}>
}

/** Providers registered on chain (empty when the provider module is not loaded). */
export async function restProviders(restUrl: string): Promise<ProviderSummary[]> {
  try {
    const r = await rest<{providers?: Array<{owner: string; host_uri: string; attributes?: Array<{key: string; value: string}>}>}>(
      restUrl,
      '/akash/provider/v1beta4/providers?pagination.limit=1000',
    )
    return (r.providers ?? []).map((p) => ({owner: p.owner, hostUri: p.host_uri, attributes: p.attributes ?? []}))
  } catch {
    return []
  }
}

/** The market's reclamation windows (AEP-82), in seconds. */
export interface ReclamationWindows {
  minSeconds: number
  maxSeconds: number
}

/**
 * `google.protobuf.Duration` in REST JSON: the node writes "3600s"; an object form
 * `{seconds, nanos}` is read too.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const m = /^(-?\d+(?:\.\d+)?)s$/.exec(value)
    return m ? Number(m[1]) : undefined
  }
  if (value && typeof value === 'object' && 'seconds' in value) {
    const d = value as {seconds: string | number; nanos?: number}
    return Number(d.seconds) + (d.nanos ?? 0) / 1e9
  }
  return undefined
}

/** The market params' reclamation windows; undefined where the chain has none (before node v2.1). */
export async function restReclamationWindows(restUrl: string): Promise<ReclamationWindows | undefined> {
  try {
    const r = await rest<{params?: {min_reclamation_window?: unknown; max_reclamation_window?: unknown}}>(restUrl, '/akash/market/v1beta5/params')
    const minSeconds = durationSeconds(r.params?.min_reclamation_window)
    const maxSeconds = durationSeconds(r.params?.max_reclamation_window)
    return minSeconds !== undefined && maxSeconds !== undefined && maxSeconds > 0 ? {minSeconds, maxSeconds} : undefined
  } catch {
    return undefined
  }
}
