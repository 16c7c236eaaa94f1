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
  /** The block being produced, if any: stop() waits for it before the database closes. */
  private current: Promise<void> | undefined
  private readonly onWork = () => this.scheduleSoon()

  constructor(
    private readonly app: DevApp,
    private readonly options: BlockProducerOptions,
  ) {}

  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    // A chain at height 0 has no block for clients to read: make the first one now.
    if (this.app.height() === 0) await this.produce()
    if (this.options.blockTimeMs > 0) this.scheduleNext()
    else {
      this.app.on('work', this.onWork)
      if (this.app.hasPendingWork()) this.scheduleSoon()
    }
  }

  async stop(): Promise<void> {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
    this.app.off('work', this.onWork)
    await this.current
  }

  private produce(): Promise<void> {
    const run = this.app.produceBlock().then(
      () => undefined,
      (error: unknown) => this.options.log?.(`block production failed: ${(error as Error).stack ?? error}`),
    )
    this.current = run.finally(() => {
      if (this.current === tracked) this.current = undefined
    })
    const tracked = this.current
    return tracked
  }

  private scheduleNext(): void {
    if (!this.running) return
    const last = this.app.latestBlock()
    const due = last ? Date.parse(last.time) + this.options.blockTimeMs : Date.now()
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        if (!this.running) return
        void this.produce().then(() => this.scheduleNext())
      },
      Math.max(0, due - Date.now()),
    )
  }

  private scheduleSoon(): void {
    if (!this.running || this.immediate) return
    this.immediate = setImmediate(() => {
      this.immediate = undefined
      if (!this.running || !this.app.hasPendingWork() || this.current) return
      void this.produce().then(() => {
        if (this.app.hasPendingWork()) this.scheduleSoon()
      })
    })
  }
}
