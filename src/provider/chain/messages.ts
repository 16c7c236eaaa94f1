import type {BatchMsg} from '../../market/market.js'

/** The transactions a running provider sends, as plain data; the market's batch broadcaster encodes them. */
export type ProviderMsg = BatchMsg

// The queue that sends them is the Market's (src/market/tx-queue.ts): `edge provide withdraw` and
// `reclaim` use it without a running provider. Its outcome types keep their provider-side names here.
export {TxRejected, type TxOutcome} from '../../market/tx-messages.js'
