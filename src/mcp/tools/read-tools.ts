/**
 * The read tools: they call the services the commands call and change nothing.
 */
import type {McpServer} from '@modelcontextprotocol/server'
import * as z from 'zod'

import {loadSdl} from '../../sdl/index.js'
import {parseDuration} from '../../services/ledger/guards.js'
import {listBids} from '../../services/lease/bids.js'
import {listDeployments} from '../../services/lease/list.js'
import {searchProviders} from '../../services/lease/providers.js'
import {deploymentStatus} from '../../services/lease/status.js'
import {leaseEvents, leaseLogs} from '../../services/lease/streams.js'
import {listTemplates} from '../../services/sdl/templates.js'
import {summarize} from '../../services/sdl/validate.js'
import {balance} from '../../services/wallet.js'
import type {Agent} from '../agent.js'
import {limitsView} from '../limits.js'
import {answer} from './result.js'

export const READ = {readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true} as const

export const dseqArg = z.string().regex(/^\d+$/, 'a deployment sequence number (DSEQ), digits only').describe('Deployment sequence number (DSEQ).')
export const sdlSource = {
  path: z.string().min(1).optional().describe('An SDL file, or a directory holding deploy.yaml, inside the directories the limits allow.'),
  sdl: z.string().min(1).max(200_000).optional().describe('The SDL text itself (instead of path).'),
}

/** Most log lines a call returns, and most characters. */
export const MAX_LOG_LINES = 500
const MAX_LOG_CHARS = 64_000

export function registerReadTools(server: McpServer, agent: Agent): void {
  const {ctx, planner} = agent

  server.registerTool(
    'templates',
    {description: 'The SDL templates edge ships (name, what it runs, resources, price): a start for plan.', inputSchema: z.strictObject({}), annotations: {...READ, openWorldHint: false}},
    () => answer(async () => ({templates: await listTemplates({blockTimeMs: ctx.network.blockTimeMs})})),
  )

  server.registerTool(
    'sdl_validate',
    {
      description: 'Validate an SDL (path or text): errors and warnings with line and column, and a summary of what it rents.',
      inputSchema: z.strictObject(sdlSource),
      annotations: {...READ, openWorldHint: false},
    },
    (args) =>
      answer(async () => {
        const {text, source} = planner.readSource(args)
        const file = source.kind === 'path' ? source.path : '(sdl text)'
        const result = loadSdl(text, {file, denom: ctx.network.depositDenom})
        return {file, valid: result.ok, errors: result.errors, warnings: result.warnings, ...(result.sdl ? {summary: summarize(result.sdl)} : {})}
      }),
  )

  server.registerTool(
    'providers',
    {
      description: 'Search providers on the network: region, GPU models, audit, and (probe) the TLS handshake time measured from here.',
      inputSchema: z.strictObject({
        region: z.string().max(64).optional().describe('Region prefix or glob, e.g. us-west or eu-*.'),
        gpu: z.string().max(64).optional().describe('GPU model, e.g. a100.'),
        probe: z.boolean().default(true).describe('Measure latency to each provider (about a second).'),
      }),
      annotations: READ,
    },
    (args) => answer(async () => ({providers: await searchProviders(ctx.market, {...(args.region ? {region: args.region} : {}), ...(args.gpu ? {gpu: args.gpu} : {}), probe: args.probe})})),
  )

  server.registerTool(
    'prices',
    {
      description: 'What an SDL would cost in USD per hour at most (its order price), with the deposit it needs for the TTL, and the AKT price in USD.',
      inputSchema: z.strictObject({...sdlSource, ttl: z.string().max(16).optional().describe('Duration such as 30m or 2h (default: the TTL limit).')}),
      annotations: READ,
    },
    (args) =>
      answer(async () => {
        return planner.quote({...(args.path ? {path: args.path} : {}), ...(args.sdl ? {sdl: args.sdl} : {}), ...(args.ttl ? {ttl: parseDuration(args.ttl, 'ttl')} : {})})
      }),
  )

  server.registerTool(
    'deployments',
    {description: "This wallet's active deployments: state, lease price, escrow and time left; agent=true marks those created through edge mcp.", inputSchema: z.strictObject({}), annotations: READ},
    () =>
      answer(async () => {
        const rows = await listDeployments(ctx)
        const own = new Set(agent.store.openDeployments(ctx.network.name, ctx.owner).map((d) => d.dseq.toString()))
        return {deployments: rows.map((r) => ({...r, agent: own.has(r.dseq.toString())}))}
      }),
  )

  server.registerTool(
    'deployment_status',
    {
      description: 'One deployment: its lease, services (ready/total), URIs, escrow left and time left.',
      inputSchema: z.strictObject({dseq: dseqArg}),
      annotations: READ,
    },
    (args) =>
      answer(async () => {
        const status = await deploymentStatus(ctx, BigInt(args.dseq))
        const own = agent.store.deployment(ctx.network.name, ctx.owner, BigInt(args.dseq))
        // The provider's raw status is long; the services, URIs and lease facts say what an agent needs.
        return {...status, leases: status.leases.map(({status: _raw, ...rest}) => rest), ...(own ? {agentTtl: {expiresAt: new Date(own.expiresAt).toISOString(), state: own.state}} : {})}
      }),
  )

  server.registerTool(
    'bids',
    {
      description: 'The bids on a deployment, priced in USD/h, with measured latency and the score edge deploy would give them.',
      inputSchema: z.strictObject({dseq: dseqArg, strategy: z.enum(['cheapest', 'fastest', 'balanced']).default('balanced')}),
      annotations: READ,
    },
    (args) => answer(async () => listBids(ctx, BigInt(args.dseq), {probe: true, strategy: args.strategy})),
  )

  server.registerTool(
    'logs',
    {
      description: `The last lines a deployment's services logged (at most ${MAX_LOG_LINES}), optionally only lines containing a text.`,
      inputSchema: z.strictObject({
        dseq: dseqArg,
        tail: z.number().int().min(1).max(MAX_LOG_LINES).default(100),
        grep: z.string().min(1).max(200).optional().describe('Only lines containing this text (case-insensitive).'),
        service: z.string().max(63).optional(),
      }),
      annotations: READ,
    },
    (args) =>
      answer(async () => {
        const lines: Array<{service: string; message: string}> = []
        const signal = AbortSignal.timeout(15_000)
        const wanted = args.grep?.toLowerCase()
        for await (const e of leaseLogs(ctx, BigInt(args.dseq), {follow: false, tail: args.tail, ...(args.service ? {services: [args.service]} : {}), signal})) {
          if (e.type !== 'line') continue
          if (wanted && !e.message.toLowerCase().includes(wanted)) continue
          lines.push({service: e.service, message: e.message.replace(/\n$/, '')})
        }
        let kept = lines.slice(-args.tail)
        while (kept.length > 1 && JSON.stringify(kept).length > MAX_LOG_CHARS) kept = kept.slice(1)
        return {dseq: args.dseq, lines: kept, truncated: kept.length < lines.length}
      }),
  )

  server.registerTool(
    'events',
    {description: 'What the provider did for a deployment (pulling, started, failed…), newest last, at most 200.', inputSchema: z.strictObject({dseq: dseqArg}), annotations: READ},
    (args) =>
      answer(async () => {
        const events = []
        for await (const e of leaseEvents(ctx, BigInt(args.dseq), {follow: false, signal: AbortSignal.timeout(15_000)})) events.push(e)
        return {dseq: args.dseq, events: events.slice(-200)}
      }),
  )

  server.registerTool(
    'wallet_balance',
    {description: "The wallet's balances in AKT and ACT, with USD values.", inputSchema: z.strictObject({}), annotations: READ},
    () => answer(async () => balance(ctx.session, {address: ctx.owner})),
  )

  server.registerTool(
    'limits',
    {
      description: 'The limits a person set for this server (spend allowed, USD/h, deposit, budgets, TTL, allowlists), and how much of the budget is left.',
      inputSchema: z.strictObject({}),
      annotations: {...READ, openWorldHint: false},
    },
    () => answer(async () => ({network: ctx.network.name, owner: ctx.owner, limits: limitsView(agent.limits), ...agent.budget()})),
  )
}
