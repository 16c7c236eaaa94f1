// Field types that several `--json` results share, so a field name means one thing in every command
// (test/contract/field-meaning.test.ts). Their doc comments become the schema descriptions, and `@pattern`
// the schema pattern: keep each comment true for every field that uses the type.

/**
 * An amount of `denom` in its base unit (uact, uakt), as a decimal string: a whole number for balances, deposits
 * and escrow; a per-block price may have a fraction, as a Cosmos DecCoin does.
 * @pattern ^-?[0-9]+(\.[0-9]+)?$
 */
export type BaseAmount = bigint

/**
 * An amount of `denom` in its base unit (uact, uakt), as a decimal string: a whole number for balances, deposits
 * and escrow; a per-block price may have a fraction, as a Cosmos DecCoin does.
 * @pattern ^-?[0-9]+(\.[0-9]+)?$
 */
export type BaseAmountText = string

/**
 * A deployment sequence number (the DSEQ), as a decimal string.
 * @pattern ^-?[0-9]+$
 */
export type DseqText = string

/**
 * Bytes of memory, as a decimal string.
 * @pattern ^-?[0-9]+$
 */
export type MemoryBytes = bigint

/**
 * Bytes of memory, as a decimal string.
 * @pattern ^-?[0-9]+$
 */
export type MemoryBytesText = string

/**
 * Bytes of ephemeral storage (the containers' own filesystems), as a decimal string. Persistent storage classes
 * are counted apart.
 * @pattern ^-?[0-9]+$
 */
export type StorageBytes = bigint

/**
 * Bytes of ephemeral storage (the containers' own filesystems), as a decimal string. Persistent storage classes
 * are counted apart.
 * @pattern ^-?[0-9]+$
 */
export type StorageBytesText = string

/** CPU in thousandths of a core (1000 = one core). */
export type CpuMillis = number

/**
 * A per-block price as a decimal in the denom's display unit, with the unit: "0.0000004 ACT/block" (as
 * formatPerBlock writes it). Where a result needs the chain's scaled integer (the amount × 10^18 in the base
 * denom), it is a separate field, perBlockScaled.
 */
export type PerBlockText = string
