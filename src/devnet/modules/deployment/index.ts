/**
 * x/deployment (akash.deployment.v1beta4): create/update/close deployments, close/pause/start
 * groups, and the Deployments/Deployment/Group/Params queries. Handlers follow node v2.1
 * `x/deployment/handler/server.go` check for check, in the same order, with the same errors.
 */
import {Deployment, Deployment_State, type DeploymentID} from '@akashnetwork/chain-sdk/private-types/akash.v1'
import {
  Group,
  Group_State,
  MsgCloseDeployment,
  MsgCloseDeploymentResponse,
  MsgCloseGroup,
  MsgCloseGroupResponse,
  MsgCreateDeployment,
  MsgCreateDeploymentResponse,
  MsgPauseGroup,
  MsgPauseGroupResponse,
  MsgStartGroup,
  MsgStartGroupResponse,
  MsgUpdateDeployment,
  MsgUpdateDeploymentResponse,
  Params,
  QueryDeploymentRequest,
  QueryDeploymentResponse,
  QueryDeploymentsRequest,
  QueryDeploymentsResponse,
  QueryGroupRequest,
  QueryGroupResponse,
  QueryParamsRequest,
  QueryParamsResponse,
} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {PageResponse} from '@akashnetwork/chain-sdk/private-types/cosmos.v1beta1'

import {encodeFields} from '../../core/proto-wire.js'
import type {Context, Module, MsgRoute, QueryRoute} from '../../types.js'
import {isAddress} from '../common/address.js'
import {coinAmount, coinError, DENOM_UACT, DENOM_UAKT} from '../common/coins.js'
import {Grpc, ignoreErrors, plainError, queryStatus} from '../common/errors.js'
import {u64} from '../common/long.js'
import {paginatePrefixes} from '../common/pagination.js'
import {accountToProto, deploymentAccountId, EscrowErr, type EscrowKeeper, validateDepositSources} from '../escrow/index.js'
import type {MarketKeeper} from '../market/keeper.js'
import {durationNanos, paramWindows} from '../market/reclamation.js'
import {DeploymentErr} from './errors.js'
import {groupPrice, validateDeploymentGroups, validateGroupSpec} from './groupspec.js'
import {deploymentKey, type DeploymentKey, groupKey, toGroupID, validateDeploymentId, validateGroupId} from './ids.js'
import {listedDeploymentBytes} from './list-query.js'
import {
  createDeploymentKeeper,
  type DeploymentKeeper,
  DEPLOYMENTS,
  deploymentStoreKey,
  STATE_INDEX,
  validateClosable,
  validatePausable,
  validateStartable,
} from './keeper.js'

export * from './keeper.js'
export * from './ids.js'
export * from './groupspec.js'

export const HASH_LENGTH = 32

export interface CoinJson {
  denom: string
  amount: string
}

export interface DeploymentGenesis {
  params: {minDeposits: CoinJson[]}
}

/** Mainnet v2.1 values (upgrades/software/v2.0.0: 0.5 AKT or 0.5 ACT), in the node's order (uakt first). */
export function defaultDeploymentGenesis(): DeploymentGenesis {
  return {params: {minDeposits: [{denom: DENOM_UAKT, amount: '500000'}, {denom: DENOM_UACT, amount: '500000'}]}}
}

/** `validateMinDeposits`: one entry per denom, each below MaxInt32, and a uact entry. */
export function validateMinDeposits(coins: readonly CoinJson[]): void {
  const seen = new Set<string>()
  for (const coin of coins) {
    if (seen.has(coin.denom)) throw plainError(`duplicate Min Deposit for denom (${coin.denom})`)
    seen.add(coin.denom)
    if (BigInt(coin.amount) >= 2147483647n) {
      throw DeploymentErr.invalidParam.with(`Min Deposit (${coin.denom}) - too large: ${coin.amount}`)
    }
  }
  if (!seen.has(DENOM_UACT)) throw DeploymentErr.invalidParam.with('Min Deposits - uact not given')
}

const escrowOf = (ctx: Context) => ctx.keeper<EscrowKeeper>('escrow')
const marketOf = (ctx: Context) => ctx.keeper<MarketKeeper>('market')

function stateFilter(state: string): Deployment_State[] {
  if (state === '') return [Deployment_State.active, Deployment_State.closed]
  const value = ({active: Deployment_State.active, closed: Deployment_State.closed} as Record<string, Deployment_State>)[state]
  if (value === undefined) throw queryStatus(Grpc.invalidArgument, 'invalid state value')
  return [value]
}

export function deploymentModule(keeper: DeploymentKeeper = createDeploymentKeeper()): Module & {keeper: DeploymentKeeper} {
  const ownerOf = (id: DeploymentID | {owner: string} | undefined) => [id?.owner ?? '']

  const create: MsgRoute<MsgCreateDeployment> = {
    codec: MsgCreateDeployment,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateDeploymentId(deploymentKey(msg.id))
      const coinErr = coinError(msg.deposit?.amount)
      if (coinErr) throw plainError(coinErr)
      validateDepositSources(msg.deposit?.sources ?? [])
      if (msg.groups.length === 0) throw DeploymentErr.invalidGroups()
      if (msg.hash.length === 0) throw DeploymentErr.emptyHash()
      if (msg.hash.length !== HASH_LENGTH) throw DeploymentErr.invalidHash()
      if (msg.reclamation && durationNanos(msg.reclamation.minWindow) < 0n) {
        throw DeploymentErr.invalidReclamation.wrap('min_window must be >= 0')
      }
      const deposit = msg.deposit!.amount!
      for (const spec of msg.groups) {
        validateGroupSpec(spec)
        if (coinAmount(deposit) !== 0n) {
          const gdenom = groupPrice(spec).denom
          if (gdenom !== deposit.denom) {
            throw DeploymentErr.invalidDeposit.wrap(`Mismatched denominations (${deposit.denom} != ${gdenom})`)
          }
        }
      }
    },
    handle(ctx, msg) {
      const id = deploymentKey(msg.id)
      if (keeper.getDeployment(ctx, id)) throw DeploymentErr.deploymentExists()

      const deposit = msg.deposit!.amount!
      const amount = coinAmount(deposit)
      const min = keeper.getParams(ctx).minDeposits.find((c) => c.denom === deposit.denom)
      if (!min) throw DeploymentErr.invalidDeposit.with(`Invalid deposit denomination ${deposit.denom}`)
      if (amount < BigInt(min.amount)) {
        throw DeploymentErr.invalidDeposit.wrap(`Deposit too low - ${amount} < ${min.amount}${min.denom}`)
      }
      // AKT can only be added to an existing deployment (MsgAccountDeposit).
      if (deposit.denom === DENOM_UAKT) throw DeploymentErr.invalidDeposit()

      // The tenant's reclamation window (AEP-82) must lie within the market's bounds.
      if (msg.reclamation) {
        const {min, max} = paramWindows(marketOf(ctx).getParams(ctx))
        const window = durationNanos(msg.reclamation.minWindow)
        if (window < 0n) throw DeploymentErr.invalidReclamation.wrap('min_window must be >= 0')
        if (window < min) throw DeploymentErr.invalidReclamation.wrap('min_window below governance minimum')
        if (window > max) throw DeploymentErr.invalidReclamation.wrap('min_window above governance maximum')
      }

      try {
        validateDeploymentGroups(msg.groups)
      } catch (err) {
        throw DeploymentErr.invalidGroups.wrap((err as Error).message)
      }
      const priceDenom = groupPrice(msg.groups[0]).denom
      if (priceDenom !== DENOM_UACT) throw DeploymentErr.invalidPrice.wrap(`unsupported denomination ${priceDenom}`)

      const escrow = escrowOf(ctx)
      const deposits = escrow.authorizeDeposits(ctx, id.owner, {denom: deposit.denom, amount, sources: msg.deposit!.sources})

      const height = BigInt(ctx.height)
      const groups = msg.groups.map((spec, idx) =>
        Group.fromPartial({id: toGroupID({...id, gseq: idx + 1}), state: Group_State.open, groupSpec: spec, createdAt: height}),
      )
      const reclamation = msg.reclamation
      keeper.create(ctx, {id: msg.id!, state: Deployment_State.active, hash: msg.hash, createdAt: height, reclamation}, groups)

      const market = marketOf(ctx)
      for (const group of groups) market.createOrder(ctx, groupKey(group.id), group.groupSpec!, reclamation)

      escrow.accountCreate(ctx, deploymentAccountId(id.owner, id.dseq), id.owner, deposits)
      return MsgCreateDeploymentResponse.encode({}).finish()
    },
  }

  const update: MsgRoute<MsgUpdateDeployment> = {
    codec: MsgUpdateDeployment,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateDeploymentId(deploymentKey(msg.id))
      if (msg.hash.length === 0) throw DeploymentErr.emptyHash()
      if (msg.hash.length !== HASH_LENGTH) throw DeploymentErr.invalidHash()
    },
    handle(ctx, msg) {
      const deployment = keeper.getDeployment(ctx, deploymentKey(msg.id))
      if (!deployment) throw DeploymentErr.deploymentNotFound()
      if (deployment.state !== Deployment_State.active) throw DeploymentErr.deploymentClosed()
      // An update must change the version: the same hash is rejected.
      if (Buffer.from(msg.hash).equals(Buffer.from(deployment.hash))) throw DeploymentErr.invalidHash()
      keeper.updateDeployment(ctx, {...deployment, hash: msg.hash})
      return MsgUpdateDeploymentResponse.encode({}).finish()
    },
  }

  const close: MsgRoute<MsgCloseDeployment> = {
    codec: MsgCloseDeployment,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateDeploymentId(deploymentKey(msg.id))
    },
    handle(ctx, msg) {
      const id = deploymentKey(msg.id)
      const deployment = keeper.getDeployment(ctx, id)
      if (!deployment) throw DeploymentErr.deploymentNotFound()
      if (deployment.state !== Deployment_State.active) throw DeploymentErr.deploymentClosed()
      // The escrow hooks close the deployment, its groups, orders, bids and leases.
      escrowOf(ctx).accountClose(ctx, deploymentAccountId(id.owner, id.dseq))
      return MsgCloseDeploymentResponse.encode({}).finish()
    },
  }

  const closeGroup: MsgRoute<MsgCloseGroup> = {
    codec: MsgCloseGroup,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateGroupId(groupKey(msg.id))
    },
    handle(ctx, msg) {
      const group = keeper.getGroup(ctx, groupKey(msg.id))
      if (!group) throw DeploymentErr.groupNotFound()
      validateClosable(group)
      keeper.onCloseGroup(ctx, group, Group_State.closed)
      ignoreErrors(() => marketOf(ctx).onGroupClosed(ctx, groupKey(group.id), Group_State.closed))
      return MsgCloseGroupResponse.encode({}).finish()
    },
  }

  const pauseGroup: MsgRoute<MsgPauseGroup> = {
    codec: MsgPauseGroup,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateGroupId(groupKey(msg.id))
    },
    handle(ctx, msg) {
      const group = keeper.getGroup(ctx, groupKey(msg.id))
      if (!group) throw DeploymentErr.groupNotFound()
      validatePausable(group)
      keeper.onPauseGroup(ctx, group)
      ignoreErrors(() => marketOf(ctx).onGroupClosed(ctx, groupKey(group.id), Group_State.paused))
      return MsgPauseGroupResponse.encode({}).finish()
    },
  }

  const startGroup: MsgRoute<MsgStartGroup> = {
    codec: MsgStartGroup,
    signers: (msg) => ownerOf(msg.id),
    validateBasic(msg) {
      validateGroupId(groupKey(msg.id))
    },
    handle(ctx, msg) {
      const gid = groupKey(msg.id)
      const group = keeper.getGroup(ctx, gid)
      if (!group) throw DeploymentErr.groupNotFound()
      validateStartable(group)
      keeper.onStartGroup(ctx, group)
      const deployment = keeper.getDeployment(ctx, gid)
      if (!deployment) throw DeploymentErr.deploymentNotFound()
      // The new order asks for the deployment's reclamation, as the first one did.
      marketOf(ctx).createOrder(ctx, gid, group.groupSpec!, deployment.reclamation)
      return MsgStartGroupResponse.encode({}).finish()
    },
  }

  /**
   * The Deployments list, encoded: each listed deployment is assembled from its stored records'
   * bytes (list-query.ts), so a page of a hundred costs no decode or encode of its groups and
   * accounts. REST decodes this same answer.
   */
  function deploymentsPage(ctx: Context, req: QueryDeploymentsRequest): Uint8Array {
    const filters = {owner: req.filters?.owner ?? '', dseq: u64(req.filters?.dseq), state: req.filters?.state ?? ''}
    if (req.pagination && u64(req.pagination.offset) > 0n && filters.state === '') {
      throw queryStatus(Grpc.invalidArgument, 'invalid request parameters. if offset is set, filter.state must be provided')
    }
    const states = stateFilter(filters.state)
    const resuming = (req.pagination?.key?.length ?? 0) > 0
    const encode = (items: Uint8Array[], pagination: {nextKey: Uint8Array; total: bigint | number}) =>
      encodeFields([...items.map((item) => [1, item] as const), [2, PageResponse.encode(PageResponse.fromPartial(pagination)).finish()]])

    if (filters.owner !== '' && filters.dseq !== 0n && !resuming) {
      const id = {owner: filters.owner, dseq: filters.dseq}
      const raw = isAddress(filters.owner) ? ctx.store.get(deploymentStoreKey(id)) : undefined
      const hit = raw && states.includes(Deployment.decode(raw).state) ? [listedDeploymentBytes(ctx, id, raw)] : []
      return encode(hit, {nextKey: new Uint8Array(), total: hit.length})
    }

    const accept = (id: DeploymentKey) => (filters.owner === '' || id.owner === filters.owner) && (filters.dseq === 0n || id.dseq === filters.dseq)

    // With an owner, walk that owner's deployments; otherwise walk the state index.
    const byOwner = filters.owner !== ''
    const prefixes = byOwner ? [`${DEPLOYMENTS}${filters.owner}/`] : states.map((s) => `${STATE_INDEX}${s}/`)
    const page = paginatePrefixes(ctx.store, prefixes, req.pagination, (key, value) => {
      const path = byOwner ? key.slice(DEPLOYMENTS.length) : key.slice(STATE_INDEX.length).replace(/^\d+\//, '')
      const [owner, dseq] = path.split('/')
      const id = {owner, dseq: BigInt(dseq)}
      if (!accept(id)) return undefined
      // Walking an owner's deployments gives the record itself; the state index only its id.
      const raw = byOwner ? value : ctx.store.get(deploymentStoreKey(id))
      return raw && states.includes(Deployment.decode(raw).state) ? listedDeploymentBytes(ctx, id, raw) : undefined
    })
    return encode(page.items, page.pagination)
  }

  const deployments: QueryRoute<QueryDeploymentsRequest, QueryDeploymentsResponse> = {
    path: '/akash.deployment.v1beta4.Query/Deployments',
    http: '/akash/deployment/v1beta4/deployments/list',
    request: QueryDeploymentsRequest,
    response: QueryDeploymentsResponse,
    encoded: deploymentsPage,
    handle: (ctx, req) => QueryDeploymentsResponse.decode(deploymentsPage(ctx, req)),
  }

  const deploymentQuery: QueryRoute<QueryDeploymentRequest, QueryDeploymentResponse> = {
    path: '/akash.deployment.v1beta4.Query/Deployment',
    http: '/akash/deployment/v1beta4/deployments/info',
    request: QueryDeploymentRequest,
    response: QueryDeploymentResponse,
    handle(ctx, req) {
      const id = deploymentKey(req.id)
      if (!isAddress(id.owner)) throw queryStatus(Grpc.invalidArgument, 'invalid owner address')
      const deployment = keeper.getDeployment(ctx, id)
      if (!deployment) throw DeploymentErr.deploymentNotFound()
      const account = escrowOf(ctx).getAccount(ctx, deploymentAccountId(id.owner, id.dseq))
      // node answers with the escrow keeper's own error here (not the list query's internal one).
      if (!account) throw EscrowErr.accountNotFound()
      return QueryDeploymentResponse.fromPartial({
        deployment,
        groups: keeper.getGroups(ctx, id),
        escrowAccount: accountToProto(account),
      })
    },
  }

  const groupQuery: QueryRoute<QueryGroupRequest, QueryGroupResponse> = {
    path: '/akash.deployment.v1beta4.Query/Group',
    http: '/akash/deployment/v1beta4/groups/info',
    request: QueryGroupRequest,
    response: QueryGroupResponse,
    handle(ctx, req) {
      const id = groupKey(req.id)
      if (!isAddress(id.owner)) throw queryStatus(Grpc.invalidArgument, 'invalid owner address')
      const group = keeper.getGroup(ctx, id)
      if (!group) throw DeploymentErr.groupNotFound()
      return QueryGroupResponse.fromPartial({group})
    },
  }

  const paramsQuery: QueryRoute<QueryParamsRequest, QueryParamsResponse> = {
    path: '/akash.deployment.v1beta4.Query/Params',
    http: '/akash/deployment/v1beta4/params',
    request: QueryParamsRequest,
    response: QueryParamsResponse,
    handle: (ctx) => QueryParamsResponse.fromPartial({params: keeper.getParams(ctx)}),
  }

  return {
    name: 'deployment',
    msgs: [create, update, close, closeGroup, pauseGroup, startGroup],
    queries: [deployments, deploymentQuery, groupQuery, paramsQuery],
    initGenesis(ctx, state) {
      const genesis = (state as DeploymentGenesis | undefined) ?? defaultDeploymentGenesis()
      validateMinDeposits(genesis.params.minDeposits)
      keeper.setParams(ctx, Params.fromPartial({minDeposits: genesis.params.minDeposits}))
    },
    keeper,
  }
}

