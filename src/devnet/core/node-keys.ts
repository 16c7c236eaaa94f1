/**
 * How long the real node's key (and, for a few records, value) is for a record edge dev keeps
 * under a readable string key. Gas is charged per byte of key and value (see gas.ts), so a store
 * access must be priced at the node's sizes, not at edge dev's:
 *
 * - SDK modules (cosmos-sdk 0.53 collections): an account is `0x01 | address(20)`, a balance
 *   `0x02 | len | address(20) | denom`, the account-number index `"accountNumber" | uint64` → the
 *   account's 20 address bytes, the account-number sequence `"globalAccountNumber"` → uint64,
 *   send-enabled `0x04 | denom` → one byte, supply `0x00 | denom`, metadata `0x01 | denom`.
 * - Akash modules (node v2.1): a two-byte prefix, then the record's id: bech32 owners as strings
 *   (collections' StringKey: the text and a 0x00), dseq as a big-endian uint64, gseq/oseq/bseq as
 *   uint32, provider and auditor addresses as length-prefixed bytes, escrow ids as their text.
 *
 * Deployments, groups, orders, bids and leases are collections IndexedMaps on the node: writing or
 * removing one also reads the stored record once and, per secondary index, removes the old entry
 * and writes the new one. edge dev keeps its own index entries (other keys, other shapes); they
 * are not charged, and the record's write is charged with the node's index work instead.
 */

const ADDRESS = /^akash1[02-9ac-hj-np-z]{38}$/
const HEX_ADDRESS = /^[0-9a-f]{40}$/
const PADDED_UINT = /^\d{20}$/

type Sizer = (rest: string) => number

const sdkTables = new Map<string, Sizer>([
  ['auth/acc/', () => 21],
  ['auth/num/', () => 21],
  ['bank/bal/', (rest) => 22 + rest.length - rest.indexOf('/') - 1],
  ['bank/supply/', (rest) => 1 + rest.length],
  ['bank/send/', (rest) => 1 + rest.length],
  ['bank/meta/', (rest) => 1 + rest.length],
])

// collections key parts: a bech32 string and its 0x00, a uint64, a uint32.
const OWNER = 45
const U64 = 8
const U32 = 4
const INT32 = 4
const ORDER_ID = OWNER + U64 + U32 + U32
const BID_ID = ORDER_ID + OWNER + U32

/** An Akash IndexedMap: its key size and the key sizes of its secondary indexes' entries. */
interface IndexedTable {
  key: number
  indexes: number[]
}

const indexedTables = new Map<string, IndexedTable>([
  // deployments: by state
  ['deployment/d/', {key: 2 + OWNER + U64, indexes: [2 + INT32 + OWNER + U64]}],
  // groups: by state, by deployment
  ['deployment/g/', {key: 2 + OWNER + U64 + U32, indexes: [2 + INT32 + OWNER + U64 + U32, 2 + OWNER + U64 + OWNER + U64 + U32]}],
  // orders: by state, by (group, state)
  ['market/o/', {key: 2 + ORDER_ID, indexes: [2 + INT32 + ORDER_ID, 2 + OWNER + U64 + U32 + INT32 + ORDER_ID]}],
  // bids: by state, by provider, by (order, state)
  ['market/b/', {key: 2 + BID_ID, indexes: [2 + INT32 + BID_ID, 2 + OWNER + BID_ID, 2 + ORDER_ID + INT32 + BID_ID]}],
  // leases: by state, by provider
  ['market/l/', {key: 2 + BID_ID, indexes: [2 + INT32 + BID_ID, 2 + OWNER + BID_ID]}],
])

/** edge dev's own index tables: the node's index work is charged with the record (above). */
const unchargedTables = new Set(['deployment/s/', 'market/og/', 'market/os/', 'market/bo/', 'market/bs/', 'market/bp/', 'market/ls/', 'market/lp/'])

/** Node key sizes of edge dev keys that are not `<module>/<table>/<id…>`. */
const singletons = new Map<string, number>([
  ['auth/next_account_number', 19],
  ['deployment/params', 2],
  ['market/params', 2],
])

/** Tables whose node key is not the generic shape. */
const akashTables = new Map<string, Sizer>([
  // ProviderPrefix (one byte) | len | address
  ['provider/p/', () => 22],
])

/** Node value sizes where edge dev stores the record differently (text where the node stores bytes). */
const valueSizes = new Map<string, number>([
  ['auth/num/', 20],
  ['auth/next_account_number', 8],
  ['bank/send/', 1],
])

function tableOf(key: string): string {
  const first = key.indexOf('/')
  if (first < 0) return key
  const second = key.indexOf('/', first + 1)
  return second < 0 ? key : key.slice(0, second + 1)
}

/** An Akash module id: each segment at the size the node's key gives it. */
function akashIdBytes(rest: string): number {
  if (rest === '') return 0
  let total = 0
  for (const segment of rest.split('/')) {
    if (ADDRESS.test(segment)) total += segment.length + 1
    else if (PADDED_UINT.test(segment)) total += 8
    else if (HEX_ADDRESS.test(segment)) total += 21
    else total += segment.length + 1
  }
  return total
}

/** The byte length of the node's key for the record edge dev keeps under `key`. */
export function nodeKeyBytes(key: string): number {
  const single = singletons.get(key)
  if (single !== undefined) return single
  const table = tableOf(key)
  const rest = key.slice(table.length)
  const sized = sdkTables.get(table) ?? akashTables.get(table)
  if (sized) return sized(rest)
  const indexed = indexedTables.get(table)
  if (indexed) return indexed.key
  return 2 + akashIdBytes(rest)
}

/** How the node stores the record edge dev keeps under `key`: charged, and with which index entries. */
export type NodeRecord = {kind: 'plain'} | {kind: 'indexed'; indexes: readonly number[]} | {kind: 'uncharged'}

const PLAIN: NodeRecord = {kind: 'plain'}
const UNCHARGED: NodeRecord = {kind: 'uncharged'}
const indexedRecords = new Map<string, NodeRecord>([...indexedTables].map(([table, t]) => [table, {kind: 'indexed', indexes: t.indexes}]))

export function nodeRecord(key: string): NodeRecord {
  const table = tableOf(key)
  if (unchargedTables.has(table)) return UNCHARGED
  return indexedRecords.get(table) ?? PLAIN
}

/** The byte length of the node's value for `value` stored under `key`. */
export function nodeValueBytes(key: string, value: Uint8Array | undefined): number {
  if (value === undefined) return 0
  const fixed = valueSizes.get(key) ?? valueSizes.get(tableOf(key))
  return fixed ?? value.length
}
