/** The tenant side of the Akash provider API. */
export {ProviderClient, serviceOf, type LogStreamEvent, type ShellResult, type ShellSession, type TokenSource} from './client.js'
export {leaseToken, signJwt, verifyJwt, decodeJwt, type JwtAlgorithm, type JwtScope} from './jwt.js'
export {measureLatency, tlsHandshakeProbe, quantile, type HandshakeProbe, type LatencyResult} from './probe.js'
export {establishTrust, parseHostUri, type CertificateSource, type TrustedEndpoint} from './trust.js'
export type {KubeEvent, LeaseRef, LeaseStatus, ServiceStatus, ForwardedPort} from './types.js'
export type {WebSocketFactory, HttpRequester} from './transport.js'
