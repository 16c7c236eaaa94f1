import type {GroupSpec, ResourceUnit} from '../../market/market.js'
import {DEC_SCALE, MICRO, divRound, parseDec, perBlockFromPerHour} from '../../protocol/money.js'
import type {GpuConfig, PricingConfig} from '../config/provider-config.js'

const GIB = 1n << 30n

export interface Quote {
  /** USD per hour for the whole order (×10^18). */
  usdPerHour: bigint
  /** The bid price per block in the order's denom (×10^18 of the base denom). */
  perBlock: {denom: string; amount: bigint}
}

export type QuoteResult = ({ok: true} & Quote) | {ok: false; reason: 'denom'; message: string}

/**
 * Prices from a per-resource table in USD per hour: CPU core, GiB of memory, GiB of storage (by
 * class for persistent volumes), GPU by model, global endpoint. USD becomes the order's denom
 * (ACT is 1 USD; AKT needs `aktUsd`), then per block with the network's one block-time figure —
 * the same conversion `edge deploy` uses to show prices, so both sides agree (field.md pain 4).
 */
export class PriceTable {
  private readonly cpu: bigint
  private readonly memory: bigint
  private readonly storage: bigint
  private readonly persistent: Record<string, bigint>
  private readonly gpu: Record<string, bigint>
  private readonly endpoint: bigint
  private readonly aktUsd?: bigint

  constructor(
    pricing: PricingConfig,
    private readonly blockTimeMs: number,
  ) {
    this.cpu = parseDec(pricing.cpuCoreHour)
    this.memory = parseDec(pricing.memoryGiBHour)
    this.storage = parseDec(pricing.storageGiBHour)
    this.persistent = Object.fromEntries(Object.entries(pricing.persistentStorageGiBHour ?? {}).map(([k, v]) => [k, parseDec(v)]))
    this.gpu = Object.fromEntries(Object.entries(pricing.gpuHour).map(([k, v]) => [k.toLowerCase(), parseDec(v)]))
    this.endpoint = parseDec(pricing.endpointHour ?? '0')
    if (pricing.aktUsd) this.aktUsd = parseDec(pricing.aktUsd)
  }

  /** USD per hour of one card of this GPU (×10^18). */
  gpuHour(gpu: Pick<GpuConfig, 'model'>): bigint {
    return this.gpu[gpu.model.toLowerCase()] ?? this.gpu.default ?? 0n
  }

  /** USD per hour of one resource unit × its count; GPUs are the cards actually given to it. */
  unitUsdPerHour(ru: ResourceUnit, gpus: readonly GpuConfig[] = []): bigint {
    const n = BigInt(ru.count)
    let usd = divRound(ru.cpuMillis * this.cpu, 1000n) + divRound(ru.memoryBytes * this.memory, GIB)
    for (const s of ru.storage) {
      const cls = s.attributes.find((a) => a.key === 'class')?.value
      const persistent = s.attributes.find((a) => a.key === 'persistent')?.value === 'true'
      const rate = cls === 'ram' ? this.memory : persistent && cls ? (this.persistent[cls] ?? this.storage) : this.storage
      usd += divRound(s.bytes * rate, GIB)
    }
    const globalEndpoints = ru.endpoints.filter((e) => e.kind !== 'leased_ip').length
    usd += BigInt(globalEndpoints) * this.endpoint
    usd *= n
    for (const g of gpus) usd += this.gpuHour(g)
    // A unit asking for GPUs we did not allocate (a dry quote) is priced at the default card.
    if (gpus.length === 0 && ru.gpu.units > 0n) usd += ru.gpu.units * n * (this.gpu.default ?? 0n)
    return usd
  }

  quote(spec: GroupSpec, gpusByUnit: Record<number, readonly GpuConfig[]> = {}): QuoteResult {
    let usdPerHour = 0n
    for (const ru of spec.resources) usdPerHour += this.unitUsdPerHour(ru, gpusByUnit[ru.id] ?? [])
    const denom = spec.resources[0]?.price.denom ?? 'uact'
    const perHourBase = this.usdToBase(usdPerHour, denom)
    if (perHourBase === undefined) {
      return {
        ok: false,
        reason: 'denom',
        message: denom === 'uakt' ? 'order is priced in uakt and pricing.aktUsd is not set' : `order is priced in ${denom}, which edge cannot price`,
      }
    }
    let amount = perBlockFromPerHour(perHourBase, this.blockTimeMs)
    // The chain refuses a zero price; the smallest LegacyDec step keeps a free table biddable.
    if (amount <= 0n) amount = 1n
    return {ok: true, usdPerHour, perBlock: {denom, amount}}
  }

  /** USD per hour (×10^18) → base denom per hour (×10^18). */
  usdToBase(usdScaled: bigint, denom: string): bigint | undefined {
    if (denom === 'uact') return usdScaled * MICRO
    if (denom === 'uakt' && this.aktUsd && this.aktUsd > 0n) return divRound(usdScaled * MICRO * DEC_SCALE, this.aktUsd)
    return undefined
  }
}
