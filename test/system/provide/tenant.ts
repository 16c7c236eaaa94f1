/**
 * A tenant that uses ONLY Akash's own client (chain-sdk: SDL, gRPC queries, signed transactions,
 * JwtTokenManager) and plain HTTPS / websocket clients — nothing of edge — so that the provider is
 * tested the way any Akash tenant would use it.
 */
import {X509Certificate} from 'node:crypto'
import https from 'node:https'
import type {TLSSocket} from 'node:tls'

import {
  JwtTokenManager,
  type SDLInput,
  createChainNodeSDK,
  createStargateClient,
  generateManifest,
  generateManifestVersion,
  manifestToSortedJSON,
  yaml as parseYaml,
} from '@akashnetwork/chain-sdk'
import {Secp256k1HdWallet} from '@cosmjs/amino'
import WebSocket from 'ws'

export interface TenantOptions {
  mnemonic: string
  rpc: string
  grpc: string
}

export interface HttpReply {
  status: number
  body: string
  json?: any
  peerCertificate?: X509Certificate
}

export class Tenant {
  sdk!: any
  address!: string
  private wallet!: Secp256k1HdWallet
  private signer!: any

  static async open(options: TenantOptions): Promise<Tenant> {
    const t = new Tenant()
    t.wallet = await Secp256k1HdWallet.fromMnemonic(options.mnemonic, {prefix: 'akash'})
    t.address = (await t.wallet.getAccounts())[0].address
    t.signer = createStargateClient({baseUrl: options.rpc, signerMnemonic: options.mnemonic, defaultGasPrice: '0.025uakt', stargateOptions: {broadcastPollIntervalMs: 100}})
    t.sdk = createChainNodeSDK({query: {baseUrl: options.grpc}, tx: {signer: t.signer}})
    return t
  }

  close(): Promise<void> {
    return this.signer.disconnect()
  }

  /** MsgCreateDeployment from an SDL, through chain-sdk's generateManifest; returns dseq and the manifest body. */
  async createDeployment(yaml: string, dseq?: bigint): Promise<{dseq: bigint; manifest: string; height: number}> {
    const generated = generateManifest(parseYaml.raw<SDLInput>(yaml))
    if (!generated.ok) throw new Error(`chain-sdk refuses the SDL: ${JSON.stringify(generated.value)}`)
    const hash = await generateManifestVersion(generated.value.groups)
    const groups = generated.value.groupSpecs
    let height = 0
    const seq = dseq ?? BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000))
    await this.sdk.akash.deployment.v1beta4.createDeployment(
      {
        id: {owner: this.address, dseq: seq.toString()},
        groups,
        hash,
        deposit: {amount: {denom: 'uact', amount: '5000000'}, sources: [1]},
      },
      {afterBroadcast: (r: {height: number}) => (height = r.height)},
    )
    return {dseq: seq, manifest: manifestToSortedJSON(generated.value.groups), height}
  }

  async bids(dseq: bigint): Promise<any[]> {
    const r = await this.sdk.akash.market.v1beta5.getBids({filters: {owner: this.address, dseq: dseq.toString(), state: '', provider: ''}, pagination: {limit: 100}})
    return r.bids ?? []
  }

  async waitForBid(dseq: bigint, provider: string, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const bid = (await this.bids(dseq)).find((b) => b.bid.id.provider === provider)
      if (bid) return bid
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`no bid from ${provider} on ${dseq} within ${timeoutMs} ms`)
  }

  async createLease(bidId: any): Promise<void> {
    await this.sdk.akash.market.v1beta5.createLease({bidId})
  }

  /** A bank send (also how a fresh account gets its public key on chain). */
  async send(to: string, amount: string, denom = 'uakt'): Promise<void> {
    await this.sdk.cosmos.bank.v1beta1.send({fromAddress: this.address, toAddress: to, amount: [{denom, amount}]})
  }

  async closeDeployment(dseq: bigint): Promise<void> {
    await this.sdk.akash.deployment.v1beta4.closeDeployment({id: {owner: this.address, dseq: dseq.toString()}})
  }

  async providerHostUri(provider: string): Promise<string> {
    return (await this.sdk.akash.provider.v1beta4.getProvider({owner: provider})).provider.hostUri
  }

  /** Serials of the provider's valid on-chain certificates. */
  async certificateSerials(owner: string): Promise<string[]> {
    const r = await this.sdk.akash.cert.v1.getCertificates({filter: {owner, serial: '', state: 'valid'}, pagination: {limit: 100}})
    return (r.certificates ?? []).map((c: {serial: string}) => c.serial)
  }

  /** A token from chain-sdk's JwtTokenManager (ES256KADR36, the TS default). */
  async token(leases: object = {access: 'full'}, lifetimeS = 600): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    return new JwtTokenManager(this.wallet).generateToken({version: 'v1', iss: this.address, iat: now, nbf: now, exp: now + lifetimeS, leases: leases as never})
  }
}

/** Plain HTTPS; the provider's certificate is self-signed (checked against the chain separately). */
export function httpsRequest(url: string, options: {method?: string; token?: string; body?: string; headers?: Record<string, string>} = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: options.method ?? 'GET',
        rejectUnauthorized: false,
        agent: false,
        headers: {...(options.token ? {Authorization: `Bearer ${options.token}`} : {}), ...(options.body ? {'Content-Type': 'application/json'} : {}), ...options.headers},
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerX509Certificate?.()
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => {
          let json
          try {
            json = JSON.parse(body)
          } catch {
            json = undefined
          }
          resolve({status: res.statusCode ?? 0, body, json, ...(peer ? {peerCertificate: peer} : {})})
        })
      },
    )
    req.on('error', reject)
    if (options.body) req.write(options.body)
    req.end()
  })
}

export interface WsResult {
  text: string[]
  binary: Buffer[]
  code: number
}

/** Opens a websocket, optionally sends binary frames, collects until close or `until` says stop. */
export function websocket(
  url: string,
  token: string,
  options: {send?: Buffer[]; until?: (r: WsResult) => boolean; timeoutMs?: number} = {},
): Promise<WsResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^https/, 'wss'), {rejectUnauthorized: false, headers: {Authorization: `Bearer ${token}`}})
    const result: WsResult = {text: [], binary: [], code: 0}
    const timer = setTimeout(() => ws.terminate(), options.timeoutMs ?? 30_000)
    ws.on('open', () => {
      for (const f of options.send ?? []) ws.send(f)
    })
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) result.binary.push(Buffer.from(data))
      else result.text.push(data.toString())
      if (options.until?.(result)) ws.close(1000)
    })
    ws.on('close', (code) => {
      clearTimeout(timer)
      result.code = code
      resolve(result)
    })
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), {status: res.statusCode}))
    })
    ws.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
  })
}
