import type {EventHub} from '../events.js'

/**
 * Whether the chain answers, told as events: a warning when it stops (and every 30th failed try, so a long outage
 * stays visible), and `chain.recovered` on the first block after, so the dashboard's last word is not a stale
 * "not answering" once the chain is back (D38).
 */
export class ChainHealth {
  private failures = 0
  private downSince?: number

  constructor(
    private readonly hub: Pick<EventHub, 'emit'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Failed tries in a row; the caller backs off by it. */
  get failedTries(): number {
    return this.failures
  }

  failed(error: unknown): void {
    this.failures++
    this.downSince ??= this.now()
    if (this.failures === 1 || this.failures % 30 === 0) {
      this.hub.emit({type: 'warning', message: `the chain is not answering (${error instanceof Error ? error.message : String(error)}); leases keep running, retrying`})
    }
  }

  answered(height: number): void {
    this.failures = 0
    if (this.downSince === undefined) return
    const downMs = Math.max(0, this.now() - this.downSince)
    this.downSince = undefined
    this.hub.emit({type: 'chain.recovered', height, downMs})
  }
}
