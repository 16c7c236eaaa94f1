/** The create phase: MsgCreateDeployment at dseq = height, recorded in the ledger before it is sent. */
import {resolve} from 'node:path'

import {EdgeError, InsufficientFundsError} from '../../errors.js'
import {type GroupSpec, isLeaseLive, type Lease} from '../../market/market.js'
import {groupSpecs, manifestVersion, plainGroupSpecs, reclamationSeconds} from '../../sdl/index.js'
import {IdempotencyConflict} from '../ledger/ledger.js'
import {appendHint} from './cleanup.js'
import type {DeployEvent} from './events.js'
import {adoptHeld, idempotencyMemo} from './idempotency.js'
import {type RunState, dseqOf} from './state.js'

/** A group of the deployment, numbered as the chain numbers it. */
export interface RunGroup {
  gseq: number
  name: string
  spec: GroupSpec
}

export async function* createDeployment(run: RunState): AsyncGenerator<DeployEvent, void> {
  const {ctx, clock, input, forecast: f} = run
  const {market, ledger} = ctx
  const tx = market.tx!
  // A deposit sized to the TTL starts small and is topped up once the lease's price is known.
  const deposit = f.ttl?.firstDeposit !== undefined ? {denom: f.deposit.denom, amount: f.ttl.firstDeposit} : f.deposit
  yield clock.step('create', 'started', 'Creating the deployment')
  // The provider-side code (TLS probes, JWTs, websockets) loads while the chain includes the tx.
  run.providerSide.preload()
  let attempt = 0
  for (;;) {
    attempt++
    const height = (await market.latestBlock()).height
    const dseq = BigInt(height) + BigInt(attempt - 1)
    try {
      run.entry = ledger.reserve({
        network: run.network,
        owner: run.owner,
        dseq,
        state: 'creating',
        // Absolute: `edge receipt` reads the SDL again, maybe from another directory.
        file: resolve(input.file),
        hash: run.sdlHash,
        services: run.services,
        deposit: deposit.amount,
        depositDenom: deposit.denom,
        ...(input.budgetUsd !== undefined ? {budgetUsd: input.budgetUsd} : {}),
        ...(input.ttlMs !== undefined ? {expiresAt: clock.now() + input.ttlMs} : {}),
        ...(input.idempotencyKey ? {idempotencyKey: input.idempotencyKey} : {}),
        labels: input.labels,
        uris: [],
      })
    } catch (error) {
      if (error instanceof IdempotencyConflict) {
        // Another run with the same key got there first: follow it.
        if (yield* adoptHeld(run, error.existing)) return
        continue
      }
      if (/UNIQUE constraint failed: deployments\.network/.test((error as Error).message) && attempt < 5) continue
      throw error
    }
    run.dseq = dseq
    try {
      const reclamation = reclamationSeconds(run.sdl)
      const result = await tx.createDeployment({
        dseq,
        groups: groupSpecs(run.sdl),
        hash: manifestVersion(run.sdl).bytes,
        deposit,
        ...(input.idempotencyKey ? {memo: idempotencyMemo(input.idempotencyKey)} : {}),
        // SDL `reclamation.min_window`: the notice a provider must give before it reclaims (AEP-82).
        ...(reclamation !== undefined ? {reclamationWindowSeconds: reclamation} : {}),
      })
      yield* created(run, dseq, result.height, result.txHash)
      return
    } catch (error) {
      // An unknown outcome (timeout) may still have created it: ask the chain.
      const exists = await market.deployment({owner: run.owner, dseq}).catch(() => undefined)
      if (exists && exists.state === 'active') {
        yield* created(run, dseq, exists.createdAt, '')
        return
      }
      const message = (error as Error).message
      if (!createRefused(error)) {
        // Neither refused nor found (a broadcast that timed out, a lost connection): the
        // transaction may still be included, locking the deposit. The ledger row stays
        // 'creating' (a retry with the same idempotency key checks the chain again).
        ledger.update(run.network, run.owner, dseq, {closeReason: `create outcome unknown: ${message}`})
        yield clock.step('create', 'failed', message)
        appendHint(error, `The transaction may still create deployment ${dseq}: check with \`edge status ${dseq}\` and close it with \`edge close ${dseq}\`.`)
        throw error
      }
      ledger.markClosed(run.network, run.owner, dseq, `create failed: ${message}`, 'failed')
      run.dseq = undefined
      // Two deploys in one block pick the same dseq; the next height is free.
      if (/already exists|deployment exists/i.test(message) && attempt < 5) continue
      yield clock.step('create', 'failed', message)
      throw error
    }
  }
}

async function* created(run: RunState, dseq: bigint, height: number, txHash: string): AsyncGenerator<DeployEvent, void> {
  run.ownsDeployment = true
  run.blocks.created = height
  run.ctx.ledger.update(run.network, run.owner, dseq, {state: 'open', createdHeight: height})
  yield run.clock.event({type: 'deployment_created', dseq, txHash, height})
  yield run.clock.step('create', 'succeeded', `Deployment ${dseq} created in block ${height}`, height)
}

/** Did the chain refuse MsgCreateDeployment (so it created nothing)? */
export function createRefused(error: unknown): boolean {
  if (error instanceof InsufficientFundsError) return true
  if (error instanceof EdgeError && error.code === 'tx_failed') return true
  return /already exists|deployment exists/i.test((error as Error)?.message ?? '')
}

/** The deployment's groups as the chain holds them, or (before it answers) as the SDL orders them. */
export async function deploymentGroups(run: RunState): Promise<RunGroup[]> {
  const deployment = await run.ctx.market.deployment({owner: run.owner, dseq: dseqOf(run)})
  if (deployment && deployment.groups.length > 0) {
    return deployment.groups.map((g) => ({gseq: g.id.gseq, name: g.spec.name, spec: g.spec}))
  }
  // The chain numbers groups from 1 in SDL order.
  return plainGroupSpecs(run.sdl).map((spec, i) => ({gseq: i + 1, name: spec.name, spec}))
}

/** Leases whose workload runs: active, or reclaiming until the provider closes them. */
export async function liveLeases(run: RunState): Promise<Lease[]> {
  return (await run.ctx.market.leases({owner: run.owner, dseq: dseqOf(run)})).filter(isLeaseLive)
}
