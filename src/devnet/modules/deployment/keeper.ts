/**
 * x/deployment keeper (node v2.1 x/deployment/keeper/keeper.go): deployments, their groups and
 * the params. Store layout:
 *   deployment/d/<owner>/<dseq>               akash.deployment.v1.Deployment
 *   deployment/g/<owner>/<dseq>/<gseq>        akash.deployment.v1beta4.Group
 *   deployment/s/<state>/<owner>/<dseq>       state index (empty value)
 *   deployment/params                         akash.deployment.v1beta4.Params
 */
import {
  Deployment,
  Deployment_State,
  EventDeploymentClosed,
  EventDeploymentCreated,
  EventDeploymentUpdated,
  EventGroupClosed,
  EventGroupPaused,
  EventGroupStarted,
} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {Group, Group_State, Params} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'

import type {Context} from '../../types.js'
import {DeploymentErr} from './errors.js'
import {deploymentKey, type DeploymentKey, deploymentPath, groupKey, type GroupKey, groupPath} from './ids.js'

export const DEPLOYMENTS = 'deployment/d/'
export const GROUPS = 'deployment/g/'
export const STATE_INDEX = 'deployment/s/'
const PARAMS = 'deployment/params'

export function deploymentStoreKey(id: DeploymentKey): string {
  return DEPLOYMENTS + deploymentPath(id)
}

export function groupStoreKey(id: GroupKey): string {
  return GROUPS + groupPath(id)
}

export function stateIndexKey(state: Deployment_State, id: DeploymentKey): string {
  return `${STATE_INDEX}${state}/${deploymentPath(id)}`
}

export interface DeploymentKeeper {
  getParams(ctx: Context): Params
  setParams(ctx: Context, params: Params): void
  getDeployment(ctx: Context, id: DeploymentKey): Deployment | undefined
  getGroup(ctx: Context, id: GroupKey): Group | undefined
  getGroups(ctx: Context, id: DeploymentKey): Group[]
  create(ctx: Context, deployment: Deployment, groups: Group[]): void
  updateDeployment(ctx: Context, deployment: Deployment): void
  closeDeployment(ctx: Context, deployment: Deployment): void
  onCloseGroup(ctx: Context, group: Group, state: Group_State): void
  onPauseGroup(ctx: Context, group: Group): void
  onStartGroup(ctx: Context, group: Group): void
  /** A provider closed its bid on an active lease: the group pauses. */
  onBidClosed(ctx: Context, id: GroupKey): void
  onLeaseClosed(ctx: Context, id: GroupKey): Group
}

function writeDeployment(ctx: Context, deployment: Deployment, previous?: Deployment_State): void {
  const id = deploymentKey(deployment.id)
  if (previous !== undefined && previous !== deployment.state) ctx.store.delete(stateIndexKey(previous, id))
  ctx.store.set(deploymentStoreKey(id), Deployment.encode(deployment).finish())
  ctx.store.set(stateIndexKey(deployment.state, id), new Uint8Array())
}

function writeGroup(ctx: Context, group: Group): void {
  ctx.store.set(groupStoreKey(groupKey(group.id)), Group.encode(group).finish())
}

export function createDeploymentKeeper(): DeploymentKeeper {
  const keeper: DeploymentKeeper = {
    getParams(ctx) {
      const raw = ctx.store.get(PARAMS)
      return raw ? Params.decode(raw) : Params.fromPartial({})
    },

    setParams(ctx, params) {
      ctx.store.set(PARAMS, Params.encode(params).finish())
    },

    getDeployment(ctx, id) {
      const raw = ctx.store.get(deploymentStoreKey(id))
      return raw ? Deployment.decode(raw) : undefined
    },

    getGroup(ctx, id) {
      const raw = ctx.store.get(groupStoreKey(id))
      return raw ? Group.decode(raw) : undefined
    },

    getGroups(ctx, id) {
      const out: Group[] = []
      for (const [, value] of ctx.store.iterate(`${GROUPS}${deploymentPath(id)}/`)) out.push(Group.decode(value))
      return out
    },

    create(ctx, deployment, groups) {
      const id = deploymentKey(deployment.id)
      if (ctx.store.has(deploymentStoreKey(id))) throw DeploymentErr.deploymentExists()
      writeDeployment(ctx, deployment)
      for (const group of groups) {
        const gid = groupKey(group.id)
        if (gid.owner !== id.owner || gid.dseq !== id.dseq) throw DeploymentErr.invalidGroupID()
        writeGroup(ctx, group)
      }
      ctx.events.emitTyped(EventDeploymentCreated, EventDeploymentCreated.fromPartial({id: deployment.id, hash: deployment.hash}))
    },

    updateDeployment(ctx, deployment) {
      const id = deploymentKey(deployment.id)
      const previous = keeper.getDeployment(ctx, id)
      if (!previous) throw DeploymentErr.deploymentNotFound()
      writeDeployment(ctx, deployment, previous.state)
      ctx.events.emitTyped(EventDeploymentUpdated, EventDeploymentUpdated.fromPartial({id: deployment.id, hash: deployment.hash}))
    },

    closeDeployment(ctx, deployment) {
      if (deployment.state === Deployment_State.closed) throw DeploymentErr.deploymentClosed()
      const id = deploymentKey(deployment.id)
      const previous = keeper.getDeployment(ctx, id)
      if (!previous) throw DeploymentErr.deploymentNotFound()
      writeDeployment(ctx, {...deployment, state: Deployment_State.closed}, previous.state)
      ctx.events.emitTyped(EventDeploymentClosed, EventDeploymentClosed.fromPartial({id: deployment.id}))
    },

    onCloseGroup(ctx, group, state) {
      if (!ctx.store.has(groupStoreKey(groupKey(group.id)))) throw DeploymentErr.groupNotFound()
      writeGroup(ctx, {...group, state})
      ctx.events.emitTyped(EventGroupClosed, EventGroupClosed.fromPartial({id: group.id}))
    },

    onPauseGroup(ctx, group) {
      if (!ctx.store.has(groupStoreKey(groupKey(group.id)))) throw DeploymentErr.groupNotFound()
      writeGroup(ctx, {...group, state: Group_State.paused})
      ctx.events.emitTyped(EventGroupPaused, EventGroupPaused.fromPartial({id: group.id}))
    },

    onStartGroup(ctx, group) {
      if (!ctx.store.has(groupStoreKey(groupKey(group.id)))) throw DeploymentErr.groupNotFound()
      writeGroup(ctx, {...group, state: Group_State.open})
      ctx.events.emitTyped(EventGroupStarted, EventGroupStarted.fromPartial({id: group.id}))
    },

    onBidClosed(ctx, id) {
      const group = keeper.getGroup(ctx, id)
      if (!group) throw DeploymentErr.groupNotFound()
      keeper.onPauseGroup(ctx, group)
    },

    onLeaseClosed(ctx, id) {
      const group = keeper.getGroup(ctx, id)
      if (!group) throw DeploymentErr.groupNotFound()
      return group
    },
  }
  return keeper
}

/** `Group.ValidateClosable`. */
export function validateClosable(group: Group): void {
  if (group.state === Group_State.closed) throw DeploymentErr.groupClosed()
}

/** `Group.ValidatePausable`. */
export function validatePausable(group: Group): void {
  if (group.state === Group_State.closed) throw DeploymentErr.groupClosed()
  if (group.state === Group_State.paused) throw DeploymentErr.groupPaused()
}

/** `Group.ValidateStartable`. */
export function validateStartable(group: Group): void {
  if (group.state === Group_State.closed) throw DeploymentErr.groupClosed()
  if (group.state === Group_State.open) throw DeploymentErr.groupOpen()
}
