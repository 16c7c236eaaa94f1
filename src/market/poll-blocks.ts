import type {BlockInfo} from './market.js'

/** New blocks, by asking for the latest one every `intervalMs` until `signal` aborts. */
export async function* pollBlocks(latestBlock: () => Promise<BlockInfo>, intervalMs: number, signal: AbortSignal): AsyncIterable<BlockInfo> {
  let last = 0
  while (!signal.aborted) {
    const block = await latestBlock()
    if (block.height > last) {
      last = block.height
      yield block
    }
    await sleep(intervalMs, signal)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // An already aborted signal never fires 'abort' again.
    if (signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    // The listener goes when the timer fires, so a long watch does not pile them up.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
