/**
 * `akash.provider.lease.v1.LeaseRPC/AttestationQuote` on the provider's gRPC port (:8444 beside a
 * gateway on :8443): what `akt provider lease-attestation` calls, with a JWT in the `authorization`
 * metadata (provider gateway/grpc lease_server.go). The same checks and evidence as the REST route
 * (gateway/attestation.ts); HTTP statuses become gRPC codes as Akash's HTTPToGRPCCode maps them.
 */
import {verifyJwt} from '../auth/jwt.js'
import type {AuthDeps} from '../gateway/authenticate.js'
import {type QuoteDeps, quoteForLease} from '../gateway/attestation.js'

export const ATTESTATION_QUOTE_METHOD = '/akash.provider.lease.v1.LeaseRPC/AttestationQuote'

export type RpcAnswer = {ok: true; message: Uint8Array} | {ok: false; code: number; message: string}

// gRPC status codes (grpc/doc/statuscodes.md).
const CODE_OF: Record<number, number> = {400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 501: 12, 503: 14}

export type AttestationRpc = (request: Uint8Array, authorization: string | undefined) => Promise<RpcAnswer>

export function attestationRpc(deps: QuoteDeps & AuthDeps): AttestationRpc {
  return async (bytes, authorization) => {
    const {AttestationQuoteRequest, AttestationQuoteResponse} = await import('@akashnetwork/chain-sdk/private-types/provider.akash.v1')
    const token = /^bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1]
    if (!token) return {ok: false, code: 16, message: 'unauthenticated: a bearer token is required'}
    const verified = await verifyJwt(token, {publicKey: deps.publicKey, now: deps.nowSeconds})
    if (!verified.ok) return {ok: false, code: 16, message: verified.message}
    let request
    try {
      request = AttestationQuoteRequest.decode(bytes)
    } catch (error) {
      return {ok: false, code: 3, message: `invalid request: ${(error as Error).message}`}
    }
    const id = request.leaseId
    if (!id || id.owner !== verified.claims.iss || id.provider !== deps.address) {
      return {ok: false, code: 7, message: 'unauthorized: attestation scope required'}
    }
    const lease = {owner: id.owner, dseq: BigInt(String(id.dseq)), gseq: Number(id.gseq), oseq: Number(id.oseq), provider: id.provider}
    const outcome = await quoteForLease(deps, verified.claims, lease, {nonce: request.nonce, bind_tls: request.bindTls})
    if (!('response' in outcome)) {
      const code = outcome.status === 401 ? 7 : (CODE_OF[outcome.status] ?? 2)
      return {ok: false, code, message: `attestation quote: ${outcome.message}`}
    }
    const r = outcome.response
    const message = AttestationQuoteResponse.encode({
      report: r.report,
      certChain: r.cert_chain ?? '',
      teePlatform: r.tee_platform,
      auxblob: r.auxblob ?? '',
      gpuReports: (r.gpu_reports ?? []).map((g, i) => ({deviceIndex: g.device_index ?? i, report: g.report})),
      tlsBound: r.tls_bound ?? false,
    }).finish()
    return {ok: true, message}
  }
}
