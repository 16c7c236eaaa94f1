import {ed25519} from '@noble/curves/ed25519'
import {sha256} from '@noble/hashes/sha256'

import type {BlockRecord, TxRecord, TxResult} from '../core/records.js'
import type {AbciEvent} from '../types.js'

/**
 * Renders the devnet's records as CometBFT 0.38 JSON-RPC results: int64 as strings, hashes as
 * upper-case hex, byte payloads as base64, the shapes cosmjs's comet38 adaptor parses.
 */

export const COMET_VERSION = '0.38.21'
const BLOCK_PROTOCOL = '11'

export interface ValidatorIdentity {
  privateKey: Uint8Array
  publicKey: Uint8Array
  /** First 20 bytes of SHA-256(public key), as CometBFT derives validator addresses. */
  address: Uint8Array
}

export function validatorIdentity(privateKey: Uint8Array): ValidatorIdentity {
  const publicKey = ed25519.getPublicKey(privateKey)
  return {privateKey, publicKey, address: sha256(publicKey).slice(0, 20)}
}

export const hexUpper = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase()
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

const EMPTY_HASH = sha256(new Uint8Array())

function fixedHash(label: string): string {
  return hexUpper(sha256(new TextEncoder().encode(label)))
}

export function eventsJson(events: AbciEvent[]): unknown[] {
  return events.map((e) => ({type: e.type, attributes: e.attributes.map((a) => ({key: a.key, value: a.value, index: a.index ?? true}))}))
}

export function txResultJson(r: TxResult): Record<string, unknown> {
  return {
    code: r.code,
    data: r.data.length ? b64(r.data) : null,
    log: r.log,
    info: '',
    gas_wanted: String(r.gasWanted),
    gas_used: String(r.gasUsed),
    events: eventsJson(r.events),
    codespace: r.codespace,
  }
}

export function txJson(tx: TxRecord): Record<string, unknown> {
  return {hash: tx.hash, height: String(tx.height), index: tx.index, tx_result: txResultJson(tx.result), tx: b64(tx.tx)}
}

export function blockIdJson(hash: Uint8Array): Record<string, unknown> {
  if (hash.length === 0) return {hash: '', parts: {total: 0, hash: ''}}
  return {hash: hexUpper(hash), parts: {total: 1, hash: hexUpper(sha256(hash))}}
}

export class CometRenderer {
  constructor(
    private readonly chainId: string,
    private readonly validator: ValidatorIdentity,
    private readonly validatorsHash = fixedHash('validators'),
  ) {}

  get validatorAddress(): string {
    return hexUpper(this.validator.address)
  }

  validatorPubKeyJson(): Record<string, string> {
    return {type: 'tendermint/PubKeyEd25519', value: b64(this.validator.publicKey)}
  }

  headerJson(block: BlockRecord): Record<string, unknown> {
    return {
      version: {block: BLOCK_PROTOCOL, app: '0'},
      chain_id: this.chainId,
      height: String(block.height),
      time: block.time,
      last_block_id: blockIdJson(block.lastBlockHash),
      last_commit_hash: hexUpper(block.height > 1 ? sha256(block.lastBlockHash) : EMPTY_HASH),
      data_hash: hexUpper(block.dataHash),
      validators_hash: this.validatorsHash,
      next_validators_hash: this.validatorsHash,
      consensus_hash: fixedHash('consensus'),
      app_hash: hexUpper(block.appHash),
      last_results_hash: hexUpper(block.lastResultsHash),
      evidence_hash: hexUpper(EMPTY_HASH),
      proposer_address: this.validatorAddress,
    }
  }

  /** The dev validator's signature of `block` in the commit that follows it. */
  commitSignature(block: BlockRecord): Uint8Array {
    return ed25519.sign(block.hash, this.validator.privateKey)
  }

  /** The commit for `block` (signed by the one dev validator): what the next block's last_commit holds. */
  commitJson(block: BlockRecord | undefined, height: number): Record<string, unknown> {
    if (!block) return {height: String(Math.max(0, height)), round: 0, block_id: blockIdJson(new Uint8Array()), signatures: []}
    return {
      height: String(block.height),
      round: 0,
      block_id: blockIdJson(block.hash),
      signatures: [
        {
          block_id_flag: 2,
          validator_address: this.validatorAddress,
          timestamp: block.time,
          signature: b64(this.commitSignature(block)),
        },
      ],
    }
  }

  blockJson(block: BlockRecord, previous: BlockRecord | undefined): Record<string, unknown> {
    return {
      header: this.headerJson(block),
      data: {txs: block.txs.map(b64)},
      evidence: {evidence: []},
      last_commit: this.commitJson(previous, block.height - 1),
    }
  }

  blockResponseJson(block: BlockRecord, previous: BlockRecord | undefined): Record<string, unknown> {
    return {block_id: blockIdJson(block.hash), block: this.blockJson(block, previous)}
  }

  blockResultsJson(block: BlockRecord, txs: TxRecord[]): Record<string, unknown> {
    return {
      height: String(block.height),
      txs_results: txs.length ? txs.map((t) => txResultJson(t.result)) : null,
      // Begin- and end-block events of every module (mode=BeginBlock|EndBlock), as FinalizeBlock returns them.
      finalize_block_events: eventsJson(block.events),
      validator_updates: [],
      // The node changes no consensus params from block to block.
      consensus_param_updates: null,
      app_hash: b64(block.resultAppHash),
    }
  }

  blockMetaJson(block: BlockRecord): Record<string, unknown> {
    return {
      block_id: blockIdJson(block.hash),
      block_size: String(block.size + 600),
      header: this.headerJson(block),
      num_txs: String(block.txs.length),
    }
  }

  validatorJson(): Record<string, unknown> {
    return {address: this.validatorAddress, pub_key: this.validatorPubKeyJson(), voting_power: '10', proposer_priority: '0'}
  }
}

export function consensusParamsJson(): Record<string, unknown> {
  return {
    block: {max_bytes: '22020096', max_gas: '-1'},
    evidence: {max_age_num_blocks: '100000', max_age_duration: '172800000000000', max_bytes: '1048576'},
    validator: {pub_key_types: ['ed25519']},
    version: {app: '0'},
    abci: {vote_extensions_enable_height: '0'},
  }
}

/** The `events` map CometBFT attaches to subscription messages. */
export function eventMap(implicit: Record<string, string>, events: AbciEvent[]): Record<string, string[]> {
  const map: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(implicit)) map[k] = [v]
  for (const e of events) {
    for (const a of e.attributes) {
      const key = `${e.type}.${a.key}`
      ;(map[key] ??= []).push(a.value)
    }
  }
  return map
}
