import type {BlockInfo, MarketQueries} from '../../market/market.js'
import {pollBlocks as poll} from '../../market/poll-blocks.js'

/**
 * The provider's block clock: new blocks, polled an eighth of the block time apart, twice as often
 * as `Market.watchBlocks` (a quarter), so an order is seen, and bid on, early enough for the bid to
 * land in the next block.
 */
export function providerBlocks(market: Pick<MarketQueries, 'latestBlock'>, blockTimeMs: number, signal: AbortSignal): AsyncIterable<BlockInfo> {
  return poll(() => market.latestBlock(), Math.max(50, Math.min(1000, Math.floor(blockTimeMs / 8))), signal)
}
