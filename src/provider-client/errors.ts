import {ProviderError} from '../errors.js'

/** What a provider's HTTP status means to a user, and what to do about it. */
export function httpError(provider: string, what: string, status: number, body: string): ProviderError {
  const message = extractMessage(body)
  const suffix = message ? `: ${message}` : ''
  const details = {provider, status, ...(message ? {message} : {})}
  switch (status) {
    case 401:
    case 403:
      return new ProviderError(`The provider ${provider} refused edge's credentials while ${what} (${status}${suffix}).`, {
        code: 'provider_auth',
        hint: "Providers check edge's token against your account's public key on chain, so the account must have sent at least one transaction; also check that this machine's clock is right.",
        details,
      })
    case 404:
      return new ProviderError(`The provider ${provider} does not know this lease (${what}: 404${suffix}).`, {
        code: 'provider_lease_not_found',
        hint: 'The lease may be closed, or the provider has not seen it yet; check it with `edge status DSEQ`.',
        details,
      })
    case 422:
      return new ProviderError(`The provider ${provider} refused the request while ${what} (422${suffix}).`, {
        code: 'provider_rejected',
        hint: "A manifest must hash to the deployment's on-chain version; if the SDL changed, run `edge update DSEQ FILE`.",
        details,
      })
    default:
      return new ProviderError(`The provider ${provider} failed while ${what} (${status}${suffix}).`, {
        code: status >= 500 ? 'provider_failed' : 'provider_rejected',
        hint: status >= 500 ? 'This is on the provider side; try again, or choose another provider.' : undefined,
        details,
      })
  }
}

function extractMessage(body: string): string {
  const text = body.trim()
  if (!text) return ''
  try {
    const parsed = JSON.parse(text) as {message?: unknown; error?: unknown}
    if (typeof parsed.message === 'string') return parsed.message
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON: plain text
  }
  return text.length > 300 ? text.slice(0, 300) + '…' : text
}

export function unreachable(provider: string, baseUrl: string, what: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error
  const message = (error as Error)?.message ?? String(error)
  return new ProviderError(`Cannot reach the provider ${provider} at ${baseUrl} while ${what}: ${message}`, {
    code: 'provider_unreachable',
    hint: 'The provider may be down or overloaded; try again, or choose another provider.',
    details: {provider, url: baseUrl},
    cause: error,
  })
}
