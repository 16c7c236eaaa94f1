import {encodeFields} from '../../core/proto-wire.js'
import type {Context} from '../../types.js'
import {Grpc, queryStatus} from '../common/errors.js'
import {deploymentAccountId, storedAccountState} from '../escrow/index.js'
import type {DeploymentKey} from './ids.js'
import {groupStoreKey} from './keeper.js'

const utf8 = new TextEncoder()

/**
 * A deployment's stored group records: gseq 1, 2, … until one is missing (MsgCreateDeployment
 * numbers them from 1 and nothing removes one). Point reads come from the committed-state cache,
 * where a prefix walk goes to SQLite: the list query does this for every deployment of a page.
 */
function storedGroups(ctx: Context, id: DeploymentKey): Uint8Array[] {
  const groups: Uint8Array[] = []
  for (let gseq = 1; ; gseq++) {
    const raw = ctx.store.get(groupStoreKey({...id, gseq}))
    if (!raw) return groups
    groups.push(raw)
  }
}

/**
 * A listed deployment (`QueryDeploymentResponse`: the deployment = 1, its groups = 2, its escrow
 * account = 3, which every deployment has) assembled from the stored records' bytes, none of them
 * decoded. The account is `akash.escrow.types.v1.Account{id = 1 {scope = 1, xid = 2}, state = 2}`.
 */
export function listedDeploymentBytes(ctx: Context, id: DeploymentKey, deployment: Uint8Array): Uint8Array {
  const aid = deploymentAccountId(id.owner, id.dseq)
  const state = storedAccountState(ctx, aid)
  if (!state) throw queryStatus(Grpc.internal, `account not found: fetching escrow account for DeploymentID=${id.owner}/${id.dseq}`)
  const account = encodeFields([
    [1, encodeFields([[1, aid.scope], [2, utf8.encode(aid.xid)]])],
    [2, state],
  ])
  return encodeFields([[1, deployment], ...storedGroups(ctx, id).map((g) => [2, g] as const), [3, account]])
}
