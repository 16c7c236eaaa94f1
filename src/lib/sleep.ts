/**
 * A sleep that an AbortSignal ends early (resolving, not rejecting: callers check the signal).
 * The abort listener is removed when the timer fires, so a loop that sleeps on one long-lived
 * signal (polling for readiness, reconnecting a log stream) does not pile listeners up on it.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // An already aborted signal never fires 'abort' again.
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
