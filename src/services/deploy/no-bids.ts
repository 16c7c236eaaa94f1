/** When a group got no acceptable bid: why (the diagnosis, with what to relax), before the run fails. */
import {NoBidsError} from '../../errors.js'
import type {Bid, ProviderInfo} from '../../market/market.js'
import {perHour, toUsd} from '../../protocol/money.js'
import type {Excluded} from './candidates.js'
import type {RunGroup} from './create.js'
import {type FreeCapacity, diagnoseNoBids, freeCapacityOf} from './diagnose.js'
import type {DeployEvent} from './events.js'
import type {RunState} from './state.js'

export async function* noBids(run: RunState, groups: RunGroup[], bids: Bid[], excluded: Excluded[], empty: RunGroup[]): AsyncGenerator<DeployEvent, never> {
  const {clock, directory, input} = run
  await directory.load()
  await directory.loadAudits([...directory.providers.keys()])
  const orderPerBlock = groups.reduce((sum, g) => sum + g.spec.resources.reduce((s, r) => s + r.price.amount * BigInt(r.count), 0n), 0n)
  const denom = groups[0]?.spec.resources[0]?.price.denom ?? 'uact'
  const orderUsd = toUsd(perHour(orderPerBlock, run.ctx.network.blockTimeMs), denom, run.pricing.aktUsd)
  const bidders = new Set(bids.map((b) => b.id.provider))
  const specs = groups.map((g) => g.spec)
  // Providers that match and stayed silent may just be too small: ask them what they have free.
  const silent = [...directory.providers.values()].filter((p) => !bidders.has(p.owner) && directory.matchesAll(p, specs))
  const capacity = await freeCapacity(run, silent)
  const diagnosis = diagnoseNoBids({
    specs,
    providers: [...directory.providers.values()],
    audits: directory.audits,
    bidders,
    excluded,
    capacity,
    ...(orderUsd !== undefined ? {orderUsdPerHour: orderUsd} : {}),
    ...(input.maxUsdPerHour !== undefined ? {maxUsdPerHour: input.maxUsdPerHour} : {}),
  })
  yield clock.event({type: 'no_bids', diagnosis})
  yield clock.step('select', 'failed', 'No acceptable bid')
  const relax = diagnosis.relax.slice(0, 3).map((r) => r.change)
  // "within 30 s" only when the window ran its course: bids that came and were all filtered out
  // close the window early (after a second or two), and the timeout was not why.
  const window = bids.length === 0 ? ` within ${Math.round(input.bidTimeoutMs / 1000)} s` : ''
  throw new NoBidsError(
    `No acceptable bid for ${empty.map((g) => `group "${g.name}"`).join(', ')}${window}. ${diagnosis.summary}`,
    {
      hint: relax.length ? `To get bids: ${relax.join('; ')}.` : 'Try again later, or on another network.',
      details: {dseq: run.dseq, diagnosis},
    },
  )
}

/** What each provider says it has free (Akash's `GET /status`); providers that do not answer in time are left out. */
async function freeCapacity(run: RunState, providers: ProviderInfo[]): Promise<FreeCapacity[]> {
  const out = await Promise.all(
    providers.slice(0, 20).map(async (p) => {
      try {
        const status = await (await run.providerSide.client(p.owner)).status(AbortSignal.timeout(3000))
        return freeCapacityOf(p.owner, status)
      } catch {
        return undefined
      }
    }),
  )
  return out.filter((c): c is FreeCapacity => c !== undefined)
}
