/**
 * Runs async work one at a time per key (per lease in the runtimes): a deploy, a teardown and a
 * supervised restart of the same lease never interleave, while different leases run side by side.
 * A failed run does not block the next one.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(fn, fn)
    const settled = run.catch(() => undefined)
    this.tails.set(key, settled)
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key)
    })
    return run
  }
}
