import {ChainError, EdgeError, InsufficientFundsError} from '../../errors.js'
import {devStartCommand} from '../../config/dev-start.js'
import type {NetworkContext} from '../../config/networks.js'

/** Cosmos SDK codes that mean "the wallet cannot pay" (sdk/5 insufficient funds, sdk/13 insufficient fee). */
const FUNDS_CODES = new Set([5])

function unreachableHint(network: NetworkContext): string {
  return network.profile.kind === 'dev'
    ? `Is edge dev running? Start it with \`${devStartCommand(network)}\`.`
    : `Check your connection, or point the "${network.name}" network at another endpoint with \`edge network add\`.`
}

/** True for errors that mean "nothing answered at that URL" (refused, DNS, timeout, TLS). */
export function isConnectionError(error: unknown): boolean {
  const e = error as {code?: unknown; cause?: {code?: string}; message?: string; name?: string}
  const text = `${e?.message ?? ''} ${e?.cause?.code ?? ''} ${String(e?.code ?? '')}`
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|fetch failed|socket hang up|unavailable|deadline|timed out|timeout|No connection established|UND_ERR|Connection refused|ERR_TLS|certificate/i.test(
    text,
  )
}

/**
 * Turns anything a chain call threw into an EdgeError: unreachable endpoints and RPC failures are
 * ChainError (exit 6) naming the URL; a rejected transaction keeps its codespace/code; running out
 * of money is InsufficientFundsError (exit 4).
 */
export function chainError(error: unknown, network: NetworkContext, url: string, what: string): EdgeError {
  if (error instanceof EdgeError) return error
  const e = error as {message?: string; txResponse?: {code?: number; rawLog?: string; transactionHash?: string}}
  if (e?.txResponse && typeof e.txResponse.code === 'number' && e.txResponse.code !== 0) {
    const raw = e.txResponse.rawLog ?? e.message ?? ''
    const details = {txHash: e.txResponse.transactionHash, code: e.txResponse.code, log: raw}
    if (FUNDS_CODES.has(e.txResponse.code) && /insufficient funds|insufficient/.test(raw)) {
      return new InsufficientFundsError(`The chain refused ${what}: ${raw}`, {
        details,
        hint: 'Top up the wallet (see `edge wallet balance`; on edge dev, `edge dev fund`).',
      })
    }
    return new ChainError(`The chain refused ${what}: ${raw}`, {code: 'tx_failed', details})
  }
  const message = e?.message ?? String(error)
  const txFailure = /code (\d+)|codespace|failed to execute message|insufficient fee|insufficient funds/.exec(message)
  if (txFailure && !isConnectionError(error)) {
    if (/insufficient funds/.test(message)) {
      return new InsufficientFundsError(`The chain refused ${what}: ${message}`, {
        hint: 'Top up the wallet (see `edge wallet balance`; on edge dev, `edge dev fund`).',
      })
    }
    return new ChainError(`The chain refused ${what}: ${message}`, {code: 'tx_failed'})
  }
  if (isConnectionError(error)) {
    return new ChainError(`Cannot reach the ${network.name} network at ${url} (${what}).`, {
      code: 'chain_unreachable',
      hint: unreachableHint(network),
      details: {url, network: network.name},
    })
  }
  return new ChainError(`The ${network.name} network failed ${what}: ${message}`, {
    code: 'chain_error',
    details: {url, network: network.name},
  })
}
