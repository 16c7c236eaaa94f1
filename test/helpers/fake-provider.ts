/**
 * A small real provider gateway for tests: HTTPS (TLS 1.3) with a self-signed certificate whose
 * CN is the provider's address, plus the logs / kubeevents / shell websockets. Tokens are checked
 * against the tenant's public key, as a provider checks them against the chain.
 */
import {webcrypto} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'

import * as x509 from '@peculiar/x509'
import {WebSocketServer, type WebSocket} from 'ws'

import {decodeJwt, verifyJwt} from '../../src/provider-client/jwt.js'
import {decodeFrame, encodeOutput, encodeResult} from '../../src/provider-client/shell-codec.js'

x509.cryptoProvider.set(webcrypto as unknown as Crypto)

export interface SelfSigned {
  certPem: string
  keyPem: string
  /** Decimal serial, as the cert module stores it. */
  serial: string
}

export async function selfSignedCert(cn: string, options: {serialHex?: string; notAfter?: Date; notBefore?: Date} = {}): Promise<SelfSigned> {
  const alg = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'}
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair
  const serialHex = options.serialHex ?? '0' + BigInt(Date.now()).toString(16) + Math.floor(Math.random() * 1e6).toString(16)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex,
    name: `CN=${cn}`,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 3600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{type: 'dns', value: 'localhost'}, {type: 'ip', value: '127.0.0.1'}]),
    ],
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey)
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`
  return {certPem: cert.toString('pem'), keyPem, serial: BigInt('0x' + serialHex).toString()}
}

export interface FakeProviderOptions {
  provider: string
  tenant: {address: string; pubkey: Uint8Array}
  cert?: SelfSigned
  /** Lease status answered once a manifest was received (a function: asked at each request, with the manifests so far). */
  leaseStatus?: unknown | ((manifests: string[]) => unknown)
  /** How many PUTs answer 404 before one is accepted (the provider has not seen the lease). */
  manifestNotFoundTimes?: number
  /** Refuse every manifest with this status (422: hash mismatch, …). */
  refuseManifest?: number
  /** More of `GET /status` (Akash's shape: cluster.inventory…). */
  status?: Record<string, unknown>
  /** Log lines per service name. */
  logs?: Array<{name: string; message: string}>
  events?: unknown[]
}

export interface ShellCall {
  query: URLSearchParams
  stdin: string
  resizes: Array<{width: number; height: number}>
}

export class FakeProvider {
  server!: Server
  wss!: WebSocketServer
  cert!: SelfSigned
  hostUri = ''
  manifests: string[] = []
  tokens: Array<{path: string; claims: Record<string, unknown>}> = []
  logConnections: URLSearchParams[] = []
  shellCalls: ShellCall[] = []
  logs: Array<{name: string; message: string}>
  /** When set, new log connections are accepted and closed at once with this code. */
  closeNewLogStreams?: number
  private logSockets = new Set<WebSocket>()
  private manifestMisses = 0

  constructor(readonly options: FakeProviderOptions) {
    this.logs = [...(options.logs ?? [])]
  }

  async start(): Promise<this> {
    this.cert = this.options.cert ?? (await selfSignedCert(this.options.provider))
    this.server = createServer({cert: this.cert.certPem, key: this.cert.keyPem, minVersion: 'TLSv1.3'}, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x')
      const body: Buffer[] = []
      req.on('data', (c: Buffer) => body.push(c))
      req.on('end', () => {
        if (url.pathname === '/status') {
          res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({address: this.options.provider, ...(this.options.status ?? {})}))
          return
        }
        if (!this.authorized(req.headers.authorization, url.pathname)) {
          res.writeHead(401, {'content-type': 'application/json'}).end(JSON.stringify({message: 'invalid token'}))
          return
        }
        if (req.method === 'PUT' && /^\/deployment\/\d+\/manifest$/.test(url.pathname)) {
          if (this.options.refuseManifest) {
            res.writeHead(this.options.refuseManifest, {'content-type': 'application/json'}).end(JSON.stringify({message: 'manifest version mismatch'}))
            return
          }
          if (this.manifestMisses < (this.options.manifestNotFoundTimes ?? 0)) {
            this.manifestMisses++
            res.writeHead(404).end('lease not found')
            return
          }
          this.manifests.push(Buffer.concat(body).toString('utf8'))
          res.writeHead(200).end()
          return
        }
        if (req.method === 'GET' && /^\/lease\/\d+\/\d+\/\d+\/status$/.test(url.pathname)) {
          if (this.manifests.length === 0) {
            res.writeHead(404).end('manifest not received')
            return
          }
          res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify((typeof this.options.leaseStatus === 'function' ? this.options.leaseStatus(this.manifests) : this.options.leaseStatus) ?? {services: {}}))
          return
        }
        res.writeHead(404).end('not found')
      })
    })
    this.wss = new WebSocketServer({noServer: true})
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'https://x')
      if (!this.authorized(req.headers.authorization, url.pathname)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"message":"invalid token"}')
        return
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, url))
    })
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.hostUri = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  private authorized(header: string | undefined, path: string): boolean {
    const token = header?.replace(/^Bearer /, '')
    if (!token || !verifyJwt(token, this.options.tenant.pubkey, this.options.tenant.address)) return false
    this.tokens.push({path, claims: decodeJwt(token).claims})
    return true
  }

  private onSocket(ws: WebSocket, url: URL): void {
    if (url.pathname.endsWith('/logs')) {
      this.logConnections.push(url.searchParams)
      if (this.closeNewLogStreams !== undefined) {
        ws.close(this.closeNewLogStreams, 'internal error')
        return
      }
      const tail = Number(url.searchParams.get('tail') ?? '-1')
      const lines = tail < 0 ? this.logs : tail === 0 ? [] : this.logs.slice(-tail)
      for (const line of lines) ws.send(JSON.stringify(line))
      if (url.searchParams.get('follow') === 'true') this.logSockets.add(ws)
      else ws.close(1000)
      ws.on('close', () => this.logSockets.delete(ws))
      return
    }
    if (url.pathname.endsWith('/kubeevents')) {
      for (const e of this.options.events ?? []) ws.send(JSON.stringify(e))
      if (url.searchParams.get('follow') !== 'true') ws.close(1000)
      return
    }
    if (url.pathname.endsWith('/shell')) {
      const call: ShellCall = {query: url.searchParams, stdin: '', resizes: []}
      this.shellCalls.push(call)
      const cmd: string[] = []
      for (let i = 0; url.searchParams.has(`cmd${i}`); i++) cmd.push(url.searchParams.get(`cmd${i}`)!)
      const run = () => {
        if (cmd[0] === 'echo') {
          ws.send(encodeOutput('stdout', cmd.slice(1).join(' ') + '\n'))
          ws.send(encodeResult(0))
        } else if (cmd[0] === 'sh' && cmd[1] === '-c' && /exit (\d+)/.test(cmd[2] ?? '')) {
          ws.send(encodeOutput('stderr', 'failing\n'))
          ws.send(encodeResult(Number(/exit (\d+)/.exec(cmd[2])![1])))
        } else if (cmd[0] === 'cat') {
          // Echo stdin until a line "EOF".
        } else {
          ws.send(Buffer.from([103]))
        }
      }
      ws.on('message', (data: Buffer) => {
        const frame = decodeFrame(data)
        if (frame.kind === 'stdin') {
          call.stdin += Buffer.from(frame.data).toString('utf8')
          ws.send(encodeOutput('stdout', frame.data))
          if (call.stdin.includes('EOF')) ws.send(encodeResult(0))
        } else if (frame.kind === 'resize') {
          call.resizes.push({width: frame.width, height: frame.height})
        }
      })
      run()
    }
  }

  /** Appends a log line and sends it to following clients. */
  emit(line: {name: string; message: string}): void {
    this.logs.push(line)
    for (const ws of this.logSockets) ws.send(JSON.stringify(line))
  }

  /** Drops every following log connection abruptly. */
  dropLogConnections(): void {
    for (const ws of this.logSockets) ws.terminate()
    this.logSockets.clear()
  }

  get certificates() {
    return {
      certificates: async (owner: string, serial?: string) =>
        owner === this.options.provider && (!serial || serial === this.cert.serial)
          ? [{owner, serial: this.cert.serial, state: 'valid' as const, cert: this.cert.certPem, pubkey: ''}]
          : [],
    }
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate()
    this.wss.close()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections?.()
  }
}
