import type {GroupSpec} from '../../market/market.js'
import {formatScaled, parseDec} from '../../protocol/money.js'
import type {GpuConfig} from '../config/provider-config.js'

/** Akash's default price precision handed to bid-price scripts. */
const PRICE_PRECISION = 6

/**
 * The JSON Akash's provider pipes into its bid-price script (bidengine/shellscript.go), so scripts
 * written for provider-services work unchanged: resources per unit with the GPUs actually
 * allocated, the order's maximum price, and the precision.
 */
export function pricingInput(spec: GroupSpec, gpusByUnit: Record<number, readonly GpuConfig[]> = {}): unknown {
  let total = 0n
  let denom = 'uact'
  for (const ru of spec.resources) {
    total += ru.price.amount * BigInt(ru.count)
    denom = ru.price.denom || denom
  }
  return {
    resources: spec.resources.map((ru) => {
      const given = gpusByUnit[ru.id]?.[0]
      const vendor: Record<string, {model: string; ram?: string; interface?: string}> = {}
      if (given) {
        vendor[given.vendor] = {model: given.model, ...(given.ram ? {ram: given.ram} : {}), ...(given.interface ? {interface: given.interface} : {})}
      } else {
        for (const a of ru.gpu.attributes) {
          const t = a.key.split('/')
          if (t[0] !== 'vendor' || t.length < 4) continue
          const entry: {model: string; ram?: string; interface?: string} = {model: t[3]}
          for (let i = 4; i + 1 < t.length; i += 2) {
            if (t[i] === 'ram') entry.ram = t[i + 1]
            if (t[i] === 'interface') entry.interface = t[i + 1]
          }
          vendor[t[1]] = entry
        }
      }
      return {
        memory: Number(ru.memoryBytes),
        cpu: Number(ru.cpuMillis),
        gpu: {units: Number(ru.gpu.units), attributes: Object.keys(vendor).length > 0 ? {vendor} : {}},
        storage: ru.storage.map((s) => ({class: s.attributes.find((a) => a.key === 'class')?.value ?? 'ephemeral', size: Number(s.bytes)})),
        count: ru.count,
        endpoint_quantity: ru.endpoints.length,
        ip_lease_quantity: ru.endpoints.filter((e) => e.kind === 'leased_ip').length,
      }
    }),
    price: {denom, amount: legacyDecString(total)},
    price_precision: PRICE_PRECISION,
  }
}

/** ×10^18 → "12.000000000000000000", the JSON form of a LegacyDec. */
function legacyDecString(scaled: bigint): string {
  return formatScaled(scaled, 18, 18)
}

export interface PriceCommandOptions {
  command: string
  timeoutMs: number
  owner: string
  denom: string
  blockTimeMs: number
  /** Runs the command; injected in tests. Resolves with stdout. */
  run?: (command: string, input: string, env: Record<string, string>, timeoutMs: number) => Promise<string>
}

/**
 * Runs the pricing command: order JSON on stdin, the per-block price (a decimal in the order's
 * denom) on stdout. Akash's environment (AKASH_OWNER, AKASH_DENOM) is set, plus EDGE_BLOCK_TIME_MS.
 * Resolves with the price ×10^18, or rejects with a reason fit for the bid log.
 */
export async function runPriceCommand(input: unknown, options: PriceCommandOptions): Promise<bigint> {
  const env = {AKASH_OWNER: options.owner, AKASH_DENOM: options.denom, EDGE_BLOCK_TIME_MS: String(options.blockTimeMs)}
  const run = options.run ?? defaultRun
  const stdout = (await run(options.command, JSON.stringify(input) + '\n', env, options.timeoutMs)).trim()
  if (stdout === '') throw new Error('pricing command printed no price')
  let price: bigint
  try {
    price = parseDec(stdout)
  } catch {
    throw new Error(`pricing command printed "${stdout.slice(0, 60)}", not a decimal price`)
  }
  if (price === 0n) throw new Error('pricing command returned a zero price')
  return price
}

async function defaultRun(command: string, input: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  const {execa} = await import('execa')
  const result = await execa(command, {shell: true, input, env, timeout: timeoutMs, reject: false})
  if (result.timedOut) throw new Error(`pricing command took longer than ${Math.round(timeoutMs / 1000)} s`)
  if (result.exitCode !== 0) {
    throw new Error(`pricing command exited with ${result.exitCode}${result.stderr ? `: ${String(result.stderr).split('\n')[0].slice(0, 200)}` : ''}`)
  }
  return String(result.stdout)
}
