// Moved to src/lib/async-queue.ts (one push → pull queue). This re-export keeps branches written
// against the old path compiling until they are merged; import from lib/.
export {AsyncQueue, type AsyncQueueOptions} from '../../../lib/async-queue.js'
