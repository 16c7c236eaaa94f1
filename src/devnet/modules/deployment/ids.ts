/** Deployment and group identifiers and their `Validate()` (pkg.akt.dev/go/node/deployment/v1). */
import type {DeploymentID, GroupID} from '@akashnetwork/chain-sdk/private-types/akash.v1'

import {isAddress} from '../common/address.js'
import {SdkErr, wrapError} from '../common/errors.js'
import {u64} from '../common/long.js'
import {padUint} from '../../paginate.js'

export interface DeploymentKey {
  owner: string
  dseq: bigint
}

export interface GroupKey extends DeploymentKey {
  gseq: number
}

export function deploymentKey(id: DeploymentID | undefined): DeploymentKey {
  return {owner: id?.owner ?? '', dseq: u64(id?.dseq)}
}

export function groupKey(id: GroupID | undefined): GroupKey {
  return {owner: id?.owner ?? '', dseq: u64(id?.dseq), gseq: id?.gseq ?? 0}
}

export function toGroupID(id: GroupKey): GroupID {
  return {owner: id.owner, dseq: BigInt(id.dseq), gseq: id.gseq}
}

export function validateDeploymentId(id: DeploymentKey): void {
  if (!isAddress(id.owner)) throw SdkErr.invalidAddress.wrap('DeploymentID: Invalid Owner Address')
  if (id.dseq === 0n) throw SdkErr.invalidSequence.wrap('DeploymentID: Invalid Deployment Sequence')
}

export function validateGroupId(id: GroupKey): void {
  try {
    validateDeploymentId(id)
  } catch (err) {
    throw wrapError(err, 'GroupID: Invalid DeploymentID')
  }
  if (id.gseq === 0) throw SdkErr.invalidSequence.wrap('GroupID: Invalid Group Sequence')
}

/** Store-key path of a deployment: owner, then a fixed-width dseq so keys sort numerically. */
export function deploymentPath(id: DeploymentKey): string {
  return `${id.owner}/${padUint(id.dseq)}`
}

export function groupPath(id: GroupKey): string {
  return `${deploymentPath(id)}/${padUint(id.gseq)}`
}
