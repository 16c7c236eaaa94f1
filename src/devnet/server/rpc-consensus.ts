import type {BlockRecord} from '../core/records.js'
import {b64, hexUpper} from './comet-json.js'
import {RpcError} from './rpc-error.js'
import type {RpcContext, RpcParams} from './rpc-methods.js'

/**
 * CometBFT's consensus-introspection and chunked-genesis routes, as a one-validator chain answers
 * them between blocks: the next height at round 0, step NewHeight (1), no votes yet, the dev
 * validator as proposer. Dashboards and `akash status`-style tools call these; nothing in them
 * is consensus edge dev runs (it has none to run).
 */

const STEP_NEW_HEIGHT = 1
/** CometBFT's text form of an empty vote bit array for one validator. */
const NO_VOTES = 'BA{1:_} 0/10 = 0.00'

function nextRound(ctx: RpcContext): {height: number; startTime: string; last: BlockRecord | undefined} {
  const last = ctx.app.latestBlock()
  return {height: ctx.app.height() + 1, startTime: last?.time ?? ctx.app.genesisTime().toISOString(), last}
}

function validatorSetJson(ctx: RpcContext): Record<string, unknown> {
  const validator = ctx.renderer.validatorJson()
  return {validators: [validator], proposer: validator, total_voting_power: validator.voting_power}
}

function voteSetJson(): Record<string, unknown> {
  return {round: 0, prevotes: ['nil-Vote'], prevotes_bit_array: NO_VOTES, precommits: ['nil-Vote'], precommits_bit_array: NO_VOTES}
}

/** The genesis document in 16 MB chunks of its JSON (one chunk for any dev genesis). */
function genesisChunks(genesis: unknown): string[] {
  const json = Buffer.from(JSON.stringify(genesis))
  const size = 16 * 1024 * 1024
  const chunks: string[] = []
  for (let offset = 0; offset < json.length; offset += size) chunks.push(b64(json.subarray(offset, offset + size)))
  return chunks
}

export function consensusMethods(genesisDocument: (ctx: RpcContext) => unknown): Record<string, (ctx: RpcContext, p: RpcParams) => unknown> {
  return {
    genesis_chunked(ctx, p) {
      const chunks = genesisChunks(genesisDocument(ctx))
      const id = p.int('chunk', 0) ?? 0
      if (id < 0 || id > chunks.length - 1) throw new RpcError(-32603, 'Internal error', `there are ${chunks.length - 1} chunks, ${id} is invalid`)
      return {chunk: String(id), total: String(chunks.length), data: chunks[id]}
    },

    consensus_state(ctx) {
      const {height, startTime} = nextRound(ctx)
      return {
        round_state: {
          'height/round/step': `${height}/0/${STEP_NEW_HEIGHT}`,
          start_time: startTime,
          proposal_block_hash: '',
          locked_block_hash: '',
          valid_block_hash: '',
          height_vote_set: [voteSetJson()],
          proposer: {address: ctx.renderer.validatorAddress, index: 0},
        },
      }
    },

    dump_consensus_state(ctx) {
      const {height, startTime, last} = nextRound(ctx)
      const validators = validatorSetJson(ctx)
      return {
        round_state: {
          height: String(height),
          round: 0,
          step: STEP_NEW_HEIGHT,
          start_time: startTime,
          commit_time: last?.time ?? startTime,
          validators,
          proposal: null,
          proposal_block: null,
          proposal_block_parts: null,
          locked_round: -1,
          locked_block: null,
          locked_block_parts: null,
          valid_round: -1,
          valid_block: null,
          valid_block_parts: null,
          votes: [voteSetJson()],
          commit_round: -1,
          last_commit: last
            ? {votes: [`Vote{0:${hexUpper(ctx.renderer.commitSignature(last)).slice(0, 12)} ${last.height}/00/SIGNED_MSG_TYPE_PRECOMMIT(Precommit)}`], votes_bit_array: 'BA{1:x} 10/10 = 1.00', peer_maj_23s: {}}
            : null,
          last_validators: validators,
          triggered_timeout_precommit: false,
        },
        peers: [],
      }
    },
  }
}
