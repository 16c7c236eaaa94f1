/**
 * The tools that lead to spending: plan (creates nothing), apply, close, deposit and update
 * (a plan for an in-place update). Each call goes to the action log; the limits are enforced in
 * the Agent and the Planner, never trusted to the model.
 */
import type {McpServer} from '@modelcontextprotocol/server'
import * as z from 'zod'

import {parseDuration, parseUsdAmount} from '../../services/ledger/guards.js'
import type {Agent} from '../agent.js'
import {dseqArg, sdlSource} from './read-tools.js'
import {logged} from './result.js'

const ttlArg = z.string().max(16).optional().describe('How long the deployment may live, e.g. 30m or 2h (default and maximum: the TTL limit).')

export function registerWriteTools(server: McpServer, agent: Agent, signal: AbortSignal): void {
  const {store, planner} = agent

  server.registerTool(
    'plan',
    {
      description:
        'Plan a deployment of an SDL (path or text): what would be created, its cost in USD (per hour at most, the deposit, the worst case until the TTL), the providers that would bid, and a plan id valid for a short time. Creates nothing; pass the plan id to apply. Show the user the cost before applying.',
      inputSchema: z.strictObject({...sdlSource, ttl: ttlArg}),
      annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true},
    },
    (args) =>
      logged(store, 'plan', args, async () => {
        const body = await planner.plan({...(args.path ? {path: args.path} : {}), ...(args.sdl ? {sdl: args.sdl} : {}), ...(args.ttl ? {ttl: parseDuration(args.ttl, 'ttl')} : {})})
        const {file: _file, numbers: _numbers, ...shown} = body
        return {value: shown, summary: `planned ${body.planId}: ${body.forecast.maxUsdPerHour ?? '?'} at most, deposit ${body.forecast.deposit.display}, TTL ${body.ttl}`}
      }),
  )

  server.registerTool(
    'update',
    {
      description: 'Plan an in-place update of a deployment this server created (new images, commands, env; not resources or price). Returns a plan id for apply.',
      inputSchema: z.strictObject({dseq: dseqArg, ...sdlSource}),
      annotations: {readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true},
    },
    (args) =>
      logged(store, 'update', args, async () => {
        const body = await planner.plan({...(args.path ? {path: args.path} : {}), ...(args.sdl ? {sdl: args.sdl} : {}), updateDseq: BigInt(args.dseq)})
        const {file: _file, numbers: _numbers, ...shown} = body
        return {value: shown, summary: `planned update ${body.planId} of ${args.dseq}`}
      }),
  )

  server.registerTool(
    'apply',
    {
      description:
        'Carry out a plan (only its id): refused if it expired, if anything it was made from changed, or if it no longer fits the limits at the current price. Deploys, waits until the services run, and returns the URIs and a receipt of what was spent.',
      inputSchema: z.strictObject({planId: z.string().regex(/^plan-[0-9a-f]{12}$/, 'a plan id from the plan tool')}),
      annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true},
    },
    (args) =>
      logged(store, 'apply', args, async () => {
        const r = await agent.apply(args.planId, signal)
        return {value: r, summary: `applied ${r.planId}: deployment ${r.dseq}, deposited ${r.receipt.deposited}, expires ${r.expiresAt}`}
      }),
  )

  server.registerTool(
    'close',
    {
      description: 'Close a deployment this server created: the lease ends and the escrow left comes back.',
      inputSchema: z.strictObject({dseq: dseqArg}),
      annotations: {readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true},
    },
    (args) =>
      logged(store, 'close', args, async () => {
        const r = await agent.close(BigInt(args.dseq))
        return {value: r, summary: `closed ${r.dseq} (${r.outcome}), refunded ${r.refunded}`}
      }),
  )

  server.registerTool(
    'deposit',
    {
      description: "Top up the escrow of a deployment this server created, in USD (within the deposit and budget limits). It does not extend the TTL.",
      inputSchema: z.strictObject({dseq: dseqArg, usd: z.string().regex(/^\$?\d+(\.\d+)?$/, 'an amount in USD such as 0.5').describe('Amount in USD, e.g. 0.5.')}),
      annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true},
    },
    (args) =>
      logged(store, 'deposit', args, async () => {
        const r = await agent.deposit(BigInt(args.dseq), parseUsdAmount(args.usd, 'usd'))
        return {value: r, summary: `deposited ${r.deposited} into ${r.dseq}`}
      }),
  )
}
