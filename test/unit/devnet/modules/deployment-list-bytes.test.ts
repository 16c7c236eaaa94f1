/**
 * The Deployments list is assembled from stored record bytes for gRPC (no decode/encode of each
 * deployment, group and escrow account): it must decode to exactly what the records say.
 */
import {MsgCloseDeployment, MsgCreateDeployment, QueryDeploymentsRequest, QueryDeploymentsResponse} from '@akashnetwork/chain-sdk/private-types/akash.v1beta4'
import {describe, expect, it} from 'vitest'

import {accountToProto, deploymentAccountId, type EscrowKeeper} from '../../../../src/devnet/modules/escrow/index.js'
import type {DeploymentKeeper} from '../../../../src/devnet/modules/deployment/index.js'
import {createDeployment} from './builders.js'
import {address, FakeChain} from './fake-chain.js'

const owner = address('owner')

describe('Deployments list from stored bytes', () => {
  it('decodes to the stored deployments, all their groups and their escrow accounts, page by page', () => {
    const c = new FakeChain({funds: {[owner]: {uact: 100_000_000n}}})
    for (const dseq of [3, 5, 8]) {
      const res = c.deliver(MsgCreateDeployment, createDeployment(owner, dseq, {groups: [{name: 'a'}, {name: 'b', units: [{price: '7.25', count: 2}]}]}), owner)
      expect(res.code, res.log).toBe(0)
    }
    expect(c.deliver(MsgCloseDeployment, {id: {owner, dseq: '5'}}, owner).code).toBe(0)
    const route = c.modules.find((m) => m.name === 'deployment')!.queries.find((q) => q.path.endsWith('/Deployments'))!
    const ctx = c.context()
    const deployments = ctx.keeper<DeploymentKeeper>('deployment')
    const escrow = ctx.keeper<EscrowKeeper>('escrow')
    const expected = (dseq: number) => {
      const id = {owner, dseq: BigInt(dseq)}
      return {
        deployment: deployments.getDeployment(ctx, id),
        groups: deployments.getGroups(ctx, id),
        escrowAccount: accountToProto(escrow.getAccount(ctx, deploymentAccountId(owner, id.dseq))!),
      }
    }
    const list = (request: object) => QueryDeploymentsResponse.decode(route.encoded!(ctx, QueryDeploymentsRequest.fromPartial(request)))

    const all = list({filters: {owner}})
    expect(all.deployments).toEqual([3, 5, 8].map(expected))
    expect(all.deployments[0].groups).toHaveLength(2)
    expect(all.pagination?.total).toBe(3n)
    expect(list({filters: {owner, state: 'active'}}).deployments).toEqual([3, 8].map(expected))
    expect(list({filters: {owner, dseq: 5}}).deployments).toEqual([expected(5)])
    const first = list({filters: {owner}, pagination: {limit: 2}})
    expect(first.deployments).toEqual([3, 5].map(expected))
    expect(list({filters: {owner}, pagination: {key: first.pagination!.nextKey}}).deployments).toEqual([expected(8)])
    // REST decodes the same answer.
    expect(route.handle(ctx, QueryDeploymentsRequest.fromPartial({filters: {owner}}))).toEqual(all)
  })
})
