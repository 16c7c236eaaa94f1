import * as akashV1 from '@akashnetwork/chain-sdk/private-types/akash.v1'
import * as akashV1beta1 from '@akashnetwork/chain-sdk/private-types/akash.v1beta1'
import * as akashV1beta4 from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import * as akashV1beta5 from '@akashnetwork/chain-sdk/private-types/akash.v1beta5'
import * as cosmosEd25519 from '@akashnetwork/chain-sdk/private-types/cosmos.ed25519'
import * as cosmosSecp256k1 from '@akashnetwork/chain-sdk/private-types/cosmos.secp256k1'
import * as cosmosV1 from '@akashnetwork/chain-sdk/private-types/cosmos.v1'
import * as cosmosV1beta1 from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'
import * as ibcV1 from '@akashnetwork/chain-sdk/private-types/ibc.v1'

import type {ProtoCodec} from '../types.js'

/**
 * Every protobuf message and enum chain-sdk ships for the packages the devnet speaks, by type
 * URL: what `Any` values are rendered and decoded with.
 */
const codecs = new Map<string, ProtoCodec>()
const enums: Array<Record<string | number, string | number>> = []

function isCodec(value: unknown): value is ProtoCodec {
  return typeof value === 'object' && value !== null && typeof (value as ProtoCodec).$type === 'string' && typeof (value as ProtoCodec).decode === 'function'
}

for (const mod of [akashV1, akashV1beta1, akashV1beta4, akashV1beta5, cosmosV1beta1, cosmosV1, cosmosSecp256k1, cosmosEd25519, ibcV1] as Array<Record<string, unknown>>) {
  for (const value of Object.values(mod)) {
    if (isCodec(value)) codecs.set(`/${value.$type}`, value)
    else if (typeof value === 'object' && value !== null && 0 in value && 'UNRECOGNIZED' in value) enums.push(value as Record<string | number, string | number>)
  }
}

export function lookupCodec(typeUrl: string): ProtoCodec | undefined {
  return codecs.get(typeUrl)
}

/**
 * The name of value 0 of the enum whose values 1 and 2 are named `one` and `two`: jsonpb prints
 * defaults, ts-proto's toJSON omits them, so the zero name has to come from the enum itself.
 */
export function lookupEnumZero(one: string, two: string | undefined): string | undefined {
  const match = enums.find((e) => e[1] === one && (two === undefined || two === 'UNRECOGNIZED' || e[2] === two))
  const zero = match?.[0]
  return typeof zero === 'string' ? zero : undefined
}
