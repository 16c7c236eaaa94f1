/**
 * A tenant following a deployment (`edge events --follow`, `edge deploy --follow`) is told at
 * once when a provider starts reclaiming one of its leases (AEP-82): which lease, why, and the
 * deadline after which the provider may close it. Users asked for this notice (support#534); the
 * provider's own event stream does not carry it, the chain does.
 */
import type {Lease, MarketQueries} from '../../market/market.js'
import {sleep as abortableSleep} from '../../lib/sleep.js'
import {type ReclamationView, reclamationNotice, reclamationView} from './reclamation.js'
import type {DseqText} from '../../protocol/json-fields.js'

/** The typed JSONL event (`--output jsonl`): `{"type":"lease_reclaiming", …}`. */
export interface LeaseReclaimingEvent {
  type: 'lease_reclaiming'
  provider: string
  dseq: DseqText
  gseq: number
  oseq: number
  reason: string
  deadline: string
  /** One sentence for people. */
  message: string
  reclamation: ReclamationView
}

/** The reclaiming leases of `leases`, as events. */
export function reclaimingEvents(leases: readonly Lease[], now: number): LeaseReclaimingEvent[] {
  const out: LeaseReclaimingEvent[] = []
  for (const l of leases) {
    if (l.state !== 'reclaiming') continue
    const view = reclamationView(l, now)
    if (!view?.deadline) continue
    out.push({
      type: 'lease_reclaiming',
      provider: l.id.provider,
      dseq: l.id.dseq.toString(),
      gseq: l.id.gseq,
      oseq: l.id.oseq,
      reason: view.reason ?? 'unspecified',
      deadline: view.deadline,
      message: `lease ${l.id.dseq}/${l.id.gseq}/${l.id.oseq} on ${l.id.provider}: ${reclamationNotice(view)}`,
      reclamation: view,
    })
  }
  return out
}

/**
 * Polls the deployment's leases once a block until `signal` aborts and calls `notify` once per
 * lease that is (or turns) reclaiming. A chain that does not answer is asked again next time.
 */
export async function watchReclamation(
  market: Pick<MarketQueries, 'leases'>,
  owner: string,
  dseq: bigint,
  options: {blockTimeMs: number; signal: AbortSignal; notify: (e: LeaseReclaimingEvent) => void; now?: () => number},
): Promise<void> {
  const seen = new Set<string>()
  const now = options.now ?? Date.now
  while (!options.signal.aborted) {
    try {
      for (const e of reclaimingEvents(await market.leases({owner, dseq}), now())) {
        const key = `${e.provider}/${e.gseq}/${e.oseq}/${e.deadline}`
        if (seen.has(key)) continue
        seen.add(key)
        options.notify(e)
      }
    } catch {
      // The next block asks again.
    }
    await abortableSleep(Math.max(500, options.blockTimeMs), options.signal).catch(() => {})
  }
}
