import {existsSync} from 'node:fs'
import {dirname} from 'node:path'

import {providerDir} from '../../config/paths.js'
import {InsufficientFundsError, UsageError} from '../../errors.js'
import {sleep} from '../../lib/sleep.js'
import type {Attribute} from '../../market/market.js'
import type {MemoryBytesText} from '../../protocol/json-fields.js'
import {parseCoin, parseDec} from '../../protocol/money.js'
import {providerAttributes, sameAttributes} from '../../provider/attributes.js'
import {
  type CapacityConfig,
  DEFAULT_BIDDING,
  DEFAULT_PRICING,
  type ProviderConfig,
  type RuntimeKindName,
  configPath,
  listenAddress,
  loadProviderConfig,
  saveProviderConfig,
  validateHostUri,
  validateProviderConfig,
  validateProviderName,
} from '../../provider/config/provider-config.js'
import {type DetectOptions, type MachineFacts, defaultCapacity, detectMachine} from '../../provider/inventory/detect.js'
import {parseBytes} from '../../sdl/index.js'
import type {Session} from '../session.js'
import type {Prompts} from '../prompts.js'
import {providerKeyName, providerMnemonic} from './keys.js'
import {attributeKeyProblem, checkOnChainFields, onChainFieldProblem} from './on-chain-fields.js'

/** What init offers as persistent storage, per class: the command shows it with the ephemeral figure. */
export {persistentOffer} from '../../provider/capacity/capacity.js'

export interface InitOptions {
  name: string
  key?: string
  hostUri?: string
  region?: string
  /** Extra attributes, `key=value`. */
  attributes?: string[]
  email?: string
  website?: string
  priceCpu?: string
  priceMemory?: string
  priceStorage?: string
  /** `model=usd` pairs, `default=usd` for any other model. */
  priceGpu?: string[]
  pricingCommand?: string
  runtime?: RuntimeKindName
  socket?: string
  portRange?: string
  /** Cores offered (decimal), memory and storage offered ("16Gi"). */
  cpu?: string
  memory?: string
  storage?: string
  ingressDomain?: string
  ingressListen?: string
  /** host:port of the gRPC status service (config `gateway.grpcListen`). */
  grpcListen?: string
  /** host:port the gateway listens on (config `gateway.listen`); default all interfaces at the host URI's port. */
  gatewayListen?: string
  deposit?: string
  register: boolean
  interactive: boolean
  /** How to ask for what the flags left open (the command's terminal prompts); asked only when interactive. */
  prompts?: Pick<Prompts, 'text' | 'select'> & Partial<Pick<Prompts, 'password'>>
  env?: NodeJS.ProcessEnv
  detect?: DetectOptions
  /** Where the runtime lives (for auto-detection); injected in tests. */
  dockerSocket?: () => Promise<string | undefined>
}

export interface InitResult {
  name: string
  network: string
  address: string
  key: string
  keyCreated: boolean
  configPath: string
  hostUri: string
  attributes: Attribute[]
  machine: {cpuCores: number; memoryBytes: MemoryBytesText; diskFreeBytes: string; gpus: Array<{index: number; model: string; ram?: string; interface?: string}>; gpuNote?: string}
  capacity: CapacityConfig
  pricing: ProviderConfig['pricing']
  runtime: RuntimeKindName
  registration: {action: 'created' | 'updated' | 'unchanged' | 'skipped'; txHash?: string}
  funded: boolean
}

/**
 * `edge provide init`: detects the machine, settles every setting (flag, else the existing config,
 * else a prompt in a terminal, else a default), writes `<data>/provider/<name>/provider.yaml` and
 * registers or updates the provider record on chain with the conventional attributes.
 */
export async function initProvider(session: Session, options: InitOptions): Promise<InitResult> {
  const env = options.env ?? process.env
  const name = validateProviderName(options.name)
  const existing = existsSync(configPath(name, env)) ? await loadProviderConfig(name, env) : undefined
  const local = session.network.profile.onThisMachine
  const facts = await detectMachine({dataPath: existingAncestor(providerDir(name, env)), ...options.detect})

  const {key, created: keyCreated} = await providerKeyName(session, name, options.key ?? existing?.key)
  // The address is the one that signs: EDGE_MNEMONIC overrides the keystore key, as it does for
  // every command, so the record it registers and the address in the config agree.
  const address = !env.EDGE_MNEMONIC && session.keystore.has(key) ? session.keystore.get(key).address : await addressFromEnv(env, session)

  const hostUri = await settle({
    flag: options.hostUri,
    existing: existing?.hostUri,
    fallback: local ? 'https://localhost:8443' : undefined,
    ask: askText(options),
    flagName: '--host-uri',
    message: 'Public address tenants reach this provider at (https://host:port)',
    hint: 'Give the public address tenants reach, e.g. https://provider.example.com:8443.',
    validate: (v) => {
      const control = onChainFieldProblem('The host URI', v)
      if (control) return control
      try {
        validateHostUri(v)
        return undefined
      } catch (error) {
        return (error as Error).message
      }
    },
  })
  validateHostUri(hostUri)

  const attributes: Record<string, string> = {...(existing?.attributes ?? {})}
  const region = await settle({
    flag: options.region,
    existing: existing?.attributes.region,
    fallback: '',
    askEvenWithFallback: !existing,
    ask: askText(options),
    flagName: '--region',
    message: 'Region attribute (e.g. us-west; empty for none)',
    validate: (v) => onChainFieldProblem('The region', v),
    hint: 'Give the region in printable characters, e.g. --region us-west.',
  })
  if (region) attributes.region = region
  for (const pair of options.attributes ?? []) {
    const [k, ...rest] = pair.split('=')
    if (!k || rest.length === 0) throw new UsageError(`--attribute ${JSON.stringify(pair)} is not key=value.`, {hint: 'Write --attribute organization=acme.'})
    const value = rest.join('=')
    const problem = attributeKeyProblem(k) ?? onChainFieldProblem(`The value of --attribute ${k}`, value)
    if (problem) throw new UsageError(`${problem}.`, {code: 'bad_provider_field', hint: 'Write --attribute organization=acme, in printable characters.'})
    attributes[k] = value
  }
  for (const [flag, value] of [['--email', options.email], ['--website', options.website]] as const) {
    const problem = value === undefined ? undefined : onChainFieldProblem(`The value of ${flag}`, value)
    if (problem) throw new UsageError(`${problem}.`, {code: 'bad_provider_field', hint: `Pass ${flag} in printable characters.`})
  }

  const pricing = await settlePricing(options, existing?.pricing, facts)
  const runtime = await settleRuntime(options, existing?.runtime.kind, local)

  const capacity = {...(existing?.capacity ?? defaultCapacity(facts)), gpus: facts.gpus.length > 0 ? facts.gpus : existing?.capacity.gpus ?? []}
  if (options.cpu) capacity.cpuMillis = cpuFlag(options.cpu)
  if (options.ingressListen && !listenAddress(options.ingressListen)) {
    throw new UsageError(`--ingress-listen "${options.ingressListen}" is not host:port.`, {hint: 'Write it as 0.0.0.0:80, 127.0.0.1:8080 or [::]:80.'})
  }
  if (options.deposit) {
    try {
      parseCoin(options.deposit)
    } catch {
      throw new UsageError(`--deposit "${options.deposit}" is not an amount.`, {hint: 'Write it with its denom, e.g. --deposit 500000uakt or --deposit 0.5akt.'})
    }
  }
  if (options.memory) capacity.memoryBytes = bytesFlag(options.memory, '--memory')
  if (options.storage) capacity.storageBytes = bytesFlag(options.storage, '--storage')

  const config = validateProviderConfig(
    {
      version: 1,
      name,
      network: session.network.name,
      key,
      address,
      hostUri,
      attributes,
      ...(options.email || options.website || existing?.info
        ? {info: {...existing?.info, ...(options.email ? {email: options.email} : {}), ...(options.website ? {website: options.website} : {})}}
        : {}),
      capacity,
      pricing,
      runtime: {
        kind: runtime,
        ...(options.socket ?? existing?.runtime.socket ? {socket: options.socket ?? existing?.runtime.socket} : {}),
        ...(options.portRange ?? existing?.runtime.portRange ? {portRange: options.portRange ?? existing?.runtime.portRange} : {}),
      },
      gateway: {
        ...(existing?.gateway ?? {}),
        ...(options.gatewayListen ? {listen: options.gatewayListen} : {}),
        ...(options.grpcListen ? {grpcListen: options.grpcListen} : {}),
      },
      ingress: {
        ...(existing?.ingress ?? {}),
        domain: options.ingressDomain ?? existing?.ingress.domain ?? defaultIngressDomain(hostUri, local),
        ...(options.ingressListen ? {listen: options.ingressListen} : {}),
      },
      bidding: {...DEFAULT_BIDDING, ...(existing?.bidding ?? {}), ...(options.deposit ? {deposit: options.deposit} : {})},
      // Hand-written test behaviour (edge dev only) survives a re-init.
      ...(existing?.dev ? {dev: existing.dev} : {}),
      reclamation: existing?.reclamation ?? {accept: true},
    },
    configPath(name, env),
  )
  // What the flags and prompts gave is checked above; anything left came from provider.yaml.
  checkOnChainFields(config, configPath(name, env))
  const path = await saveProviderConfig(config, env)

  let registration: InitResult['registration'] = {action: 'skipped'}
  let funded = false
  const onChainAttributes = providerAttributes(config)
  if (options.register) {
    const mnemonic = await providerMnemonic(session, key, {interactive: options.interactive, promptPassword: options.prompts?.password}, env)
    const {openMarket} = await import('../../market/index.js')
    const market = await openMarket(session.network, {mnemonic})
    try {
      funded = await ensureGas(market, session, address)
      const current = await market.provider(address)
      const info = {hostUri, attributes: onChainAttributes, ...(config.info?.email ? {email: config.info.email} : {}), ...(config.info?.website ? {website: config.info.website} : {})}
      if (!current) registration = {action: 'created', txHash: (await market.tx!.createProvider(info)).txHash}
      else if (current.hostUri !== hostUri || !sameAttributes(current.attributes, onChainAttributes) || (current.email ?? '') !== (config.info?.email ?? '') || (current.website ?? '') !== (config.info?.website ?? '')) {
        registration = {action: 'updated', txHash: (await market.tx!.updateProvider(info)).txHash}
      } else registration = {action: 'unchanged'}
    } finally {
      await market.close()
    }
  }

  return {
    name,
    network: session.network.name,
    address,
    key,
    keyCreated,
    configPath: path,
    hostUri,
    attributes: onChainAttributes,
    machine: {
      cpuCores: facts.cpuCores,
      memoryBytes: facts.memoryBytes.toString(),
      diskFreeBytes: facts.diskFreeBytes.toString(),
      gpus: facts.gpus.map((g) => ({index: g.index, model: g.model, ...(g.ram ? {ram: g.ram} : {}), ...(g.interface ? {interface: g.interface} : {})})),
      ...(facts.gpuNote ? {gpuNote: facts.gpuNote} : {}),
    },
    capacity: config.capacity,
    pricing: config.pricing,
    runtime,
    registration,
    funded,
  }
}

/** A provider needs AKT for gas and bid deposits; on edge dev the faucet supplies it. */
async function ensureGas(market: Awaited<ReturnType<typeof import('../../market/index.js')['openMarket']>>, session: Session, address: string): Promise<boolean> {
  const uakt = (await market.balances(address)).find((c) => c.denom === 'uakt')?.amount ?? 0n
  if (uakt >= 5_000_000n) return false
  if (session.network.profile.canMint) {
    const {rpcFund} = await import('../dev/client.js')
    const height = await rpcFund(session.network.rpc, address, [{denom: 'uakt', amount: 100_000_000n}])
    // The faucet mints in the next block; wait for it before signing.
    for (let i = 0; i < 50; i++) {
      if ((await market.latestBlock()).height > height) break
      await sleep(Math.max(50, session.network.blockTimeMs / 4))
    }
    return true
  }
  if (uakt === 0n) {
    throw new InsufficientFundsError(`The provider key ${address} holds no AKT; registering and bidding need gas and a 0.5 AKT deposit per bid.`, {
      hint: `Send a few AKT to ${address}, then run \`edge provide init\` again.`,
    })
  }
  return false
}

async function addressFromEnv(env: NodeJS.ProcessEnv, session: Session): Promise<string> {
  if (!env.EDGE_MNEMONIC) {
    throw new UsageError('There is no key to run the provider with.', {
      code: 'no_key',
      hint: 'Create one with `edge wallet create provider` and pass --key provider, or set EDGE_MNEMONIC.',
    })
  }
  const {deriveKey} = await import('../../config/mnemonic.js')
  return (await deriveKey(env.EDGE_MNEMONIC, session.network.bech32Prefix)).address
}

interface SettleOptions {
  flag?: string
  existing?: string
  fallback?: string
  /** Ask in a terminal although there is a fallback (first init). */
  askEvenWithFallback?: boolean
  /** The terminal's text prompt, in an interactive run. */
  ask: Prompts['text'] | undefined
  flagName: string
  message: string
  validate?: (v: string) => string | undefined
  /** What a good value looks like, for the error of a bad flag. */
  hint?: string
}

/** The text prompt to ask with: only in an interactive run, and only when the command gave one. */
function askText(options: Pick<InitOptions, 'interactive' | 'prompts'>): Prompts['text'] | undefined {
  return options.interactive ? options.prompts?.text : undefined
}

async function settle(o: SettleOptions): Promise<string> {
  if (o.flag !== undefined) {
    const problem = o.validate?.(o.flag)
    if (problem) throw new UsageError(`${o.flagName}: ${problem}`, o.hint ? {hint: o.hint} : {})
    return o.flag
  }
  if (o.existing !== undefined) return o.existing
  if (o.ask && (o.fallback === undefined || o.askEvenWithFallback)) {
    return o.ask({interactive: true, replacement: o.flagName, message: o.message, defaultValue: o.fallback, validate: o.validate})
  }
  if (o.fallback !== undefined) return o.fallback
  throw new UsageError(`${o.flagName} is required.`, {code: 'missing_flag', hint: `Pass ${o.flagName}, or run in a terminal to be asked.`})
}

async function settlePricing(options: InitOptions, existing: ProviderConfig['pricing'] | undefined, facts: MachineFacts): Promise<ProviderConfig['pricing']> {
  const base = existing ?? DEFAULT_PRICING
  const usd = (v: string, flag: string) => {
    try {
      parseDec(v)
      return undefined
    } catch {
      return `${flag} "${v}" is not a price in USD per hour`
    }
  }
  const ask = (flag: string, current: string, message: string) =>
    settle({flag: undefined, existing: existing ? current : undefined, fallback: current, askEvenWithFallback: true, ask: askText(options), flagName: flag, message, validate: (v) => usd(v, flag)})
  const cpuCoreHour = options.priceCpu ?? (await ask('--price-cpu', base.cpuCoreHour, 'USD per CPU core per hour'))
  const memoryGiBHour = options.priceMemory ?? (await ask('--price-memory', base.memoryGiBHour, 'USD per GiB of memory per hour'))
  const storageGiBHour = options.priceStorage ?? (await ask('--price-storage', base.storageGiBHour, 'USD per GiB of storage per hour'))
  const gpuHour: Record<string, string> = {...base.gpuHour}
  for (const pair of options.priceGpu ?? []) {
    const [model, price] = pair.split('=')
    if (!model || !price || usd(price, '--price-gpu')) throw new UsageError(`--price-gpu "${pair}" is not model=usd.`, {hint: 'Write --price-gpu h100=1.80 --price-gpu default=0.50.'})
    gpuHour[model.toLowerCase()] = price
  }
  for (const model of new Set(facts.gpus.map((g) => g.model))) {
    if (gpuHour[model] !== undefined) continue
    gpuHour[model] = await settle({
      existing: undefined,
      fallback: gpuHour.default ?? '0.50',
      askEvenWithFallback: true,
      ask: askText(options),
      flagName: '--price-gpu',
      message: `USD per ${model} GPU per hour`,
      validate: (v) => usd(v, '--price-gpu'),
    })
  }
  for (const [flag, v] of [['--price-cpu', cpuCoreHour], ['--price-memory', memoryGiBHour], ['--price-storage', storageGiBHour]] as const) {
    const p = usd(v, flag)
    if (p) throw new UsageError(p, {hint: 'Prices are decimal USD per hour, e.g. 0.012.'})
  }
  return {
    ...base,
    cpuCoreHour,
    memoryGiBHour,
    storageGiBHour,
    gpuHour,
    ...(options.pricingCommand ? {command: options.pricingCommand} : {}),
  }
}

async function settleRuntime(options: InitOptions, existing: RuntimeKindName | undefined, local: boolean): Promise<RuntimeKindName> {
  if (options.runtime) {
    if (options.runtime === 'process' && !local) {
      throw new UsageError('The process runtime is for edge dev only: it runs workloads on the host without isolation.', {hint: 'Use --runtime docker.'})
    }
    return options.runtime
  }
  if (existing) return existing
  const socket = options.socket ?? (await (options.dockerSocket ?? findDockerSocket)())
  const detected: RuntimeKindName = socket || !local ? 'docker' : 'process'
  if (options.interactive && options.prompts && local) {
    return options.prompts.select<RuntimeKindName>({
      interactive: true,
      replacement: '--runtime',
      message: 'Run workloads with',
      choices: [
        {label: `docker${socket ? ` (found ${socket})` : ''}: containers through the Docker or Podman API`, value: 'docker'},
        {label: 'process: host processes, edge dev only', value: 'process'},
      ],
      initialIndex: detected === 'docker' ? 0 : 1,
    })
  }
  return detected
}

async function findDockerSocket(): Promise<string | undefined> {
  try {
    const {detectDockerSocket} = await import('../../provider/runtime/detect-socket.js')
    return await detectDockerSocket()
  } catch {
    return undefined
  }
}

function cpuFlag(text: string): number {
  let cores: bigint
  try {
    cores = parseDec(text)
  } catch {
    throw new UsageError(`--cpu "${text}" is not a number of cores.`, {hint: 'Write cores as a decimal, e.g. --cpu 6 or --cpu 3.5.'})
  }
  return Number(cores / 10n ** 15n)
}

function bytesFlag(text: string, flag: string): string {
  const r = parseBytes(text)
  if (!r.ok) throw new UsageError(`${flag} "${text}" is not a size.`, {hint: 'Write sizes like 16Gi or 500G.'})
  return r.value.toString()
}

/** The nearest directory that exists (the data dir may not yet): its file system is where data goes. */
function existingAncestor(path: string): string {
  let p = path
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  return p
}

/**
 * Where lease hostnames live when the operator names no domain. A name under an IP address
 * ("x.ingress.203.0.113.7") is not a valid URL host (it ends in a number), so: `localhost` on
 * edge dev and for loopback, `<ip>.sslip.io` (wildcard DNS for any IP) for other addresses, and
 * `ingress.<host>` for a DNS name.
 */
export function defaultIngressDomain(hostUri: string, local: boolean): string {
  const host = new URL(hostUri).hostname.replace(/^\[|\]$/g, '')
  if (local || host === 'localhost' || /^127\./.test(host) || host === '::1') return 'localhost'
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return `${host}.sslip.io`
  if (host.includes(':')) return `${host.replaceAll(':', '-')}.sslip.io`
  return `ingress.${host}`
}
