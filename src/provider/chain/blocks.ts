import type {BlockInfo, MarketQueries} from '../../market/market.js'

/**
 * New blocks by polling the latest height, an eighth of the block time apart: twice as often as
 * `Market.watchBlocks` (a quarter), so an order is seen, and bid on, early enough for the bid to
 * land in the next block. Otherwise the same loop as `AkashMarket.watchBlocks`; if the Market ever
 * takes a poll interval, use that and drop this.
 */
export async function* pollBlocks(market: Pick<MarketQueries, 'latestBlock'>, blockTimeMs: number, signal: AbortSignal): AsyncIterable<BlockInfo> {
  const interval = Math.max(50, Math.min(1000, Math.floor(blockTimeMs / 8)))
  let last = 0
  while (!signal.aborted) {
    const block = await market.latestBlock()
    if (block.height > last) {
      last = block.height
      yield block
    }
    await sleep(interval, signal)
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
