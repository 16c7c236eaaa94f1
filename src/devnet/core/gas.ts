import type {GasMeter, Store} from '../types.js'
import type {IterateOptions} from './kv.js'
import {nodeKeyBytes, nodeRecord, nodeValueBytes} from './node-keys.js'

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

/**
 * Charges every access as the SDK's gaskv store does, at the node's key and value sizes
 * (node-keys.ts): ReadFlat + ReadPerByte × (key + value) for a get, HasCost for a has,
 * WriteFlat + WritePerByte × (key + value) for a set, DeleteCost for a delete; an iterator
 * charges ValuePerByte × (key + value) + IterNextFlat when it is opened (for its first entry, or
 * just IterNextFlat when empty) and again each time it moves past an entry.
 *
 * Keepers of the core (auth, bank, the ante handler) also charge, through `node()`, the accesses
 * the node makes and edge dev's layout does not (module params, the account-number and denom
 * indexes, Has before Get), and read through `unmetered` what the node keeps in memory.
 */
export class GasStore implements Store {
  constructor(
    private readonly parent: Store,
    private readonly meter: GasMeter,
  ) {}

  /** The same state without gas, for lookups the node answers from memory. */
  get unmetered(): Store {
    return this.parent
  }

  get(key: string): Uint8Array | undefined {
    this.meter.consume(KV_GAS.readCostFlat, 'ReadFlat')
    const value = this.parent.get(key)
    this.meter.consume(KV_GAS.readCostPerByte * nodeKeyBytes(key), 'ReadPerByte')
    this.meter.consume(KV_GAS.readCostPerByte * nodeValueBytes(key, value), 'ReadPerByte')
    return value
  }

  has(key: string): boolean {
    this.meter.consume(KV_GAS.hasCost, 'Has')
    return this.parent.has(key)
  }

  set(key: string, value: Uint8Array): void {
    const record = nodeRecord(key)
    if (record.kind !== 'uncharged') {
      if (record.kind === 'indexed') this.reindex(key, record.indexes, true)
      this.meter.consume(KV_GAS.writeCostFlat, 'WriteFlat')
      this.meter.consume(KV_GAS.writeCostPerByte * nodeKeyBytes(key), 'WritePerByte')
      this.meter.consume(KV_GAS.writeCostPerByte * nodeValueBytes(key, value), 'WritePerByte')
    }
    this.parent.set(key, value)
  }

  delete(key: string): void {
    const record = nodeRecord(key)
    if (record.kind === 'indexed') this.reindex(key, record.indexes, false)
    if (record.kind !== 'uncharged') this.meter.consume(KV_GAS.deleteCost, 'Delete')
    this.parent.delete(key)
  }

  /**
   * An IndexedMap write or removal on the node: one read of the stored record, then per index
   * the old entry removed (when there was one) and, for a write, the new entry written.
   */
  private reindex(key: string, indexes: readonly number[], write: boolean): void {
    const old = this.parent.get(key)
    this.meter.consume(KV_GAS.readCostFlat, 'ReadFlat')
    this.meter.consume(KV_GAS.readCostPerByte * (nodeKeyBytes(key) + nodeValueBytes(key, old)), 'ReadPerByte')
    for (const indexKeyBytes of indexes) {
      if (old) this.meter.consume(KV_GAS.deleteCost, 'Delete')
      if (!write) continue
      this.meter.consume(KV_GAS.writeCostFlat, 'WriteFlat')
      this.meter.consume(KV_GAS.writeCostPerByte * indexKeyBytes, 'WritePerByte')
    }
  }

  *iterate(prefix: string, options?: IterateOptions): IterableIterator<[string, Uint8Array]> {
    let previous: [string, Uint8Array] | undefined
    const seek = (entry: [string, Uint8Array] | undefined) => {
      if (entry) this.meter.consume(KV_GAS.readCostPerByte * (nodeKeyBytes(entry[0]) + nodeValueBytes(entry[0], entry[1])), 'ValuePerByte')
      this.meter.consume(KV_GAS.iterNextCostFlat, 'IterNextFlat')
    }
    for (const entry of this.parent.iterate(prefix, options)) {
      // Opening charges the first entry; each later step charges the entry it moves past.
      seek(previous ?? entry)
      previous = entry
      yield entry
    }
    seek(previous)
  }

  /** Charges accesses the node makes where edge dev makes none (see the class comment). */
  node(): NodeAccess {
    return new NodeAccess(this.meter)
  }
}

/** The gaskv price of one access at given key and value sizes. */
export class NodeAccess {
  constructor(private readonly meter: GasMeter) {}

  read(keyBytes: number, valueBytes: number): void {
    this.meter.consume(KV_GAS.readCostFlat, 'ReadFlat')
    this.meter.consume(KV_GAS.readCostPerByte * (keyBytes + valueBytes), 'ReadPerByte')
  }

  write(keyBytes: number, valueBytes: number): void {
    this.meter.consume(KV_GAS.writeCostFlat, 'WriteFlat')
    this.meter.consume(KV_GAS.writeCostPerByte * (keyBytes + valueBytes), 'WritePerByte')
  }

  has(): void {
    this.meter.consume(KV_GAS.hasCost, 'Has')
  }

  delete(): void {
    this.meter.consume(KV_GAS.deleteCost, 'Delete')
  }
}

/** The node's accesses for `store` when it is metered; undefined in queries and genesis (nothing to charge). */
export function nodeAccess(store: Store): NodeAccess | undefined {
  return store instanceof GasStore ? store.node() : undefined
}

/** `store` without gas: for what the node keeps in memory (module accounts, blocked addresses). */
export function unmetered(store: Store): Store {
  return store instanceof GasStore ? store.unmetered : store
}
