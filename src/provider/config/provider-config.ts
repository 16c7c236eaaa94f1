/**
 * The provider config file, `<data>/provider/<name>/provider.yaml`. `edge provide init` writes it;
 * `edge provide start` reads it. YAML so that an operator can edit prices and attributes by hand.
 * Money is kept as decimal strings (USD per hour) and parsed into bigints where it is used.
 */
import {chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {UsageError} from '../../errors.js'
import {providerDir} from '../../config/paths.js'
import type {CpuMillis, MemoryBytesText, StorageBytesText} from '../../protocol/json-fields.js'
import {parseCoin, parseDec} from '../../protocol/money.js'
import {type DevOptions, parseDevOptions} from '../dev/dev-options.js'
import {reclamationConfig} from './reclamation-config.js'
import {recordReads} from './unknown-keys.js'

export const CONFIG_FILE = 'provider.yaml'
export const CONFIG_VERSION = 1

export type RuntimeKindName = 'docker' | 'process'

export interface GpuConfig {
  /** nvidia-smi index; what the runtime passes to DeviceRequests. */
  index: number
  uuid?: string
  vendor: string
  /** Lower-case model as Akash names it: `h100`, `rtx4090`, `a100`. */
  model: string
  /** VRAM as Akash writes it: `80Gi`. */
  ram?: string
  /** `pcie` or `sxm`. */
  interface?: string
}

export interface StorageClassConfig {
  /** beta1 (HDD), beta2 (SSD), beta3 (NVMe), default, ram. */
  class: string
  persistent: boolean
  /** Bytes this class may hand out; ram draws on memory. */
  bytes?: string
}

/** What this machine offers to leases. The figures `edge provide init` and `edge provide status` show. */
export interface CapacityConfig {
  cpuMillis: CpuMillis
  memoryBytes: MemoryBytesText
  // Ephemeral only: each persistent class has its own `bytes` in storageClasses.
  storageBytes: StorageBytesText
  gpus: GpuConfig[]
  storageClasses: StorageClassConfig[]
}

export interface PricingConfig {
  /** USD per CPU core per hour. */
  cpuCoreHour: string
  /** USD per GiB of memory per hour. */
  memoryGiBHour: string
  /** USD per GiB of storage per hour (ephemeral). */
  storageGiBHour: string
  /** USD per GiB per hour for persistent storage classes, by class; `storageGiBHour` otherwise. */
  persistentStorageGiBHour?: Record<string, string>
  /** USD per GPU per hour by model (`h100`), with `default` for any other model. */
  gpuHour: Record<string, string>
  /** USD per global endpoint (forwarded port or ingress host) per hour. */
  endpointHour?: string
  /** USD per AKT, for orders priced in uakt (old deployments); without it those are skipped. */
  aktUsd?: string
  /**
   * A pricing command (Akash's bid-price script protocol): order JSON on stdin, the per-block price
   * in the order's denom on stdout. When set it replaces the table.
   */
  command?: string
  /** Seconds the pricing command may run. */
  commandTimeoutS?: number
}

export interface GatewayConfig {
  /** Address to listen on; the port defaults to the host URI's. */
  listen?: string
  /**
   * Address the gRPC status service (akash.provider.v1.ProviderRPC) listens on. Akash serves it on
   * 8444 next to a gateway on 8443, and clients such as Akash Console look for it there; so by
   * default it is the gateway's host and the gateway's port + 1 (any free port when the gateway's is).
   */
  grpcListen?: string
  /** A certificate to serve instead of the self-signed one (PEM files). */
  certFile?: string
  keyFile?: string
  /** Largest request body accepted (manifest PUT), bytes. */
  maxBodyBytes?: number
}

export interface IngressConfig {
  /** Hostnames are `<id>.<domain>`; `localhost` on edge dev. */
  domain: string
  /** Address:port the ingress proxy listens on. */
  listen?: string
  /** Host that forwarded ports are reported under (defaults to the host URI's host). */
  publicHost?: string
}

export interface BiddingConfig {
  /** Bid deposit, e.g. `500000uakt`; absent = the chain's minimum. */
  deposit?: string
  /** Close a bid nobody leased after this many seconds. */
  bidTimeoutS: number
  /** Close a won lease whose manifest did not arrive in this many seconds. */
  manifestTimeoutS: number
  /** Withdraw lease earnings this often (seconds); 0 = only on lease close. */
  withdrawIntervalS: number
  /**
   * Check each lease's escrow at least this often (seconds; Akash's --lease-funds-monitor-interval,
   * 10 minutes). A lease is also checked at the block its deposit runs out, and then withdrawn from
   * so that the chain closes it for insufficient funds.
   */
  leaseFundsCheckIntervalS: number
  /** Most open bids at once (0 = no limit). */
  maxOpenBids: number
}

/**
 * Resource reclamation (AEP-82): whether to bid on orders whose tenant lets the provider take the
 * resources back with notice, and how much notice to offer. The window offered is this provider's
 * `windowS`, raised to the order's minimum; it must stay within the chain's bounds.
 */
export interface ReclamationConfig {
  /** Bid on orders that allow reclamation (the bid then carries a window). Default true. */
  accept: boolean
  /** Notice offered, seconds; absent: exactly the order's minimum. */
  windowS?: number
  /** Refuse orders that ask for more notice than this, seconds; absent: any the chain allows. */
  maxWindowS?: number
  /** When to start reclaiming on its own (`edge provide reclaim` does it by hand). */
  rules?: ReclaimRule[]
}

/**
 * A reclamation the provider starts by itself: today, GPUs the operator wants back. Each lease
 * holding one of them that was made with a reclamation window is reclaimed, and no new bid is
 * given those GPUs (else the next order would take them again).
 */
export interface ReclaimRule {
  /** nvidia-smi indexes of the GPUs wanted back (`capacity.gpus[].index`). */
  gpus: number[]
  /** Told to the tenant: a chain reason (decommission, unstable, unspecified) or the operator's words. */
  reason: string
}

export interface RuntimeConfigFile {
  kind: RuntimeKindName
  /** Docker/Podman socket; found automatically when absent. */
  socket?: string
  /** Host ports for forwarded ports: `min-max`. */
  portRange?: string
}

export interface ProviderConfig {
  version: number
  name: string
  network: string
  /** Keystore key that signs (EDGE_MNEMONIC overrides it). */
  key?: string
  /** The address the key derives, recorded for status without unlocking. */
  address?: string
  hostUri: string
  /** Attributes beyond the generated capability ones (`region`, `organization`, …). */
  attributes: Record<string, string>
  info?: {email?: string; website?: string}
  capacity: CapacityConfig
  pricing: PricingConfig
  runtime: RuntimeConfigFile
  gateway: GatewayConfig
  ingress: IngressConfig
  bidding: BiddingConfig
  /** edge dev only: test behaviour (a provider that lies about capacity); see provider/dev/dev-options.ts. */
  dev?: DevOptions
  reclamation: ReclamationConfig
}

export const DEFAULT_PRICING: PricingConfig = {
  cpuCoreHour: '0.012',
  memoryGiBHour: '0.004',
  storageGiBHour: '0.0002',
  gpuHour: {default: '0.50'},
  endpointHour: '0',
}

export const DEFAULT_BIDDING: BiddingConfig = {
  bidTimeoutS: 300,
  manifestTimeoutS: 300,
  withdrawIntervalS: 600,
  leaseFundsCheckIntervalS: 600,
  maxOpenBids: 0,
}

export function configPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(providerDir(name, env), CONFIG_FILE)
}

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/

export function validateProviderName(name: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid provider name.`, {
      hint: 'Use lowercase letters, digits and dashes (at most 40 characters).',
    })
  }
  return name
}

export async function loadProviderConfig(name: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderConfig> {
  const path = configPath(validateProviderName(name), env)
  if (!existsSync(path)) {
    throw new UsageError(`There is no provider "${name}" on this machine.`, {
      code: 'provider_not_initialised',
      hint: `Run \`edge provide init${name === 'default' ? '' : ` --name ${name}`}\` first.`,
    })
  }
  const {parse} = await import('yaml')
  let raw: unknown
  try {
    raw = parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UsageError(`${path} is not valid YAML: ${(error as Error).message}`, {hint: 'Fix the file or run `edge provide init` again.'})
  }
  return validateProviderConfig(raw, path)
}

export async function saveProviderConfig(config: ProviderConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(config.name, env)
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const {stringify} = await import('yaml')
  const header =
    '# edge provider configuration (edge provide init writes it; edit by hand, then restart `edge provide start`).\n' +
    '# Prices are USD per hour; ACT is worth 1 USD, so they become uact per block with the network block time.\n'
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, header + stringify(config), {mode: 0o600})
  renameSync(tmp, path)
  chmodSync(path, 0o600)
  return path
}

/** Checks a parsed file and fills defaults; errors name the field, and a key it does not know. */
export function validateProviderConfig(raw: unknown, source = CONFIG_FILE): ProviderConfig {
  if (!raw || typeof raw !== 'object') {
    throw new UsageError(`${source}: the file is empty.`, {code: 'bad_provider_config', hint: 'Fix the file or run `edge provide init` again.'})
  }
  const reads = recordReads(raw)
  const config = readProviderConfig(reads.value, source)
  const [first, ...more] = reads.unknownKeys()
  if (first) {
    const others = more.length ? ` (and ${more.map((k) => k.path).join(', ')})` : ''
    throw new UsageError(`${source}: unknown key ${first.path}${others}.`, {
      code: 'bad_provider_config',
      hint: first.suggestion ? `Did you mean ${first.suggestion}?` : 'Remove it, or see the file `edge provide init` writes for the keys there are.',
      details: {unknown: [first, ...more].map((k) => k.path)},
    })
  }
  return config
}

function readProviderConfig(raw: object, source: string): ProviderConfig {
  const bad = (field: string, why: string) =>
    new UsageError(`${source}: ${field} ${why}.`, {code: 'bad_provider_config', hint: 'Fix the file or run `edge provide init` again.'})
  if (!raw || typeof raw !== 'object') throw bad('the file', 'is empty')
  const r = raw as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- validates untyped YAML key by key
  const str = (v: unknown, field: string): string => {
    if (typeof v !== 'string' || v === '') throw bad(field, 'must be a non-empty string')
    return v
  }
  const usd = (v: unknown, field: string): string => {
    const s = typeof v === 'number' ? String(v) : v
    if (typeof s !== 'string') throw bad(field, 'must be a decimal number of USD')
    try {
      parseDec(s)
    } catch {
      throw bad(field, `"${s}" is not a decimal number`)
    }
    return s
  }
  const int = (v: unknown, field: string, fallback: number): number => {
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(field, 'must be a non-negative integer')
    return v
  }
  const bytes = (v: unknown, field: string): string => {
    const s = typeof v === 'number' ? String(v) : v
    if (typeof s !== 'string' || !/^\d+$/.test(s)) throw bad(field, 'must be a whole number of bytes')
    return s
  }

  const name = validateProviderName(str(r.name ?? 'default', 'name'))
  const hostUri = str(r.hostUri, 'hostUri')
  validateHostUri(hostUri)

  const cap = r.capacity ?? {}
  const capacity: CapacityConfig = {
    cpuMillis: int(cap.cpuMillis, 'capacity.cpuMillis', 0),
    memoryBytes: bytes(cap.memoryBytes ?? '0', 'capacity.memoryBytes'),
    storageBytes: bytes(cap.storageBytes ?? '0', 'capacity.storageBytes'),
    gpus: (Array.isArray(cap.gpus) ? cap.gpus : []).map((g: any, i: number) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped YAML entry, validated below
      index: int(g.index, `capacity.gpus[${i}].index`, i),
      ...(g.uuid ? {uuid: String(g.uuid)} : {}),
      vendor: String(g.vendor ?? 'nvidia').toLowerCase(),
      model: str(g.model, `capacity.gpus[${i}].model`).toLowerCase(),
      ...(g.ram ? {ram: String(g.ram)} : {}),
      ...(g.interface ? {interface: String(g.interface).toLowerCase()} : {}),
    })),
    storageClasses: (Array.isArray(cap.storageClasses) ? cap.storageClasses : []).map((s: any, i: number) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped YAML entry, validated below
      class: str(s.class, `capacity.storageClasses[${i}].class`),
      persistent: Boolean(s.persistent),
      ...(s.bytes !== undefined ? {bytes: bytes(s.bytes, `capacity.storageClasses[${i}].bytes`)} : {}),
    })),
  }

  const p = r.pricing ?? {}
  const gpuHour: Record<string, string> = {}
  for (const [model, price] of Object.entries(p.gpuHour ?? DEFAULT_PRICING.gpuHour)) gpuHour[model.toLowerCase()] = usd(price, `pricing.gpuHour.${model}`)
  const persistent: Record<string, string> = {}
  for (const [cls, price] of Object.entries(p.persistentStorageGiBHour ?? {})) persistent[cls] = usd(price, `pricing.persistentStorageGiBHour.${cls}`)
  const pricing: PricingConfig = {
    cpuCoreHour: usd(p.cpuCoreHour ?? DEFAULT_PRICING.cpuCoreHour, 'pricing.cpuCoreHour'),
    memoryGiBHour: usd(p.memoryGiBHour ?? DEFAULT_PRICING.memoryGiBHour, 'pricing.memoryGiBHour'),
    storageGiBHour: usd(p.storageGiBHour ?? DEFAULT_PRICING.storageGiBHour, 'pricing.storageGiBHour'),
    ...(Object.keys(persistent).length > 0 ? {persistentStorageGiBHour: persistent} : {}),
    gpuHour,
    endpointHour: usd(p.endpointHour ?? '0', 'pricing.endpointHour'),
    ...(p.aktUsd !== undefined ? {aktUsd: usd(p.aktUsd, 'pricing.aktUsd')} : {}),
    ...(p.command ? {command: str(p.command, 'pricing.command')} : {}),
    ...(p.commandTimeoutS !== undefined ? {commandTimeoutS: int(p.commandTimeoutS, 'pricing.commandTimeoutS', 10)} : {}),
  }

  const rt = r.runtime ?? {}
  const kind = rt.kind ?? 'docker'
  if (kind !== 'docker' && kind !== 'process') throw bad('runtime.kind', 'must be docker or process')
  if (rt.portRange !== undefined) parsePortRange(String(rt.portRange), `${source}: runtime.portRange`)
  const runtime: RuntimeConfigFile = {
    kind,
    ...(rt.socket ? {socket: String(rt.socket)} : {}),
    ...(rt.portRange ? {portRange: String(rt.portRange)} : {}),
  }

  const listen = (v: unknown, field: string): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined
    if (!listenAddress(String(v))) throw bad(field, `"${String(v)}" is not host:port (e.g. 0.0.0.0:8443, [::]:8443)`)
    return String(v)
  }
  const g = r.gateway ?? {}
  const gatewayListen = listen(g.listen, 'gateway.listen')
  const grpcListen = listen(g.grpcListen, 'gateway.grpcListen')
  if ((g.certFile && !g.keyFile) || (!g.certFile && g.keyFile)) throw bad('gateway.certFile/keyFile', 'must be given together')
  const gateway: GatewayConfig = {
    ...(gatewayListen ? {listen: gatewayListen} : {}),
    ...(grpcListen ? {grpcListen} : {}),
    ...(g.certFile ? {certFile: String(g.certFile), keyFile: String(g.keyFile)} : {}),
    ...(g.maxBodyBytes !== undefined ? {maxBodyBytes: int(g.maxBodyBytes, 'gateway.maxBodyBytes', 0)} : {}),
  }

  const ing = r.ingress ?? {}
  const ingressListen = listen(ing.listen, 'ingress.listen')
  const ingress: IngressConfig = {
    domain: String(ing.domain ?? 'localhost'),
    ...(ingressListen ? {listen: ingressListen} : {}),
    ...(ing.publicHost ? {publicHost: String(ing.publicHost)} : {}),
  }

  const b = r.bidding ?? {}
  if (b.deposit) {
    try {
      parseCoin(String(b.deposit))
    } catch {
      throw bad('bidding.deposit', `"${String(b.deposit)}" is not an amount such as 500000uakt`)
    }
  }
  const bidding: BiddingConfig = {
    ...(b.deposit ? {deposit: String(b.deposit)} : {}),
    bidTimeoutS: int(b.bidTimeoutS, 'bidding.bidTimeoutS', DEFAULT_BIDDING.bidTimeoutS),
    manifestTimeoutS: int(b.manifestTimeoutS, 'bidding.manifestTimeoutS', DEFAULT_BIDDING.manifestTimeoutS),
    withdrawIntervalS: int(b.withdrawIntervalS, 'bidding.withdrawIntervalS', DEFAULT_BIDDING.withdrawIntervalS),
    leaseFundsCheckIntervalS: int(b.leaseFundsCheckIntervalS, 'bidding.leaseFundsCheckIntervalS', DEFAULT_BIDDING.leaseFundsCheckIntervalS),
    maxOpenBids: int(b.maxOpenBids, 'bidding.maxOpenBids', DEFAULT_BIDDING.maxOpenBids),
  }

  // Akash's provider refuses the same pair (run.go): a lease found out of funds is withdrawn from at
  // once anyway, so periodic withdrawals more often than the funds check only cost fees.
  if (bidding.withdrawIntervalS > 0 && bidding.withdrawIntervalS < bidding.leaseFundsCheckIntervalS) {
    throw bad('bidding.withdrawIntervalS', `(${bidding.withdrawIntervalS}) must be 0 (never) or at least bidding.leaseFundsCheckIntervalS (${bidding.leaseFundsCheckIntervalS})`)
  }

  const reclamation = reclamationConfig(r.reclamation ?? {}, bad)
  const gpuIndexes = new Set(capacity.gpus.map((g) => g.index))
  for (const [i, rule] of (reclamation.rules ?? []).entries()) {
    const unknown = rule.gpus.find((g) => !gpuIndexes.has(g))
    if (unknown !== undefined) throw bad(`reclamation.rules[${i}].gpus`, `names GPU ${unknown}, which is not in capacity.gpus`)
  }

  const attributes: Record<string, string> = {}
  for (const [k, v] of Object.entries(r.attributes ?? {})) attributes[k] = String(v)

  return {
    version: int(r.version, 'version', CONFIG_VERSION),
    name,
    network: str(r.network ?? 'local', 'network'),
    ...(r.key ? {key: String(r.key)} : {}),
    ...(r.address ? {address: String(r.address)} : {}),
    hostUri,
    attributes,
    ...(r.info ? {info: {...(r.info.email ? {email: String(r.info.email)} : {}), ...(r.info.website ? {website: String(r.info.website)} : {})}} : {}),
    capacity,
    pricing,
    runtime,
    gateway,
    ingress,
    bidding,
    ...(r.dev !== undefined ? {dev: parseDevOptions(r.dev, bad)} : {}),
    reclamation,
  }
}

/**
 * The key about to sign must be the one the provider was set up with: its state DB, leases,
 * containers and on-chain record all belong to that address. Another key (an EDGE_MNEMONIC left
 * over from tenant work, say) would find none of its leases on chain and tear them down here.
 */
export function assertProviderAddress(config: Pick<ProviderConfig, 'name' | 'key' | 'address'>, address: string): void {
  if (!config.address || config.address === address) return
  const name = config.name === 'default' ? '' : ` --name ${config.name}`
  const own = config.key ? `key "${config.key}"` : `the mnemonic of ${config.address} in EDGE_MNEMONIC`
  throw new UsageError(`The key signs as ${address}, but provider "${config.name}" is ${config.address}.`, {
    code: 'provider_key_mismatch',
    hint: `Sign with ${own}${config.key ? ' (unset EDGE_MNEMONIC, which overrides it)' : ''}; to move the provider to another key, run \`edge provide init${name} --key KEY\`.`,
  })
}

/** The host URI must be https with a host; the gateway listens on its port (8443 by default). */
export function validateHostUri(uri: string): URL {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new UsageError(`The host URI "${uri}" is not a URL.`, {hint: 'Give the public address tenants reach, e.g. https://provider.example.com:8443.'})
  }
  if (url.protocol !== 'https:') {
    throw new UsageError(`The host URI "${uri}" must use https.`, {hint: 'Akash tenants only speak HTTPS to providers: https://host:8443.'})
  }
  return url
}

export function hostUriPort(uri: string): number {
  const url = validateHostUri(uri)
  return url.port ? Number(url.port) : 443
}

/** `host:port`, `[v6]:port` or a bare port (all addresses); undefined when it is none of these. */
export function listenAddress(text: string): {host: string; port: number} | undefined {
  const t = text.trim()
  const i = t.lastIndexOf(':')
  const rawHost = i === -1 ? '' : t.slice(0, i)
  const portText = i === -1 ? t : t.slice(i + 1)
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return undefined
  const bracketed = /^\[[^\]]+\]$/.test(rawHost)
  // An IPv6 address needs its brackets, or its last group would be read as the port.
  if (!bracketed && rawHost.includes(':')) return undefined
  const host = bracketed ? rawHost.slice(1, -1) : rawHost
  return {host: host || '0.0.0.0', port: Number(portText)}
}

export function parsePortRange(text: string, what = 'port range'): {min: number; max: number} {
  const m = /^(\d+)-(\d+)$/.exec(text.trim())
  const min = m ? Number(m[1]) : NaN
  const max = m ? Number(m[2]) : NaN
  if (!m || min < 1 || max > 65535 || min > max) {
    throw new UsageError(`${what} "${text}" is not a range of ports.`, {hint: 'Write it as MIN-MAX, e.g. 30000-32767.'})
  }
  return {min, max}
}
