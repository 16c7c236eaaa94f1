import type {GasMeter, Store} from '../types.js'
import type {IterateOptions} from './kv.js'

/** The Cosmos SDK's default KV gas configuration (`storetypes.KVGasConfig`). */
export const KV_GAS = {
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
} as const

/** Thrown when a meter passes its limit; the core turns it into sdk/11 "out of gas". */
export class OutOfGasError extends Error {
  constructor(readonly descriptor: string) {
    super(`out of gas in location: ${descriptor}`)
    this.name = 'OutOfGasError'
  }
}

export class LimitedGasMeter implements GasMeter {
  private used = 0

  constructor(readonly limit: number) {}

  consume(amount: number, descriptor: string): void {
    if (!Number.isFinite(amount) || amount < 0) throw new Error(`invalid gas amount ${amount} (${descriptor})`)
    this.used += amount
    if (this.used > this.limit) throw new OutOfGasError(descriptor)
  }

  consumed(): number {
    return this.used
  }
}

/** Used in simulation, block hooks and queries: counts but never stops. */
export class InfiniteGasMeter implements GasMeter {
  private used = 0

  consume(amount: number): void {
    this.used += amount
  }

  consumed(): number {
    return this.used
  }
}

const encoder = new TextEncoder()

/** UTF-8 length without allocating for the common all-ASCII key. */
function byteLength(key: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(key) ? key.length : encoder.encode(key).length
}

/** Charges reads and writes to a meter, as the SDK's gaskv store does. */
export class GasStore implements Store {
  constructor(
    private readonly parent: Store,
    private readonly meter: GasMeter,
  ) {}

  get(key: string): Uint8Array | undefined {
    this.meter.consume(KV_GAS.readCostFlat, 'ReadFlat')
    const value = this.parent.get(key)
    this.meter.consume(KV_GAS.readCostPerByte * byteLength(key), 'ReadPerByte')
    this.meter.consume(KV_GAS.readCostPerByte * (value?.length ?? 0), 'ReadPerByte')
    return value
  }

  has(key: string): boolean {
    this.meter.consume(KV_GAS.hasCost, 'Has')
    return this.parent.has(key)
  }

  set(key: string, value: Uint8Array): void {
    this.meter.consume(KV_GAS.writeCostFlat, 'WriteFlat')
    this.meter.consume(KV_GAS.writeCostPerByte * byteLength(key), 'WritePerByte')
    this.meter.consume(KV_GAS.writeCostPerByte * value.length, 'WritePerByte')
    this.parent.set(key, value)
  }

  delete(key: string): void {
    this.meter.consume(KV_GAS.deleteCost, 'Delete')
    this.parent.delete(key)
  }

  *iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]> {
    for (const entry of this.parent.iterate(prefix, options)) {
      this.meter.consume(KV_GAS.readCostPerByte * (byteLength(entry[0]) + entry[1].length), 'ValuePerByte')
      this.meter.consume(KV_GAS.iterNextCostFlat, 'IterNextFlat')
      yield entry
    }
  }
}
