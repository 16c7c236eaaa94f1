/**
 * The idempotency phase: a run with a key that a live deployment already holds continues that
 * deployment instead of opening another (a retried CI job), and refuses a key reused for another
 * manifest.
 */
import {createHash} from 'node:crypto'
import {resolve} from 'node:path'

import {UsageError} from '../../errors.js'
import type {LedgerEntry} from '../ledger/ledger.js'
import type {DeployEvent} from './events.js'
import type {RunState} from './state.js'

/** How many of the owner's newest active deployments a key is looked for in, and how many at once. */
const MAX_KEY_SEARCH = 100
const KEY_SEARCH_PARALLEL = 8

/** The create transaction's memo for an idempotency key: a digest, so the key itself is not published. */
export function idempotencyMemo(key: string): string {
  return `edge idempotency-key sha256:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`
}

/** With an idempotency key held by a live deployment, continue that one instead; true when resumed. */
export async function* resumeByKey(run: RunState): AsyncGenerator<DeployEvent, boolean> {
  const key = run.input.idempotencyKey
  if (!key) return false
  let held = run.ctx.ledger.findByKey(run.network, run.owner, key)
  if (!held) {
    try {
      held = await findKeyOnChain(run, key)
    } catch (error) {
      // Public RPC nodes may run without a transaction index; the local ledger is then all there is.
      yield run.clock.event({
        type: 'warning',
        message: `Could not look for idempotency key "${key}" on chain (${(error as Error).message}); a deployment an earlier run opened on another machine will not be found.`,
      })
    }
  }
  if (!held) return false
  return yield* adoptHeld(run, held)
}

/**
 * A retried CI job usually runs on a fresh machine, whose ledger is empty: the key is then looked
 * for in the memos of the create transactions of the owner's active deployments.
 */
async function findKeyOnChain(run: RunState, key: string): Promise<LedgerEntry | undefined> {
  const {ctx, owner, input} = run
  const marker = idempotencyMemo(key)
  const newestFirst = (await ctx.market.deployments(owner, 'active')).sort((a, b) => b.createdAt - a.createdAt)
  // A retry runs the same manifest, so those deployments are asked about first; the others can
  // only turn up a key reused for another manifest (a conflict).
  const same = (d: {hash: Uint8Array}) => Buffer.from(d.hash).toString('hex') === run.sdlHash
  const candidates = [...newestFirst.filter(same), ...newestFirst.filter((d) => !same(d))].slice(0, MAX_KEY_SEARCH)
  let found: (typeof candidates)[number] | undefined
  for (let i = 0; i < candidates.length && !found; i += KEY_SEARCH_PARALLEL) {
    const batch = candidates.slice(i, i + KEY_SEARCH_PARALLEL)
    const memos = await Promise.all(batch.map((d) => ctx.market.txMemos(owner, d.createdAt)))
    found = batch.find((_d, j) => memos[j].includes(marker))
  }
  if (!found) return undefined
  const hash = Buffer.from(found.hash).toString('hex')
  const entry = {
    network: run.network,
    owner,
    dseq: found.id.dseq,
    state: 'open' as const,
    file: resolve(input.file),
    hash,
    services: run.services,
    idempotencyKey: key,
    labels: input.labels,
    uris: [],
    createdHeight: found.createdAt,
    ...(input.budgetUsd !== undefined ? {budgetUsd: input.budgetUsd} : {}),
    ...(input.ttlMs !== undefined ? {expiresAt: run.clock.now() + input.ttlMs} : {}),
  }
  // Another manifest's deployment is only reported (adoptHeld refuses it): recording this run's
  // services, labels, budget and TTL on it would scope its provider tokens to the wrong services
  // and let `edge close --expired` close it on this run's --ttl.
  if (hash !== run.sdlHash) return {...entry, createdAt: 0, updatedAt: 0}
  return ctx.ledger.adopt(entry, {keepKey: true})
}

/** Continues the deployment that holds the key, when it is still active; false when it is gone. */
export async function* adoptHeld(run: RunState, held: LedgerEntry): AsyncGenerator<DeployEvent, boolean> {
  if (held.hash && held.hash !== run.sdlHash) {
    throw new UsageError(`Idempotency key "${held.idempotencyKey}" belongs to deployment ${held.dseq}, which runs a different manifest.`, {
      code: 'idempotency_conflict',
      hint: `Use a new key for a new deployment, or change the running one with \`edge update ${held.dseq} ${run.input.file}\`.`,
      details: {dseq: held.dseq, hash: held.hash},
    })
  }
  const onChain = await run.ctx.market.deployment({owner: run.owner, dseq: held.dseq})
  if (!onChain || onChain.state !== 'active') {
    run.ctx.ledger.markClosed(run.network, run.owner, held.dseq, 'closed on chain', 'closed')
    return false
  }
  run.dseq = held.dseq
  run.entry = held
  // A resumed deployment was opened by an earlier run: a failure now still closes it unless --keep.
  run.ownsDeployment = true
  run.blocks.created = onChain.createdAt
  yield run.clock.event({type: 'deployment_created', dseq: held.dseq, txHash: '', height: onChain.createdAt, reused: true})
  yield run.clock.step('create', 'skipped', `Found deployment ${held.dseq} for idempotency key "${held.idempotencyKey}"`)
  return true
}
