import {toBech32} from '@cosmjs/encoding'

import type {CometRenderer} from '../comet-json.js'

/** x/staking's PowerReduction: one unit of CometBFT voting power per 10^6 uakt bonded. */
const POWER_REDUCTION = 1_000_000n

/**
 * The one validator of edge dev, as the staking, distribution and slashing queries describe it.
 * A real localnet's validator is a gentx: an operator account that self-delegates. edge dev has
 * only the consensus key, so the operator and its account use that key's 20-byte address.
 */
export interface DevValidator {
  /** `akashvaloper1…` */
  operator: string
  /** `akash1…`: the operator's account, the self-delegator. */
  account: string
  /** `akashvalcons1…` */
  consensusAddress: string
  /** The ed25519 consensus key as an Any. */
  consensusPubKey: {typeUrl: string; value: Uint8Array}
  /** Bonded uakt, matching the voting power CometBFT reports. */
  tokens: bigint
}

export function devValidator(renderer: CometRenderer): DevValidator {
  const address = Buffer.from(renderer.validatorAddress, 'hex')
  const pubKey = Buffer.from(renderer.validatorPubKeyJson().value, 'base64')
  const power = BigInt(renderer.validatorJson().voting_power as string)
  return {
    operator: toBech32('akashvaloper', address),
    account: toBech32('akash', address),
    consensusAddress: toBech32('akashvalcons', address),
    // cosmos.crypto.ed25519.PubKey{key}: field 1, 32 bytes.
    consensusPubKey: {typeUrl: '/cosmos.crypto.ed25519.PubKey', value: Uint8Array.from([10, 32, ...pubKey])},
    tokens: power * POWER_REDUCTION,
  }
}
