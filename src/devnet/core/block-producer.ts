import type {DevApp} from '../app.js'

export interface BlockProducerOptions {
  /** Milliseconds between blocks; 0 makes a block as soon as a transaction (or faucet request) arrives. */
  blockTimeMs: number
  log?: (line: string) => void
}

/** Drives the chain: a block every `blockTimeMs` (drift-corrected), or on demand when 0. */
export class BlockProducer {
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private running = false
  private readonly onWork = () => this.scheduleSoon()

  constructor(
    private readonly app: DevApp,
    private readonly options: BlockProducerOptions,
  ) {}

  start(): void {
    if (this.running) return
    this.running = true
    // A chain at height 0 has no block for clients to read: make the first one now.
    if (this.app.height() === 0) this.produce()
    if (this.options.blockTimeMs > 0) this.scheduleNext()
    else {
      this.app.on('work', this.onWork)
      if (this.app.hasPendingWork()) this.scheduleSoon()
    }
  }

  stop(): void {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
    this.app.off('work', this.onWork)
  }

  private produce(): void {
    try {
      this.app.produceBlock()
    } catch (error) {
      this.options.log?.(`block production failed: ${(error as Error).stack ?? error}`)
    }
  }

  private scheduleNext(): void {
    if (!this.running) return
    const last = this.app.latestBlock()
    const due = last ? Date.parse(last.time) + this.options.blockTimeMs : Date.now()
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        if (!this.running) return
        this.produce()
        this.scheduleNext()
      },
      Math.max(0, due - Date.now()),
    )
  }

  private scheduleSoon(): void {
    if (!this.running || this.immediate) return
    this.immediate = setImmediate(() => {
      this.immediate = undefined
      if (!this.running || !this.app.hasPendingWork()) return
      this.produce()
      if (this.app.hasPendingWork()) this.scheduleSoon()
    })
  }
}
