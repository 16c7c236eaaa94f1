import type {IncomingMessage, ServerResponse} from 'node:http'

import type {BidScreeningRequest, BidScreeningResponse} from '@akashnetwork/chain-sdk/private-types/provider.akash.v1'

import {BodyTooLarge, readBody, sendJson, sendText} from './http.js'

/** A group spec is small; anything this big is not a screening request. */
const MAX_BODY = 1024 * 1024

export type BidScreeningHandler = (request: BidScreeningRequest) => Promise<BidScreeningResponse>

/**
 * `POST /v1/bid-screening` (AEP-67): the REST form of ProviderRPC/BidScreening, as the proto's
 * HTTP annotation maps it (body and response are the messages in proto JSON, snake_case). Public
 * like `/status`: a tenant asks before it has a deployment, lease or token for this provider.
 */
export async function bidScreeningRoute(req: IncomingMessage, res: ServerResponse, handler: BidScreeningHandler | undefined): Promise<void> {
  if (!handler) {
    req.resume()
    return sendText(res, 501, 'bid screening is not served by this provider')
  }
  let body: Buffer
  try {
    body = await readBody(req, MAX_BODY)
  } catch (error) {
    if (error instanceof BodyTooLarge) return sendText(res, 413, error.message)
    throw error
  }
  const {BidScreeningRequest, BidScreeningResponse} = await import('@akashnetwork/chain-sdk/private-types/provider.akash.v1')
  let request: BidScreeningRequest
  try {
    request = BidScreeningRequest.fromJSON(JSON.parse(body.toString('utf8') || '{}'))
  } catch (error) {
    return sendText(res, 400, `invalid bid screening request: ${(error as Error).message}`)
  }
  return sendJson(res, 200, BidScreeningResponse.toJSON(await handler(request)))
}
