/**
 * Runs tasks one at a time per key, in the order they were asked for; tasks of different keys run
 * concurrently. A failed task does not stop the ones queued behind it. A key's entry goes once its
 * queue is empty, so a long-lived lock over many keys (leases) does not grow.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task, task)
    const settled = result.catch(() => undefined)
    this.tails.set(key, settled)
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key)
    })
    return result
  }

  /** Keys with a task running or queued. */
  get size(): number {
    return this.tails.size
  }
}
