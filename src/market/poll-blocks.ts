import {sleep} from '../lib/sleep.js'
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
