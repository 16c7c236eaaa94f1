/**
 * A push/pull bridge from callback sources (sockets, watchers) to one AsyncIterable consumer,
 * with backpressure: once `highWater` items wait, `onPause` is called (sources stop reading),
 * and `onResume` when the consumer has drained below `lowWater`.
 */
export interface AsyncQueueOptions {
  highWater?: number
  lowWater?: number
  onPause?: () => void
  onResume?: () => void
  /** Called once when the consumer stops (break, return, end of stream or error). */
  onClose?: () => void
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = []
  private head = 0
  private ended = false
  private error: unknown
  private waiter: (() => void) | undefined
  private paused = false
  private closed = false
  private readonly highWater: number
  private readonly lowWater: number

  constructor(private readonly options: AsyncQueueOptions = {}) {
    this.highWater = options.highWater ?? 10_000
    this.lowWater = options.lowWater ?? Math.floor(this.highWater / 4)
  }

  get size(): number {
    return this.items.length - this.head
  }

  get isEnded(): boolean {
    return this.ended
  }

  push(item: T): void {
    if (this.ended) return
    this.items.push(item)
    this.afterPush()
  }

  pushAll(items: readonly T[]): void {
    if (this.ended || items.length === 0) return
    for (const item of items) this.items.push(item)
    this.afterPush()
  }

  end(error?: unknown): void {
    if (this.ended) return
    this.ended = true
    this.error = error
    this.wake()
  }

  private afterPush(): void {
    if (!this.paused && this.size >= this.highWater) {
      this.paused = true
      this.options.onPause?.()
    }
    this.wake()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    this.ended = true
    this.items = []
    this.head = 0
    this.options.onClose?.()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      while (true) {
        if (this.head < this.items.length) {
          const item = this.items[this.head++] as T
          if (this.head > 4096 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head)
            this.head = 0
          }
          if (this.paused && this.size <= this.lowWater) {
            this.paused = false
            this.options.onResume?.()
          }
          yield item
          continue
        }
        if (this.ended) {
          if (this.error !== undefined) throw this.error
          return
        }
        await new Promise<void>((resolve) => {
          this.waiter = resolve
        })
      }
    } finally {
      this.close()
    }
  }
}
