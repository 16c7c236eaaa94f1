/** The provider phase: the manifest to each leasing provider, then wait until the services run. */
import {CancelledError, ServiceFailedError} from '../../errors.js'
import type {Lease} from '../../market/market.js'
import {sleep as abortableSleep} from '../../lib/sleep.js'
import type {LeaseStatus} from '../../provider-client/types.js'
import {manifestSortedJson} from '../../sdl/index.js'
import type {DeployEvent} from './events.js'
import {waitForServices} from './ready.js'
import {type RunState, checkCancelled, dseqOf} from './state.js'
import {leaseKey, runtimesOf} from './status.js'
import type {DeployedService} from './types.js'

export async function* sendManifests(run: RunState, leases: Lease[]): AsyncGenerator<DeployEvent, void> {
  const {clock} = run
  const json = manifestSortedJson(run.sdl)
  const providers = [...new Set(leases.map((l) => l.id.provider))]
  yield clock.step('manifest', 'started', `Sending the manifest to ${providers.join(', ')}`)
  for (const provider of providers) {
    checkCancelled(run)
    try {
      const {attempts} = await (await run.providerSide.client(provider)).sendManifest(dseqOf(run), json, {signal: run.signal})
      yield clock.event({type: 'manifest_sent', provider, attempts})
    } catch (error) {
      checkCancelled(run)
      yield clock.step('manifest', 'failed', (error as Error).message)
      throw error
    }
  }
  yield clock.step('manifest', 'succeeded', 'Manifest accepted')
}

export async function* waitReady(run: RunState, leases: Lease[]): AsyncGenerator<DeployEvent, Map<string, LeaseStatus>> {
  const {ctx, clock} = run
  yield clock.step('ready', 'started', 'Waiting for the services to start')
  const targets = await Promise.all(
    leases.map(async (l) => ({key: leaseKey(l), provider: l.id.provider, ref: leaseRef(l), client: await run.providerSide.client(l.id.provider)})),
  )
  const wait = waitForServices({
    targets,
    services: run.services,
    dseq: dseqOf(run),
    readyTimeoutMs: run.input.readyTimeoutMs,
    intervalMs: Math.max(200, Math.min(1000, Math.floor(ctx.network.blockTimeMs / 2))),
    signal: run.signal,
    now: clock.now,
    sleep: ctx.sleep ?? abortableSleep,
    checkCancelled: () => checkCancelled(run),
  })
  let statuses: Map<string, LeaseStatus>
  let last: DeployedService[] = []
  try {
    for (;;) {
      const next = await wait.next()
      if (next.done) {
        statuses = next.value
        break
      }
      if (next.value.type === 'services') last = next.value.services
      yield next.value
    }
  } catch (error) {
    if (!(error instanceof CancelledError)) yield clock.step('ready', 'failed', error instanceof ServiceFailedError ? error.message.split('\n')[0]! : (error as Error).message)
    throw error
  }
  run.runtimes = runtimesOf(statuses)
  const height = (await ctx.market.latestBlock().catch(() => undefined))?.height
  if (height !== undefined) run.blocks.ready = height
  yield clock.step('ready', 'succeeded', `${last.map((s) => `${s.name} ${s.ready}/${s.total}`).join(', ')} ready`, height)
  return statuses
}

const leaseRef = (l: Lease) => ({owner: l.id.owner, provider: l.id.provider, dseq: l.id.dseq, gseq: l.id.gseq, oseq: l.id.oseq})
