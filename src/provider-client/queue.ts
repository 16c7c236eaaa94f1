/** A push → AsyncIterable bridge for websocket callbacks. */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = []
  private waiting?: {resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void}
  private done = false
  private failure?: unknown

  push(item: T): void {
    if (this.done) return
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w.resolve({value: item, done: false})
    } else {
      this.items.push(item)
    }
  }

  end(): void {
    if (this.done) return
    this.done = true
    if (this.waiting && this.items.length === 0) {
      const w = this.waiting
      this.waiting = undefined
      w.resolve({value: undefined as never, done: true})
    }
  }

  fail(error: unknown): void {
    if (this.done) return
    this.failure = error
    this.done = true
    if (this.waiting) {
      const w = this.waiting
      this.waiting = undefined
      w.reject(error)
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({value: this.items.shift()!, done: false})
    if (this.failure !== undefined) {
      const f = this.failure
      this.failure = undefined
      return Promise.reject(f)
    }
    if (this.done) return Promise.resolve({value: undefined as never, done: true})
    return new Promise((resolve, reject) => (this.waiting = {resolve, reject}))
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {next: () => this.next(), return: async () => {
      this.end()
      return {value: undefined as never, done: true}
    }}
  }
}
