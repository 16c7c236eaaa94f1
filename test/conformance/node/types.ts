// The contract every conformance backend fulfils, so one suite runs against `edge dev` and against
// a real Akash node alike. Endpoints are loopback URLs on ports the backend picked.

/** A funded test account. Test keys only: never used outside a local chain. */
export interface ChainAccount {
  mnemonic: string
  address: string
}

export interface ChainBackend {
  kind: 'akash-node' | 'edge-dev'
  chainId: string
  /** CometBFT JSON-RPC, e.g. http://127.0.0.1:36657 (cosmjs StargateClient.connect). */
  rpc: string
  /** gRPC (HTTP/2, plaintext), e.g. http://127.0.0.1:19090 (chain-sdk createChainNodeSDK query.baseUrl). */
  grpc: string
  /** REST / LCD (grpc-gateway), e.g. http://127.0.0.1:11317. */
  rest: string
  /** tenant: uakt + uact; provider: uakt + uact; auditor: uakt (genesis balances). */
  accounts: {tenant: ChainAccount; provider: ChainAccount; auditor: ChainAccount}
  /** The node's minimum gas price; a fee of gas × this price is accepted. */
  gasPrice: string
  /** Where the backend writes its log; quote it in failures. */
  logFile: string
  /** Stops the backend and removes what it created. Safe to call twice. */
  stop(): Promise<void>
}
