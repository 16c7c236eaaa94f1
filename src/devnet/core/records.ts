import type {AbciEvent} from '../types.js'

/** What DeliverTx (FinalizeBlock's per-tx result) returns, as CometBFT 0.38 reports it. */
export interface TxResult {
  code: number
  codespace: string
  log: string
  /** The encoded `TxMsgData` on success; empty on failure. */
  data: Uint8Array
  gasWanted: number
  gasUsed: number
  events: AbciEvent[]
}

/** A transaction included in a block. */
export interface TxRecord {
  /** Upper-case hex SHA-256 of the tx bytes. */
  hash: string
  height: number
  index: number
  tx: Uint8Array
  result: TxResult
}

/** A committed block, enough to render every CometBFT block endpoint. */
export interface BlockRecord {
  height: number
  /** RFC 3339 with nanoseconds, as CometBFT writes it. */
  time: string
  hash: Uint8Array
  lastBlockHash: Uint8Array
  /** The app hash after the previous block (what CometBFT puts in this block's header). */
  appHash: Uint8Array
  /** The app hash after this block. */
  resultAppHash: Uint8Array
  dataHash: Uint8Array
  lastResultsHash: Uint8Array
  txs: Uint8Array[]
  /** FinalizeBlock events (begin/end block hooks, faucet mints), each tagged with `mode`. */
  events: AbciEvent[]
  /** Encoded size of the block's txs, reported as `block_size`. */
  size: number
}
